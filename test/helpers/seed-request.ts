import { connect } from 'node:net';

// The seed's "send regular message" request (../shared/seeds/000_c06f58c1ee10f68f.txt) exactly
// as its curl sends it, and a raw exchange on one connection, for the tests that must show it
// answered byte for byte (test/api/chatbot-signing.test.ts, test/e2e/seed-send-regular-message).

/** The seed's key id (seeds/000_c06f58c1ee10f68f.txt). */
export const SEED_KEY = '95721c4a78688b356a0a4eed25a76980';

/** The seed's body exactly as its curl's --data-raw sends it (the shell's '\'' is one quote). */
export const SEED_BODY = `{
"channel": "WhatsApp",
"channel_id": "6583753709",
"user": {
"id": "62895402190807"
},
"call_id": "aa2870b1e9da2fe808d690c42feca78e",
"sender_type": "agent",
"messages": [
{
"type": "text",
"text": "this's agent"
}
]
}`;

/**
 * The seed's request as curl puts it on the wire: its headers in its order, `X-AIRudder-Sign;`
 * becoming an empty `X-AIRudder-Sign:` header, and curl's own Host, User-Agent, Accept and
 * Content-Length.
 */
export function seedRequest(host: string, keyId = SEED_KEY): Buffer {
  const body = Buffer.from(SEED_BODY);
  const head = [
    'POST /api/v1/session/message/send HTTP/1.1',
    `Host: ${host}`,
    'User-Agent: curl/8.5.0',
    'Accept: */*',
    `X-AIRudder-Sign-Key: ${keyId}`,
    'X-AIRudder-Sign:',
    'Content-Type: application/json',
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), body]);
}

/** Sends raw bytes on a fresh connection, as curl does, and reads one answer (by Content-Length). */
export async function rawExchange(
  port: number,
  bytes: Buffer,
): Promise<{ status: number; body: string }> {
  const socket = connect(port, '127.0.0.1');
  try {
    let received = Buffer.alloc(0);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const split = received.indexOf('\r\n\r\n');
        if (split < 0) return;
        const head = received.subarray(0, split).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
        const body = received.subarray(split + 4);
        if (body.length < length) return;
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
          body: body.subarray(0, length).toString('utf8'),
        });
      });
      socket.once('error', reject);
      socket.once('close', () => reject(new Error(`closed after ${received.length} bytes`)));
    });
    socket.write(bytes);
    return await answer;
  } finally {
    socket.destroy();
  }
}
