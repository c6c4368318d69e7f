import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnsweringMachineDetector, type AmdResult } from '../../src/dialogue/voice/amd.ts';
import { framesOf } from '../../src/dialogue/voice/frame.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { concat, hiss, mix, silence, tone } from './audio.ts';
import { say } from './speech-audio.ts';

// The AMD evaluation of docs/speech.md: eSpeak NG greetings at 8 kHz (a phone line's rate), over
// a faint line hiss, each after a random-looking but fixed delay. People: short greetings, a
// repeated "Hello?", a longer introduction; machines: voicemail greetings with and without a
// beep, and short greetings ending in a beep. The confusion matrix is printed for the docs.

const RATE = 8_000;

const PEOPLE = [
  'Hello?',
  'Hi.',
  'Yes?',
  'Hello, who is this?',
  'Speaking.',
  'Good morning.',
  'Hello, Maria speaking.',
  'Yeah, hello?',
  'Halo?',
  'Hello, this is John, who is calling please?',
];
const MACHINES = [
  "Hi, you've reached John Smith. I can't take your call right now. Please leave a message after the tone.",
  'The person you are calling is not available. Please leave your message after the beep.',
  'Hello, this is Maria. Sorry I missed your call. Leave your name and number and I will call you back.',
  'You have reached the voicemail box of 0 8 1 2 3 4 5 6. Please record your message.',
  'Thank you for calling. Our office is closed right now. Please call again during business hours.',
  'Hey, it is Dave. Leave a message.',
];

interface Case {
  name: string;
  truth: 'human' | 'machine' | 'silence';
  audio: Pcm;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  const line = (i: number) => hiss(RATE, 1_000, -58, i + 11);
  const lead = (i: number) => silence(RATE, 200 + ((i * 137) % 600));
  for (const [i, text] of PEOPLE.entries()) {
    const audio = concat(lead(i), await say(text, RATE), silence(RATE, 5_000));
    out.push({ name: text, truth: 'human', audio: mix(audio, line(i)) });
  }
  // A person who says hello, waits a little, and says it again.
  const hello = await say('Hello?', RATE);
  out.push({
    name: 'Hello? ... Hello?',
    truth: 'human',
    audio: mix(concat(lead(3), hello, silence(RATE, 1_200), hello, silence(RATE, 4_000)), line(3)),
  });
  for (const [i, text] of MACHINES.entries()) {
    const greeting = await say(text, RATE);
    const plain = concat(lead(i), greeting, silence(RATE, 3_000));
    const beep = concat(
      lead(i),
      greeting,
      silence(RATE, 400),
      tone(RATE, 1_000, 500),
      silence(RATE, 3_000),
    );
    out.push({ name: `${text.slice(0, 30)}...`, truth: 'machine', audio: mix(plain, line(i)) });
    out.push({
      name: `${text.slice(0, 30)}... + beep`,
      truth: 'machine',
      audio: mix(beep, line(i)),
    });
  }
  out.push({
    name: 'nobody says anything',
    truth: 'silence',
    audio: mix(silence(RATE, 6_000), line(0)),
  });
  return out;
}

function detect(audio: Pcm): AmdResult {
  const amd = new AnsweringMachineDetector();
  let end = 0;
  for (const f of framesOf(audio)) {
    end = f.at + 20;
    const r = amd.push(f);
    if (r) return r;
  }
  return amd.finish(end);
}

describe('AnsweringMachineDetector on synthetic greetings at 8 kHz', () => {
  it('never takes a person for a machine, and finds most machines', async () => {
    const results = (await cases()).map((c) => ({ ...c, result: detect(c.audio) }));
    const matrix: Record<string, Record<string, number>> = {};
    for (const { truth, result } of results) {
      matrix[truth] ??= { human: 0, machine: 0, unknown: 0 };
      matrix[truth]![result.verdict]!++;
    }
    const lines = ['| truth \\ verdict | human | machine | unknown |', '| --- | --- | --- | --- |'];
    for (const [truth, row] of Object.entries(matrix))
      lines.push(`| ${truth} | ${row.human} | ${row.machine} | ${row.unknown} |`);
    for (const { name, truth, result } of results)
      lines.push(
        `| ${name} (${truth}) | ${result.verdict} ${result.confidence.toFixed(2)} | ${result.reason} | ${result.decidedAtMs} ms |`,
      );
    console.log(lines.map((l) => `# ${l}`).join('\n'));

    assert.equal(matrix.human!.machine, 0, 'a person taken for a machine');
    assert.equal(matrix.silence!.machine, 0, 'silence taken for a machine');
    assert.equal(matrix.silence!.unknown, 1, 'silence is unknown');
    const machines = results.filter((r) => r.truth === 'machine');
    const found = machines.filter((r) => r.result.verdict === 'machine').length;
    assert.ok(found / machines.length >= 0.75, `${found} of ${machines.length} machines found`);
    for (const r of results.filter((x) => x.name.endsWith('+ beep')))
      assert.equal(r.result.verdict, 'machine', `${r.name}: ${r.result.reason}`);
  });
});
