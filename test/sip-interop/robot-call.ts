// One whole robot call over SIP through the real server: `tiller serve` as a child process with
// TILLER_CARRIER=sip, an app whose webhook goes to a receiver of the test, a task of one callee
// with the built-in collection robot (4496, Demo_Collection_EN), and everything a customer then
// gets: the call webhook, the recording behind its signed link, and the call's row in the store
// (read once the server has stopped: the embedded store allows one process).
import type { TestContext } from 'node:test';
import { readWav } from '../../src/dialogue/wav.ts';
import type { Pcm } from '../../src/dialogue/tts/tts.ts';
import { serverProcess } from '../faults/server-process.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { waitFor } from '../helpers/server.ts';

/** The app's zone: "tomorrow" in the promise to pay is a date there. */
export const APP_ZONE = 'Asia/Jakarta';
export const CALLEE_NUMBER = '+6281234567000';
export const CALLEE_NAME = 'Budi Santoso';

// The robot's three lines for the callee below (the robot's script with its variables filled):
// the tests use them to time a callee that cannot hear (SIPp) and to check the transcript.
export const GREETING = `Hello, this is Hannah calling from AIZCC. Am I speaking with ${CALLEE_NAME}?`;
export const REMINDER =
  'Your loan of 20,310 US dollars was due on March 7th, 2024. When will you be able to pay?';

export interface RobotCallOptions {
  /** A name for the server's data directory and logs. */
  name: string;
  /** TILLER_SIP_PROXY: the peer or the trunk, host:port. */
  proxy: string;
  /** More settings: STT, credentials. */
  env?: Record<string, string>;
  /** How long the whole call may take before the test fails (default 90 s: a loaded machine). */
  timeoutMs?: number;
}

export interface CallWebhook {
  call_id: string;
  intention: string;
  intention_description: string;
  asr_ptp: string;
  ring_type: string;
  hangup_type: string;
  call_start_time: string;
  call_end_time: string;
  ring_time: number;
  talk_round: number;
  ner_slots: Record<string, string>;
  multi_label: Record<string, string>;
  asr_result: Array<{ time: string; robottext: string; text: string }>;
  end_reason: string;
}

export interface RobotCallResult {
  call: CallWebhook;
  /** The recording behind the call's signed link. */
  recording: { contentType: string | null; pcm: Pcm; bytes: Buffer };
  /** The call's row: what the dialer wrote for the carrier (calls.telephony). */
  row: { outcome: string; state: string; telephony: Record<string, unknown> | null };
}

/** Places the call through a real server and gathers what came out of it. */
export async function runRobotCall(
  t: TestContext,
  options: RobotCallOptions,
): Promise<RobotCallResult> {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const server = await serverProcess(options.name, {
    TILLER_CARRIER: 'sip',
    TILLER_SIP_PROXY: options.proxy,
    // Port 0: the user agent takes the port the OS gives and writes it in Via and Contact.
    TILLER_SIP_BIND: '127.0.0.1:0',
    // A high range; a port another process holds is skipped (udp-port.ts).
    TILLER_SIP_RTP_PORTS: '40000-49999',
    TILLER_SIP_KEEPALIVE_SECONDS: '0',
    TILLER_RECORDINGS: 'true',
    TILLER_DEFAULT_TIMEZONE: APP_ZONE,
    TILLER_LOG_LEVEL: 'warn',
    ...options.env,
  });
  t.after(() => server.cleanup());
  const began = performance.now();
  const mark = (what: string) =>
    t.diagnostic(`${what} at ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const app = server.createApp(receiver.url);
  mark('app created');
  await server.start();
  mark('server up');
  const api = await app.connect();
  const created = await api.post('/service/cloud/task', {
    task_name: `${options.name}_sip`,
    robot_id: '4496',
    redial_times: 0,
    callees: [
      {
        case_id: 'case-sip-1',
        callee_number: CALLEE_NUMBER,
        callee_name: CALLEE_NAME,
        platform_name: 'AIZCC',
        total_owing_amount: '20310.00',
        currency_unit: 'USD',
        due_date: '2024-03-07',
      },
    ],
  });
  if (created.status !== 200 || created.json.code !== 200)
    throw new Error(`task not created: ${created.text}`);
  const taskId = created.json.data.task_id as string;

  const call = await waitFor(
    'the call webhook',
    () => {
      const hook = receiver.requests
        .map((r) => JSON.parse(r.body) as { call?: CallWebhook })
        .find((body) => body.call);
      return hook?.call;
    },
    options.timeoutMs ?? 90_000,
  );

  mark('call webhook');
  const listed = await api.get(
    `/service/cloud/case?task_id=${taskId}&callee_number=${encodeURIComponent(CALLEE_NUMBER)}`,
  );
  const link = listed.json?.data?.list?.[0]?.recording_url as string | undefined;
  if (!link) throw new Error(`no recording listed: ${listed.text}`);
  const audio = await fetch(link);
  if (audio.status !== 200) throw new Error(`recording link answered ${audio.status}`);
  const bytes = Buffer.from(await audio.arrayBuffer());
  const wav = readWav(new Uint8Array(bytes));

  // SIGTERM: the carrier hangs up what is still up and unregisters, the store is released.
  await server.stop('SIGTERM');
  mark('server stopped');
  const store = await server.openStore();
  let row: RobotCallResult['row'];
  try {
    const [found] = await store.query<RobotCallResult['row']>(
      'SELECT outcome, state, telephony FROM calls WHERE id = $1',
      [call.call_id],
    );
    if (!found) throw new Error(`call ${call.call_id} is not in the store`);
    row = found;
  } finally {
    await store.close();
  }
  return {
    call,
    recording: {
      contentType: audio.headers.get('content-type'),
      pcm: { sampleRate: wav.sampleRate, samples: wav.samples },
      bytes,
    },
    row,
  };
}

/** Tomorrow's date (YYYY-MM-DD) in `zone`, seen from `now`. */
export function tomorrowIn(zone: string, now = new Date()): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);
  const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000);
  return next.toISOString().slice(0, 10);
}
