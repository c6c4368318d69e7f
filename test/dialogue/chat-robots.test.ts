import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  startConversation,
  stepConversation,
  type Action,
  type ConversationState,
  type TurnInput,
} from '../../src/dialogue/conversation.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { robotTemplates, variableTypes } from '../../src/dialogue/script/variables.ts';
import { calleeVars, fillTemplate, type Vars } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { holes } from './line-holes.ts';

// The built-in chat robots, read as a person reads a chat: text in, text out. Each path's
// transcript is checked line by line: the words the robot writes, no holes, amounts as figures
// with their currency, nothing that only makes sense on a phone call.

const NOW = new Date('2026-11-19T03:00:00Z'); // Thursday 10:00 in Jakarta
const ZONE = 'Asia/Jakarta';
const nlu = new KeywordNlu();

const DEBTOR = calleeVars({
  callee_number: '+6281234567000',
  callee_name: 'Budi',
  platform_name: 'AIZCC',
  total_owing_amount: '1500000.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
});
const SHOPPER = calleeVars({
  callee_number: '+14155550123',
  callee_name: 'Alice',
  platform_name: 'ShopCo',
  extra_a: 'blue sneakers, size 8',
  currency_unit: 'USD',
  extend: { variables: { order_id: 'A-1029', order_amount: '49.90' } },
});

const robot = (id: number) => builtinRobots().find((r) => r.robot_id === id)!.definition;

/** One line of the chat as a person sees it: `bot:` / `user:` / `[transfer to q]` / `[end X]`. */
type Line = string;

async function chat(id: number, vars: Vars, inputs: Array<string | TurnInput>) {
  const r = robot(id);
  const lines: Line[] = [];
  const show = (actions: Action[]) => {
    for (const a of actions) {
      if (a.type === 'say') lines.push(`bot: ${a.text}`);
      if (a.type === 'transfer') lines.push(`[transfer to ${a.target}]`);
      if (a.type === 'listen' && a.choices)
        lines.push(`[${a.choices.map((c) => c.title).join(' | ')}]`);
      if (a.type === 'end') lines.push(`[end ${a.result.intention}]`);
    }
  };
  let { state, actions } = startConversation({
    robot: r,
    vars,
    now: NOW,
    timeZone: ZONE,
    channel: 'chat',
  });
  show(actions);
  for (const given of inputs) {
    const input: TurnInput = typeof given === 'string' ? { kind: 'message', text: given } : given;
    if (input.kind === 'message') lines.push(`user: ${input.text}`);
    ({ state, actions } = await stepConversation(r, state, input, { nlu, now: NOW }));
    show(actions);
  }
  return { state, lines };
}

function checkLines(lines: Line[]) {
  for (const line of lines.filter((l) => l.startsWith('bot: '))) {
    const text = line.slice(5);
    assert.deepEqual(holes(text), [], `"${text}"`);
    // A stored value never shows: the amount is written with its currency, the date in words.
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}|1500000|\.00\b/, `"${text}"`);
  }
}

const final = (state: ConversationState) => state.result;

