// RTP media load (issue 14): how many concurrent sessions, each sending PCMU and receiving it
// (play + receive, frames read, recording off), one Node process, that is one core, can run with
// fewer than 1 % late packets. Sessions run in pairs on loopback, each pair's sessions pointed at
// each other, so every session sends 50 packets/s and plays out 50 frames/s; both ends are in this
// process, so the figure counts the full cost of a call's media on our side, twice over.
//
// Late has two sides. A receiver counts a packet late when it comes after its playout time. But
// both ends here share one clock, so a held-up event loop delays sending and playout alike and
// the receivers see nothing; the sender's side shows it: a clock tick that ran after it was due
// sent every session's packet late. A far end plays a packet out 60 ms (its jitter buffer's
// start depth) after it would have if on time, so a packet sent 60 ms or more late is one that a
// real receiver would count late: those are the "late ticks". Ticks a frame (20 ms) late are
// shown too, since they eat into the far end's margin. A step passes when the receivers' late
// share and the late ticks are both under 1 %, and at least 99 % of the media that the
// wall-clock time called for was received.
//
//   node bench/sip-media-load.ts [--steps 50,100,200,400,800] [--seconds 8]
//
// Each step runs for --seconds with its own 20 ms clock, then prints: sessions, packets received,
// late % (came after their playout time), lost %, mean RFC 3550 jitter, clock ticks that ran
// late (the event loop was held up), and CPU use of the process. Stops at the first step over
// 1 % late. Bounded: at most steps x seconds (42 s by default) plus set-up.

import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { CodecChoice } from '../src/channels/telephony/sip/media/codec-choice.ts';
import { MediaClock } from '../src/channels/telephony/sip/media/media-clock.ts';
import { RtpSession } from '../src/channels/telephony/sip/media/rtp-session.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '25,50,100,150,200,300,400' },
    seconds: { type: 'string', default: '6' },
  },
});
const steps = values.steps.split(',').map(Number);
const seconds = Number(values.seconds);
const PCMU: CodecChoice = { name: 'PCMU', payloadType: 0, clockRate: 8000, dtmfPayloadType: 101 };

const tone = new Int16Array(8000 * (seconds + 2));
for (let i = 0; i < tone.length; i++)
  tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));

async function step(count: number) {
  const clock = new MediaClock();
  const sessions: RtpSession[] = [];
  for (let i = 0; i < count / 2; i++) {
    const a = await RtpSession.open({ host: '127.0.0.1', clock });
    const b = await RtpSession.open({ host: '127.0.0.1', clock });
    a.setRemote('127.0.0.1', b.localPort, PCMU);
    b.setRemote('127.0.0.1', a.localPort, PCMU);
    sessions.push(a, b);
  }
  let frames = 0;
  const readers = sessions.map(async (s) => {
    for await (const frame of s.frames()) frames += frame.samples.length > 0 ? 1 : 0;
  });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (const s of sessions) s.play({ sampleRate: 8000, samples: tone });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const all = sessions.map((s) => s.stats());
  const sum = (k: 'received' | 'late' | 'lost' | 'sent') => all.reduce((n, s) => n + s[k], 0);
  const received = sum('received');
  const result = {
    sessions: count,
    sent: sum('sent'),
    received,
    framesRead: frames,
    latePct: (100 * sum('late')) / Math.max(1, received),
    lostPct: (100 * sum('lost')) / Math.max(1, received + sum('lost')),
    jitterMs: all.reduce((n, s) => n + s.jitterMs, 0) / all.length,
    lateTicksPct: (100 * clock.lateness.slice(3).reduce((n, c) => n + c, 0)) / (wall / 20),
    frameLatePct: (100 * clock.lateTicks) / (wall / 20),
    deliveredPct: (100 * received) / ((count * wall) / 20),
    cpuMsPerSessionSecond: (cpu.user + cpu.system) / 1000 / count / (wall / 1000),
    cpuPct: (100 * (cpu.user + cpu.system)) / 1000 / wall,
  };
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all(readers);
  return result;
}

console.log(
  `load average before: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} on ${cpus().length} cores`,
);
console.log(
  'sessions  received  delivered %  late %  lost %  jitter ms  ticks >=20ms late %  ticks >=60ms late %  cpu %  cpu ms/session-s',
);
let best = 0;
for (const count of steps) {
  const r = await step(count);
  console.log(
    `${String(r.sessions).padStart(8)}  ${String(r.received).padStart(8)}  ${r.deliveredPct.toFixed(1).padStart(11)}  ${r.latePct.toFixed(2).padStart(6)}  ${r.lostPct.toFixed(2).padStart(6)}  ${r.jitterMs.toFixed(2).padStart(9)}  ${r.frameLatePct.toFixed(2).padStart(19)}  ${r.lateTicksPct.toFixed(2).padStart(19)}  ${r.cpuPct.toFixed(0).padStart(5)}  ${r.cpuMsPerSessionSecond.toFixed(2).padStart(16)}`,
  );
  if (r.latePct >= 1 || r.lateTicksPct >= 1 || r.lostPct >= 1 || r.deliveredPct < 99) break;
  best = count;
}
console.log(
  `RESULT sessions with < 1 % late packets on one core: ${best}${best === steps.at(-1) ? ' (the largest step tried)' : ''}`,
);
