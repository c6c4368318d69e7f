import { randomInt } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Pcm } from '../../../../dialogue/tts/tts.ts';
import { resample } from '../../../../dialogue/tts/resample.ts';
import type { CodecChoice } from './codec-choice.ts';
import { codecFor, type Codec } from './codecs.ts';
import { DtmfReceiver } from './dtmf.ts';
import { FrameStream, type MediaFrame } from './frame-stream.ts';
import { JitterBuffer } from './jitter-buffer.ts';
import { LegRecorder } from './leg-recorder.ts';
import { FRAME_MS, sharedMediaClock, type MediaClock } from './media-clock.ts';
import { Playout } from './playout.ts';
import { parseRtp, serializeRtp, type RtpPacket } from './rtp-packet.ts';
import { RtpReceiveStats } from './rtp-stats.ts';
import { SendQueue } from './send-queue.ts';
import { bindRtpSocket } from './udp-port.ts';

// One call's RTP media: a UDP socket, what we send (plays and keys, paced by the shared 20 ms
// clock) and what we hear (through the jitter buffer, out as 20 ms frames on the same clock),
// RFC 4733 keys both ways, a recording of both legs, and RFC 3550 receive statistics. The SIP
// adapter opens it before its offer (to put the port in the SDP), and calls setRemote with the
// answer. docs/sip-media.md says why each part is as it is.

export interface RtpSessionOptions {
  host: string;
  /** 0 (the default) lets the OS choose. */
  port?: number;
  /** Bind an even port in this range instead (a firewall's media ports). */
  portRange?: [number, number];
  /** The 20 ms clock; the process-wide one unless a test or benchmark gives its own. */
  clock?: MediaClock;
}

export interface RtpStats {
  sent: number;
  received: number;
  lost: number;
  late: number;
  duplicates: number;
  /** RFC 3550 interarrival jitter, in milliseconds. */
  jitterMs: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

interface Receiving {
  codec: Codec;
  buffer: JitterBuffer;
  playout: Playout;
  stats: RtpReceiveStats;
}

export class RtpSession {
  readonly localPort: number;
  readonly #socket: Socket;
  readonly #unsubscribe: () => void;
  readonly #ssrc = randomInt(0, 2 ** 32);
  #sequence = randomInt(0, 2 ** 16);
  #timestamp = randomInt(0, 2 ** 32);
  #remote: Endpoint | undefined;
  #latched = false;
  #heardFirst = false;
  #choice: CodecChoice | undefined;
  #codec: Codec | undefined;
  #receiving: Receiving | undefined;
  #eventTimestamp = 0;
  #sent = 0;
  #framesStarted = false;
  /** Media time of the next frame heard, in ms since the first. */
  #heardMs = 0;
  #closed = false;
  readonly #queue = new SendQueue(() => this.#frameSamples());
  readonly #streams = new Set<FrameStream>();
  readonly #recorders = new Set<LegRecorder>();
  readonly #dtmfListeners: Array<(digit: string) => void> = [];
  readonly #firstPacketListeners: Array<(from: Endpoint, latched: boolean) => void> = [];
  readonly #dtmf = new DtmfReceiver((digit) => {
    for (const listener of this.#dtmfListeners) listener(digit);
  });

