import type { NewApp } from '../modules/auth/auth.service.ts';

/**
 * Real seconds the demo task's four simulated calls take at time scale 1 (rings of a few
 * seconds, two conversations, a 30 s no-answer ring, calls partly in parallel): the walkthrough
 * divides it by TILLER_TIME_SCALE, and waits up to three times as long before it gives up.
 */
const DEMO_SECONDS_AT_SCALE_1 = 90;

export interface DemoOptions {
  url: string;
  demo: NewApp;
  timeScale: number;
}

/** What the first start prints: the demo app's credentials and a curl sequence that runs a task. */
export function demoInstructions(options: DemoOptions): string {
  const { url, demo } = options;
  const webhook = demo.app.webhookUrl
    ? `  Webhook URL:    ${demo.app.webhookUrl}\n  Webhook secret: ${demo.app.webhookSecret}\n`
    : '';
  const walkthrough = demoWalkthrough(options)
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `
Tiller demo app created (shown once; the secret is stored hashed, "tiller app rotate-secret"
makes a new one):
  APPKey:    ${demo.appKey}
  APPSecret: ${demo.appSecret}
${webhook}
Try it (copy and paste; it stops at the first step that fails):
${walkthrough}

The demo app calls simulated people at any hour; a real app follows each callee's local calling
hours (docs/compliance.md), so its calls can wait for the morning.
API reference: ${url}/docs
`;
}

/**
 * A bash/zsh sequence that authenticates, lists the robots, creates a task, waits for it to
 * finish and prints its results. It runs in a subshell with `set -e`, so pasting it into an
 * interactive shell stops at a failed step without closing that shell, and each answer is checked
 * before its value is used (a wrong secret says so instead of carrying an empty token on).
 */
export function demoWalkthrough({ url, demo, timeScale }: DemoOptions): string {
  const expected = Math.max(1, Math.ceil(DEMO_SECONDS_AT_SCALE_1 / timeScale));
  const patience = Math.max(10, expected * 3);
  const auth = JSON.stringify({ APPKey: demo.appKey, APPSecret: demo.appSecret });
  // The task name carries the time, so the walkthrough can be run again (names are unique).
  const task = JSON.stringify({
    task_name: 'demo_task_NOW',
    robot_id: '4496',
    callees: [
      {
        case_id: 'c1',
        callee_number: '+6281234567000',
        callee_name: 'Budi',
        total_owing_amount: '150000.00',
        currency_unit: 'IDR',
        due_date: '2026-11-30',
        platform_name: 'Tiller Demo',
      },
      { case_id: 'c2', callee_number: '+6281234567005', callee_name: 'Sari' },
      { case_id: 'c3', callee_number: '+6281234567008', callee_name: 'Andi' },
      { case_id: 'c4', callee_number: '+6281234567001', callee_name: 'Dewi' },
    ],
  }).replace('NOW', `'"$(date +%s)"'`);
  const fail = (what: string) => `{ echo "tiller demo: ${what}" >&2; exit 1; }`;
  return `(
set -e
URL=${url}
AUTH=$(curl -sS -X POST "$URL/service/cloud/auth" -H 'Content-Type: application/json' \\
  -d '${auth}')
TOKEN=$(printf '%s' "$AUTH" | sed -n -E 's/.*"token":"([^"]+)".*/\\1/p')
[ -n "$TOKEN" ] || ${fail('authentication failed: $AUTH')}
curl -sS "$URL/service/cloud/robot" -H "Authorization: Token $TOKEN"; echo
CREATED=$(curl -sS -X POST "$URL/service/cloud/task" -H "Authorization: Token $TOKEN" \\
  -H 'Content-Type: application/json' -d '${task}')
TASK=$(printf '%s' "$CREATED" | sed -n -E 's/.*"task_id":"([^"]+)".*/\\1/p')
[ -n "$TASK" ] || ${fail('the task was not created: $CREATED')}
echo "task $TASK: its simulated calls take about ${expected} s at TILLER_TIME_SCALE=${timeScale}; waiting up to ${patience} s"
for i in $(seq 1 ${patience}); do
  curl -sS "$URL/service/cloud/list?status=Finished&page_size=100" -H "Authorization: Token $TOKEN" \\
    | grep -q "\\"$TASK\\"" && break
  [ "$i" -lt ${patience} ] || ${fail('task $TASK has not finished after ' + patience + ' s')}
  sleep 1
done
curl -sS "$URL/service/cloud/detail?task_id=$TASK" -H "Authorization: Token $TOKEN"; echo
)`;
}
