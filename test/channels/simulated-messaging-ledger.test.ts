// The simulated messaging provider's ledger file (TILLER_MESSAGING_LEDGER): every accepted send
// is a JSON line on disk by the time the send is answered, and a provider started again on the
// same file refuses those sends' idempotency keys, as the carrier refuses its call ids.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { OutboundMessage } from '../../src/channels/messaging/messaging-channel.ts';
import { messagingPersonaNumber } from '../../src/channels/messaging/simulated/messaging-personas.ts';
import { simulatedChannelFromConfig } from '../../src/channels/messaging/simulated/simulated-config.ts';
import {
  readMessagingLedgerFile,
  SimulatedChannel,
} from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';

const SENDER = '+6280012345';
const dir = mkdtempSync(join(tmpdir(), 'tiller-messaging-ledger-'));
let files = 0;
const newFile = () => join(dir, `ledger-${++files}.jsonl`);

const channels: SimulatedChannel[] = [];
const open = (ledgerFile: string) => {
  const channel = new SimulatedChannel({ timeScale: 1000, ledgerFile });
  channels.push(channel);
  return channel;
};
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const template = (to: string, key: string): OutboundMessage => ({
  from: SENDER,
  to,
  idempotencyKey: key,
  content: { type: 'template', template: { name: 'payment_reminder', language: 'en', body: {} } },
});

describe('simulated messaging ledger file', () => {
  it('holds each accepted send as one JSON line once the send is answered', async () => {
    const file = newFile();
    const channel = open(file);
    const to = messagingPersonaNumber('ignores', 1);
    const { providerMessageId } = await channel.send(template(to, 'msg-1'));
    // Read at once, before anything else runs: the line was written before the answer.
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(
      { ...JSON.parse(lines[0]!), at: undefined },
      {
        providerMessageId,
        messageId: 'msg-1',
        from: SENDER,
        to,
        type: 'template',
        template: 'payment_reminder',
        at: undefined,
      },
    );
    await channel.send({
      from: SENDER,
      to,
      idempotencyKey: 'msg-2',
      content: { type: 'text', text: 'Hello' },
    });
    const entries = readMessagingLedgerFile(file);
    assert.deepEqual(
      entries.map((e) => [e.messageId, e.type, e.template]),
      [
        ['msg-1', 'template', 'payment_reminder'],
        ['msg-2', 'text', undefined],
      ],
    );
    assert.ok(entries.every((e) => e.at instanceof Date && !Number.isNaN(e.at.getTime())));
    assert.deepEqual(channel.ledger, entries);
  });

  it('writes no line for a send it refuses', async () => {
    const file = newFile();
    const channel = open(file);
    await assert.rejects(channel.send(template('0812', 'bad')), { code: 'invalid_recipient' });
    assert.deepEqual(readMessagingLedgerFile(file), []);
  });

  it("refuses, after a restart on the same file, the earlier sends' keys", async () => {
    const file = newFile();
    const to = messagingPersonaNumber('replies', 2);
    const first = open(file);
    const { providerMessageId } = await first.send(template(to, 'kept'));
    await first.close();
    const again = open(file);
    await assert.rejects(again.send(template(to, 'kept')), { code: 'duplicate', retryable: false });
    const other = await again.send(template(to, 'new'));
    assert.notEqual(other.providerMessageId, providerMessageId, 'ids never repeat across runs');
    assert.deepEqual(
      readMessagingLedgerFile(file).map((e) => e.messageId),
      ['kept', 'new'],
    );
  });

  it('reads an absent file as an empty ledger', () => {
    assert.deepEqual(readMessagingLedgerFile(join(dir, 'none.jsonl')), []);
  });

  it('takes the file from the channel factory settings', async () => {
    const file = newFile();
    const channel = simulatedChannelFromConfig({}, { defaultTimeScale: 1000, ledgerFile: file });
    channels.push(channel);
    await channel.send(template(messagingPersonaNumber('ignores', 3), 'via-config'));
    assert.deepEqual(
      readMessagingLedgerFile(file).map((e) => e.messageId),
      ['via-config'],
    );
  });
});