describe('Demo_Collection_Chat_EN (4502)', () => {
  it('promise a date: the choices, the date question, the promise', async () => {
    const { state, lines } = await chat(4502, DEBTOR, ['Promise a date', 'next friday']);
    assert.deepEqual(lines, [
      'bot: Hi Budi, this is Hannah from AIZCC. Your loan of IDR 1,500,000 was due on November 7th. How would you like to settle it?',
      '[Pay today | Promise a date | Talk to an agent | Stop messages]',
      'user: Promise a date',
      'bot: Which date can you pay? You can write it like "next Friday" or "December 5".',
      'user: next friday',
      'bot: Thank you. We have noted your promise to pay on Friday, November 27th. Have a good day.',
      '[end A]',
    ]);
    assert.equal(final(state).ptpDate, '2026-11-27');
    assert.deepEqual(final(state).labels, { PTP: 'promise_to_pay' });
    checkLines(lines);
  });

  it('pay today, picked by the button id', async () => {
    const { state, lines } = await chat(4502, DEBTOR, ['pay_today']);
    assert.equal(
      lines.at(-2),
      'bot: Thank you! Please complete the payment of IDR 1,500,000 today. Have a good day.',
    );
    assert.equal(final(state).intention, 'A');
    assert.deepEqual(final(state).labels, { PTP: 'promise_to_pay_today' });
    checkLines(lines);
  });

  it('asks for a person in words; nobody takes it; the robot carries on', async () => {
    const { state, lines } = await chat(4502, DEBTOR, [
      'can I speak to a person please',
      'hello?',
      { kind: 'agent', event: 'release' },
      'December 5',
    ]);
    assert.deepEqual(lines.slice(3), [
      'bot: Sure, I am passing you to one of our agents. Please wait a moment.',
      '[transfer to collections]',
      'user: hello?',
      'bot: Sorry, all our agents are busy right now. Let us agree on a payment date here instead.',
      'bot: Which date can you pay? You can write it like "next Friday" or "December 5".',
      'user: December 5',
      'bot: Thank you. We have noted your promise to pay on December 5th. Have a good day.',
      '[end A]',
    ]);
    assert.equal(final(state).ptpDate, '2026-12-05');
    checkLines(lines);
  });

  it('an agent takes over: the agent writes, the robot stays quiet', async () => {
    const { state, lines } = await chat(4502, DEBTOR, [
      'Talk to an agent',
      { kind: 'agent', event: 'takeover', agent: 'seat-3' },
      { kind: 'agent', event: 'message', text: 'Hi Budi, this is Rina. How can I help?' },
      'Can I pay half now?',
    ]);
    assert.equal(state.mode, 'human');
    assert.deepEqual(lines.slice(-3), [
      '[transfer to collections]',
      'bot: Hi Budi, this is Rina. How can I help?',
      'user: Can I pay half now?',
    ]);
  });

  it('stop messages: the opt-out end, which does not promise what the app will not do', async () => {
    const listed = await chat(4502, DEBTOR, ['Stop messages']);
    assert.equal(listed.lines.at(-2), 'bot: Understood, we will not message you again. Goodbye.');
    assert.deepEqual(final(listed.state).labels, { Opt_Out: 'opt_out' });
    const r = robot(4502);
    const { state } = startConversation({
      robot: r,
      vars: DEBTOR,
      now: NOW,
      timeZone: ZONE,
      channel: 'chat',
      optOutListed: false,
    });
    const { actions } = await stepConversation(
      r,
      state,
      { kind: 'message', text: 'stop' },
      { nlu },
    );
    assert.deepEqual(actions[0], {
      type: 'say',
      text: 'Understood, I have noted your request. Goodbye.',
    });
  });

  it('answers it cannot place: re-asks with the options, then gives up', async () => {
    const { state, lines } = await chat(4502, DEBTOR, ['banana', 'purple', 'qwerty']);
    assert.deepEqual(lines.slice(3, 5), [
      'bot: Sorry, I did not understand. Please pick one of the options below.',
      'bot: Hi Budi, this is Hannah from AIZCC. Your loan of IDR 1,500,000 was due on November 7th. How would you like to settle it?',
    ]);
    assert.equal(lines[5], '[Pay today | Promise a date | Talk to an agent | Stop messages]');
    assert.deepEqual(final(state).endedAt, { outcome: 'no_match' });
    checkLines(lines);
  });

  it('with an empty callee every line still reads well', async () => {
    const { lines } = await chat(4502, calleeVars({ callee_number: '+6281234567000' }), [
      'pay today',
    ]);
    assert.equal(
      lines[0],
      'bot: Hi, this is Hannah. Your loan was due. How would you like to settle it?',
    );
    assert.equal(
      lines.at(-2),
      'bot: Thank you! Please complete the payment today. Have a good day.',
    );
  });
});

