import { createSocket, type Socket } from 'node:dgram';

// A UDP relay on loopback that stands between two RTP endpoints and makes the network worse:
// each datagram is dropped with probability `loss` (from a seeded generator, so a run repeats),
// and the rest are delayed by `delayMs` plus a uniform random share of `jitterMs`, drawn per
// datagram, so later ones overtake earlier ones (reordering) as on a real path.
//
// Side A sends to `portForA` and hears back from it; side B likewise with `portForB`. Each side's
// address is given, or learned from its first datagram (so a test can point at the relay before
// it knows a port).

export interface ImpairmentOptions {
  a?: { host: string; port: number };
  b?: { host: string; port: number };
  /** 0..1 chance to drop each datagram. */
  loss?: number;
  delayMs?: number;
  jitterMs?: number;
  seed?: number;
}

export interface DirectionCounts {
  forwarded: number;
  dropped: number;
}

export interface UdpImpairment {
  portForA: number;
  portForB: number;
  /** Counts per direction: `aToB` is what A sent towards B. */
  counts: { aToB: DirectionCounts; bToA: DirectionCounts };
  close(): Promise<void>;
}

export async function startUdpImpairment(o: ImpairmentOptions = {}): Promise<UdpImpairment> {
  const random = mulberry32(o.seed ?? 1);
  const loss = o.loss ?? 0;
  const delayMs = o.delayMs ?? 0;
  const jitterMs = o.jitterMs ?? 0;
  const sideA = await bind();
  const sideB = await bind();
  let a = o.a;
  let b = o.b;
  const counts = { aToB: { forwarded: 0, dropped: 0 }, bToA: { forwarded: 0, dropped: 0 } };
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const forward = (
    data: Buffer,
    out: Socket,
    to: { host: string; port: number } | undefined,
    c: DirectionCounts,
  ) => {
    // Draw both numbers for every datagram so the loss pattern does not depend on the delays.
    const drop = random() < loss;
    const wait = delayMs + random() * jitterMs;
    if (!to || drop) {
      c.dropped += 1;
      return;
    }
    c.forwarded += 1;
    const send = () => {
      if (!closed) out.send(data, to.port, to.host);
    };
    if (wait <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, wait);
    timers.add(timer);
  };
  sideA.on('message', (data, from) => {
    a ??= { host: from.address, port: from.port };
    forward(data, sideB, b, counts.aToB);
  });
  sideB.on('message', (data, from) => {
    b ??= { host: from.address, port: from.port };
    forward(data, sideA, a, counts.bToA);
  });
  return {
    portForA: sideA.address().port,
    portForB: sideB.address().port,
    counts,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([sideA, sideB].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

function bind(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

/** A small seeded generator (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
