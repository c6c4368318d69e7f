// An out-of-dialog OPTIONS over UDP: how the harness sees that a SIP peer answers (kamailio's
// readiness), without a SIP stack of its own.
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

/** Sends one OPTIONS to host:port and resolves with the status line of the answer, or undefined. */
export async function sendOptions(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 1000,
): Promise<string | undefined> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const id = randomBytes(6).toString('hex');
  const message = [
    `OPTIONS sip:${host}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-probe-${id}`,
    `From: <sip:probe@127.0.0.1:${local}>;tag=${id}`,
    `To: <sip:${host}:${port}>`,
    `Call-ID: probe-${id}@127.0.0.1`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  try {
    return await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      socket.on('message', (data) => {
        clearTimeout(timer);
        resolve(data.toString('utf8').split('\r\n')[0]);
      });
      socket.send(message, port, host);
    });
  } finally {
    socket.close();
  }
}