describe('Demo_Collection_Chat_ID (4503)', () => {
  it('janji tanggal bayar', async () => {
    const { state, lines } = await chat(4503, DEBTOR, ['janji tanggal bayar', 'jumat depan']);
    assert.deepEqual(lines, [
      'bot: Halo Budi, saya Hana dari AIZCC. Pinjaman Anda sebesar Rp 1.500.000 sudah jatuh tempo pada 7 November. Bagaimana Anda ingin menyelesaikannya?',
      '[Bayar hari ini | Janji tanggal bayar | Bicara dengan agen | Berhenti kirim pesan]',
      'user: janji tanggal bayar',
      'bot: Tanggal berapa Anda bisa membayar? Anda bisa menulis misalnya "Jumat depan" atau "5 Desember".',
      'user: jumat depan',
      'bot: Terima kasih. Kami sudah mencatat janji bayar Anda pada Jumat, 27 November.',
      '[end A]',
    ]);
    assert.equal(final(state).ptpDate, '2026-11-27');
    checkLines(lines);
  });

  it('"bicara dengan orang" hands over; "berhenti kirim pesan" opts out', async () => {
    const handoff = await chat(4503, DEBTOR, ['saya mau bicara dengan orang']);
    assert.deepEqual(handoff.lines.slice(-2), [
      'bot: Baik, saya hubungkan Anda dengan petugas kami. Mohon tunggu sebentar.',
      '[transfer to collections]',
    ]);
    const stop = await chat(4503, DEBTOR, ['Berhenti kirim pesan']);
    assert.equal(
      stop.lines.at(-2),
      'bot: Baik, kami tidak akan mengirim pesan lagi kepada Anda. Terima kasih.',
    );
    assert.ok('Opt_Out' in final(stop.state).labels);
    checkLines([...handoff.lines, ...stop.lines]);
  });
});

describe('Demo_Order_Confirmation_Chat_EN (4504)', () => {
  it('confirm and pick a delivery day', async () => {
    const { state, lines } = await chat(4504, SHOPPER, ['Yes, confirm', 'tomorrow']);
    assert.deepEqual(lines, [
      'bot: Hi Alice, thank you for your order A-1029 at ShopCo! You ordered blue sneakers, size 8. The total is $49.90, to pay on delivery. Shall we ship it?',
      '[Yes, confirm | Cancel order | Talk to an agent]',
      'user: Yes, confirm',
      'bot: Great! Which day suits you for the delivery? You can write it like "tomorrow" or "Monday".',
      'user: tomorrow',
      'bot: Your order is confirmed for delivery on Friday, November 20th. Thank you for shopping with us!',
      '[end A]',
    ]);
    assert.deepEqual(final(state).labels, { Order: 'order_confirmed' });
    assert.equal(final(state).slots.delivery_date, '2026-11-20');
    checkLines(lines);
  });

  it('cancel, and "any day"', async () => {
    const cancel = await chat(4504, SHOPPER, ['cancel order']);
    assert.equal(
      cancel.lines.at(-2),
      'bot: Your order A-1029 has been cancelled. We hope to see you again soon.',
    );
    assert.equal(final(cancel.state).intention, 'D');
    const anyDay = await chat(4504, SHOPPER, ['yes', 'any day is fine']);
    assert.equal(final(anyDay.state).intention, 'B');
    checkLines([...cancel.lines, ...anyDay.lines]);
  });
});

describe('chat robots in general', () => {
  const chatRobots = builtinRobots().filter((r) => r.definition.name.includes('_Chat_'));

  it('there are three, each with choices, a handoff and an opt-out end', () => {
    assert.deepEqual(
      chatRobots.map((r) => r.robot_id),
      [4502, 4503, 4504],
    );
    for (const { definition } of chatRobots) {
      const nodes = Object.values(definition.nodes);
      assert.ok(
        nodes.some((n) => n.type === 'ask' && n.choices),
        definition.name,
      );
      assert.ok(
        nodes.some((n) => n.type === 'handoff'),
        definition.name,
      );
      assert.ok(definition.handoff, definition.name);
      assert.ok(
        nodes.some((n) => n.type === 'end' && n.labels?.Opt_Out),
        definition.name,
      );
    }
  });

  it('no line assumes a phone call', () => {
    for (const { definition } of chatRobots) {
      const vars = { ...DEBTOR, ...SHOPPER };
      const written = {
        written: true,
        language: definition.language,
        types: variableTypes(definition),
        now: NOW,
        timeZone: ZONE,
      };
      for (const { path, text } of robotTemplates(definition)) {
        const line = fillTemplate(text, vars, written);
        assert.doesNotMatch(
          line,
          /\b(press|dial|hear|calling|call you|speaking|tekan|dengar|menelepon|telepon)\b/i,
          `${definition.name} ${path}: "${line}"`,
        );
        assert.deepEqual(holes(line), [], `${definition.name} ${path}: "${line}"`);
      }
    }
  });
});
