import type { NewApp } from '../modules/auth/auth.service.ts';

/** What the first start prints: the demo app's credentials and a curl sequence that runs a task. */
export function demoInstructions(url: string, demo: NewApp): string {
  const auth = JSON.stringify({ APPKey: demo.appKey, APPSecret: demo.appSecret });
  const task = JSON.stringify({
    task_name: 'demo_task',
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
  });
  return `
Tiller demo app created (shown once; the secret is stored hashed):
  APPKey:    ${demo.appKey}
  APPSecret: ${demo.appSecret}

Try it (copy and paste):
  TOKEN=$(curl -s -X POST ${url}/service/cloud/auth -H 'Content-Type: application/json' \\
    -d '${auth}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')
  curl -s ${url}/service/cloud/robot -H "Authorization: Token $TOKEN"
  TASK=$(curl -s -X POST ${url}/service/cloud/task -H "Authorization: Token $TOKEN" -H 'Content-Type: application/json' \\
    -d '${task}' | sed -E 's/.*"task_id":"([^"]+)".*/\\1/')
  sleep 90   # the simulated calls take real time at TILLER_TIME_SCALE=1; start with TILLER_TIME_SCALE=100 to wait ~1 s
  curl -s "${url}/service/cloud/detail?task_id=$TASK" -H "Authorization: Token $TOKEN"

The demo app calls simulated people at any hour; a real app follows each callee's local calling
hours (docs/compliance.md), so its calls can wait for the morning.
API reference: ${url}/docs
`;
}
