// A packet log of a call: tshark captures the loopback with a capture filter for the test's own
// UDP ports while the call runs, then decodes the SIP ladder (`tshark -r file -Y sip`) into a
// text artifact. Capturing needs root or dumpcap's capabilities (docs/sip-interop.md).
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runTool, spawnTool, waitUntilReady } from '../helpers/sip-tools.ts';

export interface Capture {
  readonly pcap: string;
  /**
   * Sends a marker datagram to the first port, waits until the file holds it (so everything
   * before it is written too: tshark lost the last packets of a call when stopped at once), then
   * stops tshark and returns the capture's path.
   */
  stop(): Promise<string>;
}

/** Starts capturing UDP to or from any of `ports` on the loopback; resolves once tshark captures. */
export async function startCapture(
  t: TestContext,
  tshark: string,
  dir: string,
  ports: readonly number[],
  name = 'call',
): Promise<Capture> {
  const pcap = join(dir, `${name}.pcapng`);
  const filter = `udp and (${ports.map((port) => `port ${port}`).join(' or ')})`;
  const child = spawnTool(t, {
    name: `tshark-${name}`,
    command: tshark,
    args: ['-i', 'lo', '-f', filter, '-w', pcap, '-q'],
    dir,
  });
  // dumpcap says so on stderr once the interface is open and the filter compiled.
  await waitUntilReady(child, async () =>
    readFileSync(child.stderrFile, 'utf8').includes('Capturing on'),
  );
  return {
    pcap,
    stop: async () => {
      const marker = `tiller-capture-end-${randomBytes(4).toString('hex')}`;
      const socket = createSocket('udp4');
      await waitUntilReady(child, async () => {
        socket.send(marker, ports[0], '127.0.0.1');
        const seen = await runTool(tshark, ['-r', pcap, '-Y', `udp contains "${marker}"`]);
        return seen.stdout.includes('UDP');
      });
      socket.close();
      await child.stop();
      return pcap;
    },
  };
}

/**
 * The SIP messages of a capture, one summary line each (`tshark -r file -Y sip`), written next to
 * it as `<name>.sip.txt`. `sipPorts` are decoded as SIP even when they are not 5060.
 */
export async function sipSummary(
  tshark: string,
  pcap: string,
  sipPorts: readonly number[],
): Promise<string> {
  const decodeAs = sipPorts.flatMap((port) => ['-d', `udp.port==${port},sip`]);
  const result = await runTool(tshark, ['-r', pcap, ...decodeAs, '-Y', 'sip']);
  if (result.code !== 0) throw new Error(`tshark -r failed: ${result.stderr}`);
  writeFileSync(pcap.replace(/\.pcapng$/, '.sip.txt'), result.stdout);
  return result.stdout;
}

/**
 * The RTP payload sent to `port` in a capture, in sequence order: what a callee (or caller)
 * received, to listen to or recognise when the peer itself cannot record (SIPp cannot).
 */
export async function rtpPayloadTo(tshark: string, pcap: string, port: number): Promise<Buffer> {
  const result = await runTool(tshark, [
    '-r',
    pcap,
    '-d',
    `udp.port==${port},rtp`,
    '-Y',
    `rtp && udp.dstport==${port}`,
    '-T',
    'fields',
    '-e',
    'rtp.seq',
    '-e',
    'rtp.payload',
  ]);
  if (result.code !== 0) throw new Error(`tshark -r failed: ${result.stderr}`);
  const rows = result.stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [seq, hex] = line.split('\t');
      return { seq: Number(seq), payload: Buffer.from((hex ?? '').replaceAll(':', ''), 'hex') };
    });
  rows.sort((a, b) => a.seq - b.seq);
  return Buffer.concat(rows.map((row) => row.payload));
}
