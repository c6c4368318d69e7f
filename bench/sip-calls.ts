// SIP call benchmark (issue 14): (1) how many concurrent calls with two-way media one Tiller
// process carries before late packets or jitter degrade, and what CPU that costs, expressed as
// calls per core; (2) the turn latency from the end of the callee's speech to the robot's first
// audio packet, p50 and p95, split into endpointing, STT, engine and TTS.
//
//   node bench/sip-calls.ts [--steps 25,50,100,150,200,300] [--seconds 6] [--turn-calls 12]
//                           [--part capacity|latency|both]
//
// The callee side runs in a child process (bench/sip-calls-callee.ts, on Tiller's own SIP and
// RTP code) so it does not eat the measured core; it measures what a receiver sees of Tiller's
// audio (late, lost, jitter), before its jitter buffer, on its own clock.
//
// (1) Each step places N calls through SipCallControl (INVITE, SDP, PCMU), staggered over 2 s.
// Every call runs as SipLeg does in production: each robot line played from the EspeakTts cache
// (pre-warmed; 16 kHz lines resampled to 8 kHz per play), the callee's replies heard through the
// speech listener (VAD and endpointing on every frame; the answering-machine detector on the first
// seconds) and an instant STT; the callee replies after each line. After 2 s of warm-up the step
// is measured for --seconds: Tiller's CPU (process.cpuUsage), its event loop delay, its media
// clock's ticks >= 60 ms late (a packet sent that late is late at a far end whose buffer starts
// at 60 ms), and at the callee the robot's packets late / lost and their RFC 3550 jitter. A step
// passes when late, lost and late ticks are each under 1 % and the mean jitter under 20 ms (one
// frame); the steps stop at the first that fails.
//
// (2) bench/sip-calls-latency.ts: whole robot calls through the voice driver, three settings in
// turn: the baseline (STT instant: FakeStt; TTS from the cache), TTS cache misses, and the
// offline STT (pocketsphinx, when installed). Bounded: about 2-3 minutes with the defaults.

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { CallLeg } from '../src/channels/telephony/call-control.ts';
import { sharedMediaClock } from '../src/channels/telephony/sip/media/media-clock.ts';
import { SipUserAgent } from '../src/channels/telephony/sip/signalling/user-agent.ts';
import { FakeStt } from '../src/dialogue/stt/fake-stt.ts';
import { PocketsphinxStt } from '../src/dialogue/stt/pocketsphinx-stt.ts';
import { EspeakTts } from '../src/dialogue/tts/espeak-tts.ts';
import { builtinRobots } from '../src/modules/robots/builtin-robots.ts';
import {
  CALLEE_REPLIES,
  type LatencyRun,
  measureTurns,
  percentile,
  robotLines,
  STAGES,
} from './sip-calls-latency.ts';
import { type Callee, callControlTo, startCallee, yesStt } from './sip-calls-tiller.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '25,50,100,150,200,300' },
    seconds: { type: 'string', default: '6' },
    'turn-calls': { type: 'string', default: '12' },
    part: { type: 'string', default: 'both' },
  },
});
const STEPS = values.steps.split(',').map(Number);
const SECONDS = Number(values.seconds);
const TURN_CALLS = Number(values['turn-calls']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const robot = builtinRobots().find((r) => r.definition.name === 'Demo_Info_Check_EN')!.definition;
const tts = new EspeakTts();
const ua = await SipUserAgent.start({ host: '127.0.0.1', port: 0 });
const callee = await startCallee();
const lines = await robotLines(robot);
await Promise.all(lines.map((line) => tts.synthesize(line, 'en', 'robot')));

console.log(
  `SIP calls: ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}, ` +
    `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}; callee in a child process; ${lines.length} robot lines pre-warmed\n`,
);

if (values.part !== 'latency') await capacity(callee);
if (values.part !== 'capacity') await latency(callee);
await callee.stop();
await ua.close();
await tts.close();

async function capacity(callee: Callee): Promise<void> {
  await callee.command({ type: 'config', codecs: ['PCMU'], replies: CALLEE_REPLIES, loop: true });
  console.log('(1) concurrent calls, PCMU, robot lines from the TTS cache, VAD and AMD running');
  console.log(
    '| calls | Tiller CPU % | CPU ms per call-second | calls per core at this cost | loop delay p99 ms | ticks >= 60 ms late % | robot packets/s at callee | late % | lost % | jitter mean / max ms | callee clock ticks >= 60 ms late % | pass |',
  );
  console.log(
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  let best = 0;
  for (const n of STEPS) {
    const r = await step(callee, n);
    const pass = r.latePct < 1 && r.lostPct < 1 && r.lateTicksPct < 1 && r.jitterMean < 20;
    console.log(
      `| ${n} | ${r.cpuPct.toFixed(0)} | ${r.cpuMsPerCallSecond.toFixed(2)} | ${Math.floor(n / (r.cpuPct / 100))} | ${r.loopP99.toFixed(0)} | ${r.lateTicksPct.toFixed(2)} | ${Math.round(r.packetsPerSecond)} | ${r.latePct.toFixed(2)} | ${r.lostPct.toFixed(2)} | ${r.jitterMean.toFixed(1)} / ${r.jitterMax.toFixed(1)} | ${r.calleeLateTicksPct.toFixed(2)} | ${pass ? 'yes' : 'no'} |`,
    );
    if (!pass) break;
    best = n;
  }
  console.log(
    `RESULT concurrent calls with < 1 % late packets: ${best}` +
      `${best === STEPS.at(-1) ? ' (the largest step tried)' : ''}; target >= 100 per core\n`,
  );
}

async function step(callee: Callee, n: number) {
  const cc = callControlTo(ua, callee.address, yesStt);
  const talks: Array<Promise<void>> = [];
  const legs: CallLeg[] = [];
  for (let i = 0; i < n; i++) {
    const to = `+62800${n}${String(i).padStart(4, '0')}`;
    talks.push(
      cc.originate({ callId: `load-${to}`, from: '+6221000088', to, attempt: 1 }).then((c) => {
        if (c.outcome !== 'answered') throw new Error(`load call ${to}: ${c.outcome}`);
        legs.push(c.leg);
        return talk(c.leg, i);
      }),
    );
    await sleep(2000 / n);
  }
  await sleep(2000);
  await callee.command({ type: 'mark' });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const ticks0 = sharedMediaClock.lateness.slice();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(SECONDS * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  loop.disable();
  const report = await callee.report();
  const lateness = sharedMediaClock.lateness.map((c, i) => c - ticks0[i]!);
  for (const leg of legs) await leg.hangup('robot');
  await Promise.all(talks);
  await callee.command({ type: 'clear' });
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    cpuPct: (100 * cpuMs) / wall,
    cpuMsPerCallSecond: cpuMs / n / (wall / 1000),
    loopP99: loop.percentile(99) / 1e6,
    lateTicksPct:
      (100 * lateness.slice(3).reduce((a, b) => a + b, 0)) /
      Math.max(
        1,
        lateness.reduce((a, b) => a + b, 0),
      ),
    packetsPerSecond: report.received / (wall / 1000),
    latePct: (100 * report.late) / Math.max(1, report.received),
    lostPct: (100 * report.lost) / Math.max(1, report.received + report.lost),
    jitterMean: report.jitterMeanMs,
    jitterMax: report.jitterMaxMs,
    // The callee's own clock: when it ran late, the callee's lateness is its own, not ours.
    calleeLateTicksPct: (100 * report.lateTicks) / Math.max(1, report.ticks),
  };
}

/** A production-shaped call loop: a line from the TTS cache, then listen; until the hang-up. */
async function talk(leg: CallLeg, i: number): Promise<void> {
  for (let turn = i; leg.up; turn++) {
    const text = lines[turn % lines.length]!;
    await leg.play({ text, audio: await tts.synthesize(text, 'en', 'robot') });
    const heard = await leg.listen({
      language: 'en',
      expects: { kind: 'intent', intents: ['yes'] },
      timeoutSeconds: 8,
    });
    if (heard.kind === 'hangup') return;
  }
}

async function latency(callee: Callee): Promise<void> {
  await callee.command({ type: 'config', codecs: ['L16'], replies: CALLEE_REPLIES, loop: false });
  const hasSphinx =
    spawnSync('pocketsphinx_continuous', ['-h'], { stdio: 'ignore' }).error === undefined;
  const settings = [
    { name: 'baseline: STT instant, TTS cached', stt: 'fake', miss: false },
    { name: 'TTS cache miss (eSpeak NG)', stt: 'fake', miss: true },
    ...(hasSphinx
      ? [{ name: 'offline STT (pocketsphinx), TTS cached', stt: 'sphinx', miss: false }]
      : []),
  ];
  console.log(
    `(2) turn latency, ${TURN_CALLS} info-check calls per setting over L16/16000, ms (p50 / p95)`,
  );
  if (!hasSphinx)
    console.log('pocketsphinx_continuous is not installed (Debian package pocketsphinx): skipped');
  console.log(
    `| setting | turns | ${STAGES.join(' | ')} | total | total - 600 ms hangover - STT | x baseline (p50) |`,
  );
  console.log(`| --- | ---: | ${STAGES.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`);
  let baseline = NaN;
  for (const [i, s] of settings.entries()) {
    const run: LatencyRun = await measureTurns({
      ua,
      callee,
      robot,
      tts,
      ttsMiss: s.miss,
      stt: () =>
        s.stt === 'sphinx' ? new PocketsphinxStt() : new FakeStt([...CALLEE_REPLIES, 'yes']),
      calls: TURN_CALLS,
      tag: String(i),
    });
    const col = (xs: number[]) =>
      `${percentile(xs, 0.5).toFixed(0)} / ${percentile(xs, 0.95).toFixed(0)}`;
    const totals = run.turns.map((t) => t.total);
    const overhead = run.turns.map((t) => t.total - 600 - t.stt);
    if (i === 0) baseline = percentile(totals, 0.5);
    console.log(
      `| ${s.name} | ${run.turns.length}${run.skipped ? ` (+${run.skipped} unanswered)` : ''} | ${STAGES.map((st) => col(run.turns.map((t) => t[st]))).join(' | ')} | ${col(totals)} | ${col(overhead)} | ${(percentile(totals, 0.5) / baseline).toFixed(2)} |`,
    );
  }
  console.log(
    '\nTargets: pipeline overhead without STT <= 100 ms p50 (column "total - 600 ms hangover - STT");' +
      ' end to end with the offline STT <= 700 ms p50 (column "total")',
  );
}
