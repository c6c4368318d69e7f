// The SMS rules of the SMPP adapter that need no connection: the text's coding and carrier
// field, addresses, delivery receipts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressIn,
  addressOut,
  DATA_CODING_GSM7,
  DATA_CODING_UCS2,
  hexStatus,
  parseReceipt,
  personIn,
  textFields,
} from '../../src/channels/messaging/smpp/smpp-pdu-fields.ts';
import { smppChannelFromConfig } from '../../src/channels/messaging/smpp/smpp-config.ts';

describe('SMPP text fields', () => {
  it('sends GSM-7 text as is in short_message, up to 160 septets', () => {
    const text = 'a'.repeat(160);
    assert.deepEqual(textFields(text), { data_coding: DATA_CODING_GSM7, short_message: text });
    assert.deepEqual(textFields('Pay @ 5 £ é'), {
      data_coding: DATA_CODING_GSM7,
      short_message: 'Pay @ 5 £ é',
    });
  });

  it('moves longer GSM-7 text to message_payload, counting extension characters twice', () => {
    const long = 'a'.repeat(161);
    assert.deepEqual(textFields(long), { data_coding: DATA_CODING_GSM7, message_payload: long });
    // 157 + 2 × 2 septets = 161: one SMS cannot carry it although it has 159 characters.
    const euros = `${'a'.repeat(157)}€€`;
    assert.equal(textFields(euros).message_payload, euros);
  });

  it('sends other text as UCS2, up to 70 UTF-16 units in short_message', () => {
    const cyrillic = 'Ж'.repeat(70);
    assert.deepEqual(textFields(cyrillic), {
      data_coding: DATA_CODING_UCS2,
      short_message: cyrillic,
    });
    assert.deepEqual(textFields(`${'Ж'.repeat(69)}🙏`), {
      data_coding: DATA_CODING_UCS2,
      message_payload: `${'Ж'.repeat(69)}🙏`,
    });
  });
});

describe('SMPP addresses', () => {
  it('writes E.164 as international digits, short codes as digits, names as alphanumeric', () => {
    assert.deepEqual(addressOut('+6281234567000'), { addr: '6281234567000', ton: 1, npi: 1 });
    assert.deepEqual(addressOut('12345'), { addr: '12345', ton: 0, npi: 1 });
    assert.deepEqual(addressOut('TILLER'), { addr: 'TILLER', ton: 5, npi: 0 });
  });

  it('reads our address back as it was given, and a person as E.164', () => {
    assert.equal(addressIn('6280012345', 1), '+6280012345');
    assert.equal(addressIn('12345', 0), '12345');
    assert.equal(personIn('6281234567000', 1), '+6281234567000');
    assert.equal(personIn('6281234567000', 0), '+6281234567000', 'long digits are international');
    assert.equal(personIn('+6281234567000', 0), '+6281234567000');
    assert.equal(personIn('12345', 0), '12345', 'a short code stays as it is');
  });

  it('names command statuses as SMPP writes them', () => {
    assert.equal(hexStatus(0x58), '0x00000058');
    assert.equal(hexStatus(0x0b), '0x0000000B');
  });
});

describe('SMPP delivery receipts', () => {
  const receipt = (stat: string, err = '000') =>
    `id:abc123 sub:001 dlvrd:001 submit date:2612031600 done date:2612031601 stat:${stat} err:${err} text:Hello`;

  it('maps each final state to a status', () => {
    const cases: Array<[string, string]> = [
      ['DELIVRD', 'delivered'],
      ['ENROUTE', 'sent'],
      ['ACCEPTD', 'sent'],
      ['UNDELIV', 'failed'],
      ['REJECTD', 'failed'],
      ['EXPIRED', 'failed'],
      ['DELETED', 'failed'],
    ];
    for (const [stat, status] of cases) {
      assert.equal(parseReceipt(receipt(stat), {})?.status, status, stat);
    }
  });

  it('keeps the message id and the err code', () => {
    assert.deepEqual(parseReceipt(receipt('UNDELIV', '034'), {}), {
      messageId: 'abc123',
      stat: 'UNDELIV',
      status: 'failed',
      err: '034',
    });
  });

  it('believes the receipted_message_id and message_state TLVs over the text', () => {
    assert.deepEqual(parseReceipt(receipt('DELIVRD'), { id: 'tlv-id', state: 5 }), {
      messageId: 'tlv-id',
      stat: 'UNDELIV',
      status: 'failed',
      err: '000',
    });
  });

  it('gives no status for an unknown state or a text that is no receipt', () => {
    assert.equal(parseReceipt(receipt('UNKNOWN'), {}), undefined);
    assert.equal(parseReceipt('hello there', {}), undefined);
  });
});

describe('SMPP channel settings', () => {
  it('builds a channel from a row’s settings, and refuses a missing or mistyped one by name', async () => {
    const channel = smppChannelFromConfig(
      { url: 'smpp://127.0.0.1:1', systemId: 'tiller', password: 'secret' },
      { sendsPerSecond: 7 },
    );
    assert.equal(channel.kind, 'sms');
    assert.equal(channel.capabilities.defaultSendsPerSecond, 7);
    await channel.close();
    assert.throws(() => smppChannelFromConfig({ url: 'smpp://h:1', systemId: 'x' }), /"password"/);
    assert.throws(
      () =>
        smppChannelFromConfig(
          { url: 'smpp://h:1', systemId: 'x', password: 'y' },
          { sendsPerSecond: 0 },
        ),
      /sendsPerSecond must be positive/,
    );
    assert.throws(
      () => smppChannelFromConfig({ url: 'http://h', systemId: 'x', password: 'y' }),
      /smpp:\/\/host:port/,
    );
    assert.throws(
      () =>
        smppChannelFromConfig({
          url: 'smpp://h:1',
          systemId: 'x',
          password: 'y',
          enquireLinkSeconds: '30',
        }),
      /"enquireLinkSeconds"/,
    );
  });
});
