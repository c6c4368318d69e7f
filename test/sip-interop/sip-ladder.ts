// The SIP ladder of a capture as a packet log people can read: time, who sent to whom (the test
// names the ports: tiller, kamailio, sipp), and the request or status line. tshark's own summary
// (`-Y sip`) shows 127.0.0.1 → 127.0.0.1 on every line, which says nothing on a loopback.
import { runTool } from '../helpers/sip-tools.ts';

export interface LadderStep {
  seconds: number;
  from: string;
  to: string;
  /** "INVITE sip:..." or "407 Proxy Authentication Required". */
  line: string;
}

/**
 * The SIP messages of `pcap`, with ports named by `names`; a port not named is `others` (the
 * party whose port the test did not choose: Tiller binds port 0).
 */
export async function sipLadder(
  tshark: string,
  pcap: string,
  names: Readonly<Record<number, string>>,
  others = 'tiller',
): Promise<LadderStep[]> {
  const decodeAs = Object.keys(names).flatMap((port) => ['-d', `udp.port==${port},sip`]);
  const fields = ['frame.time_relative', 'udp.srcport', 'udp.dstport'];
  const result = await runTool(tshark, [
    '-r',
    pcap,
    ...decodeAs,
    '-Y',
    'sip',
    '-T',
    'fields',
    ...fields.flatMap((f) => ['-e', f]),
    '-e',
    'sip.Request-Line',
    '-e',
    'sip.Status-Line',
  ]);
  if (result.code !== 0) throw new Error(`tshark -r failed: ${result.stderr}`);
  const name = (port: string) => names[Number(port)] ?? others;
  return result.stdout
    .split('\n')
    .filter((row) => row.includes('\t'))
    .map((row) => {
      const [time, src, dst, request, status] = row.split('\t');
      return {
        seconds: Number(time),
        from: name(src ?? ''),
        to: name(dst ?? ''),
        line: (request || status || '').replace(/^SIP\/2\.0 /, '').replace(/ SIP\/2\.0$/, ''),
      };
    });
}

/** One line per message: `  4.267  tiller   → kamailio  INVITE sip:...`. */
export function formatLadder(steps: readonly LadderStep[]): string {
  const width = Math.max(...steps.flatMap((s) => [s.from.length, s.to.length]));
  return steps
    .map(
      (s) =>
        `${s.seconds.toFixed(3).padStart(7)}  ${s.from.padEnd(width)} → ${s.to.padEnd(width)}  ${s.line}`,
    )
    .join('\n');
}