  private constructor(socket: Socket, clock: MediaClock) {
    this.#socket = socket;
    this.localPort = socket.address().port;
    socket.on('message', (datagram, from) => this.#receive(datagram, from));
    // A peer's ICMP "port unreachable" surfaces as an error on some systems: media goes on.
    socket.on('error', () => {});
    this.#unsubscribe = clock.subscribe(() => this.#tick());
  }

  static async open(o: RtpSessionOptions): Promise<RtpSession> {
    const socket = await bindRtpSocket(o);
    return new RtpSession(socket, o.clock ?? sharedMediaClock);
  }

  /** Where media goes, and in which codec (from the SDP answer; again on a re-INVITE). */
  setRemote(host: string, port: number, codec: CodecChoice): void {
    if (!this.#latched) this.#remote = { host, port };
    const sameCodec =
      this.#choice?.name === codec.name && this.#choice.clockRate === codec.clockRate;
    this.#choice = codec;
    if (sameCodec && this.#receiving) return;
    const next = codecFor(codec);
    const frameSamples = (next.sampleRate * FRAME_MS) / 1000;
    if (this.#codec && this.#codec.sampleRate !== next.sampleRate) {
      // Keep the timestamp running in the new clock's units.
      this.#timestamp = Math.round((this.#timestamp * next.sampleRate) / this.#codec.sampleRate);
    }
    this.#codec = next;
    const buffer = new JitterBuffer({ frameSamples, clockRate: next.sampleRate });
    this.#receiving = {
      codec: next,
      buffer,
      playout: new Playout(buffer, next, frameSamples),
      stats: this.#receiving?.stats ?? new RtpReceiveStats(next.sampleRate),
    };
  }

  /** Where our packets go now: the signalled address, or the one latched from the far end. */
  get remote(): Endpoint | undefined {
    return this.#remote && { ...this.#remote };
  }

  /** Queues a play; it is resampled to the codec's rate and sent as 20 ms packets. */
  play(pcm: Pcm): { done: Promise<{ completed: boolean }>; stop(): void } {
    if (this.#closed || !this.#codec) {
      return { done: Promise.resolve({ completed: false }), stop: () => {} };
    }
    const rate = this.#codec.sampleRate;
    const samples = resample(pcm.samples, pcm.sampleRate, rate);
    return this.#queue.play(splitFrames(samples, this.#frameSamples()));
  }

  /** Barge-in: the current play and every queued one stop now (completed false). */
  stopPlayback(): void {
    this.#queue.stopPlays();
  }

  /** The far end's audio, 20 ms frames from the first packet on; ends when the session closes. */
  frames(): AsyncIterable<MediaFrame> {
    const stream = new FrameStream(() => this.#streams.delete(stream));
    if (this.#closed) stream.end();
    else this.#streams.add(stream);
    return stream;
  }

  onDtmf(cb: (digit: string) => void): void {
    this.#dtmfListeners.push(cb);
  }

  /** Hears the first packet: where it came from, and whether we latched our remote to it. */
  onFirstPacket(cb: (from: Endpoint, latched: boolean) => void): void {
    this.#firstPacketListeners.push(cb);
  }

  async sendDtmf(digits: string): Promise<void> {
    if (this.#choice?.dtmfPayloadType === undefined) {
      throw new Error('the far end did not accept telephone-event: no DTMF payload type');
    }
    if (this.#closed) return;
    await this.#queue.keys(digits);
  }

  record(): { stop(): { callee: Pcm; robot: Pcm; mixed: Pcm } } {
    const recorder = new LegRecorder();
    this.#recorders.add(recorder);
    return {
      stop: () => {
        this.#recorders.delete(recorder);
        return recorder.stop();
      },
    };
  }

  stats(): RtpStats {
    const r = this.#receiving;
    return {
      sent: this.#sent,
      received: r?.stats.received ?? 0,
      lost: r?.stats.lost ?? 0,
      late: r?.buffer.late ?? 0,
      duplicates: r?.buffer.duplicates ?? 0,
      jitterMs: r?.stats.jitterMs ?? 0,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#queue.stopPlays();
    this.#queue.stopKeys();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #frameSamples(): number {
    return ((this.#codec?.sampleRate ?? 8000) * FRAME_MS) / 1000;
  }

  #tick(): void {
    const frameSamples = this.#frameSamples();
    const robot = this.#sendTick();
    const heard = this.#hearTick();
    if (this.#recorders.size > 0 && this.#codec) {
      const silence = new Int16Array(frameSamples);
      for (const recorder of this.#recorders) {
        recorder.add(this.#codec.sampleRate, heard ?? silence, robot ?? silence);
      }
    }
    this.#timestamp = (this.#timestamp + frameSamples) >>> 0;
  }

  /** Sends this tick's packet, if any; gives the audio sent (for the recording). */
  #sendTick(): Int16Array | undefined {
    const out = this.#queue.next();
    if (out.kind === 'none' || !this.#choice || !this.#codec) return undefined;
    if (out.kind === 'audio') {
      this.#send(
        this.#choice.payloadType,
        out.marker,
        this.#timestamp,
        this.#codec.encode(out.samples),
      );
      return out.samples;
    }
    // Every packet of one key carries the timestamp of the key's start (RFC 4733 §2.5.1.1).
    if (out.newEvent) this.#eventTimestamp = this.#timestamp;
    this.#send(this.#choice.dtmfPayloadType!, out.marker, this.#eventTimestamp, out.payload);
    return undefined;
  }

  #send(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!this.#remote) return;
    const packet: RtpPacket = {
      payloadType,
      marker,
      sequence: this.#sequence,
      timestamp,
      ssrc: this.#ssrc,
      payload,
    };
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#sent += 1;
    this.#socket.send(serializeRtp(packet), this.#remote.port, this.#remote.host);
  }

  /**
   * Plays out this tick's frame of the far end's audio, silence until its first packet: frames
   * run from the moment the far end is known (the answer), so a listener's timeouts pass on a
   * line that sends nothing (a silent phone, silence suppression) and its media time is the call's.
   */
  #hearTick(): Int16Array | undefined {
    const r = this.#receiving;
    if (!r) return undefined;
    const frame = this.#heardFirst ? r.playout.next() : undefined;
    const samples =
      frame && (this.#framesStarted || !frame.idle)
        ? frame.samples
        : new Int16Array((r.codec.sampleRate * FRAME_MS) / 1000);
    if (frame && !frame.idle) this.#framesStarted = true;
    const item = { samples, sampleRate: r.codec.sampleRate, at: this.#heardMs };
    this.#heardMs += FRAME_MS;
    for (const stream of this.#streams) stream.push(item);
    return samples;
  }

  #receive(datagram: Buffer, from: RemoteInfo): void {
    const r = this.#receiving;
    const choice = this.#choice;
    if (this.#closed || !r || !choice) return;
    const packet = parseRtp(datagram);
    if (!packet) return;
    const isAudio = packet.payloadType === choice.payloadType;
    const isEvent = packet.payloadType === choice.dtmfPayloadType;
    if (!isAudio && !isEvent) return;
    if (!this.#heardFirst) this.#firstPacket({ host: from.address, port: from.port });
    r.stats.countPacket(packet.sequence);
    if (isEvent) {
      this.#dtmf.receive(packet.timestamp, packet.payload);
      return;
    }
    r.stats.arrival(packet.timestamp, performance.now());
    const result = r.buffer.push({
      sequence: packet.sequence,
      timestamp: packet.timestamp,
      marker: packet.marker,
      payload: packet.payload,
      samples: r.codec.samplesIn(packet.payload.length),
    });
    if (result === 'duplicate') r.stats.countDuplicate();
  }

  #firstPacket(from: Endpoint): void {
    this.#heardFirst = true;
    const signalled = this.#remote;
    // Symmetric RTP (RFC 4961): behind a NAT the far end's media comes from another address or
    // port than its SDP said; sending back to where it really comes from gets through. Once only,
    // so a stray packet later in the call cannot take the media away.
    const latched = !signalled || signalled.host !== from.host || signalled.port !== from.port;
    if (latched) {
      this.#remote = from;
      this.#latched = true;
    }
    for (const listener of this.#firstPacketListeners) listener(from, latched);
  }
}

function splitFrames(samples: Int16Array, frameSamples: number): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at < samples.length; at += frameSamples) {
    const frame = new Int16Array(frameSamples); // the last one padded with silence
    frame.set(samples.subarray(at, Math.min(at + frameSamples, samples.length)));
    frames.push(frame);
  }
  return frames;
}
