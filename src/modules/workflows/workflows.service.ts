import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { isId, newId } from '../../shared/ids.ts';
import { dateTimeProblem, parseDateTime } from '../../shared/time.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { cancelWorkflowCallee } from '../tasks/workflow-tasks.ts';
import { resolveTemplate } from './templates.service.ts';
import {
  asText,
  checkCapacity,
  mergedAttributes,
  newRecords,
  recordCallee,
} from './workflow-records.ts';
import { endWorkflow, finishIfComplete } from './workflow-lifecycle.ts';
import { scheduleEnd, scheduleStep } from './workflows.jobs.ts';
import { STEP_BATCH } from './engine.ts';
import * as repo from './workflows.repository.ts';
import type {
  CancelDetails,
  CreateInstance,
  UpdateDetails,
  UploadDetails,
} from './workflows.schema.ts';

/** PostgreSQL's unique_violation (PGlite reports the same code). */
const UNIQUE_VIOLATION = '23505';

// Workflow instances (spec/workflow-api.md §3, §5-§8; docs/workflows.md): create one from a
// template with its first list, add lists, change or cancel a record, stop it. Every write is
// checked whole first and commits in one transaction with the step jobs it needs.

export class WorkflowService {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(caller: Caller, body: CreateInstance): Promise<{ workflow_id: string }> {
    const name = body.name ?? body.workflow_name;
    if (!name) throw new AppError('bad_request', 'name is required');
    if (body.workflow_template_id === undefined && body.workflow_template_name === undefined)
      throw new AppError('bad_request', 'give workflow_template_id or workflow_template_name');
    const now = this.#clock.now();
    const endTime = this.#endTime(body.end_time, caller.timezone, now);
    const details = body.details ?? [];
    checkCapacity(0, details.length);
    const records = newRecords(details, 0);
    const workflowId = newId();
    await this.#db.transaction(async (tx) => {
      const template = await resolveTemplate(
        tx,
        caller.appId,
        {
          ...(body.workflow_template_id !== undefined ? { id: body.workflow_template_id } : {}),
          ...(body.workflow_template_name !== undefined
            ? { name: body.workflow_template_name }
            : {}),
        },
        now,
      );
      if (
        body.workflow_template_id !== undefined &&
        body.workflow_template_name !== undefined &&
        body.workflow_template_name !== template.name
      )
        throw new AppError(
          'bad_request',
          `workflow_template_id ${body.workflow_template_id} is template "${template.name}", not "${body.workflow_template_name}"`,
        );
      if (await repo.workflowNameTaken(tx, caller.appId, name))
        throw new AppError('duplicate_name', `workflow "${name}"`);
      const start = template.graph.nodes.find((n) => n.type === 'start')!;
      await repo.insertWorkflow(tx, {
        id: workflowId,
        app_id: caller.appId,
        template_id: template.id,
        name,
        auto_finish: body.auto_finish ?? 2,
        end_time: endTime,
        created_at: now,
      });
      const workflow = { id: workflowId, app_id: caller.appId };
      await repo.insertRecords(tx, workflow, records, start.id, now);
      await scheduleSteps(tx, workflowId, records.length, 'create', now);
      await scheduleEnd(tx, workflowId, endTime);
    });
    return { workflow_id: workflowId };
  }

  /** §5: appends records to a running workflow; they start at the graph's start. */
  async addDetails(caller: Caller, body: UploadDetails): Promise<{ count: number }> {
    const now = this.#clock.now();
    return this.#db
      .transaction(async (tx) => {
        const workflow = await this.#running(tx, caller, body.workflow_id, now);
        checkCapacity(workflow.record_count, body.details.length);
        const records = newRecords(body.details, workflow.record_count);
        const taken = await repo.storedPairs(tx, workflow.id, records);
        const clash = records.findIndex((r) => taken.has(`${r.case_id}\u0000${r.callee}`));
        if (clash >= 0)
          throw new AppError(
            'duplicate_callee',
            `details[${clash}]: case_id "${records[clash]!.case_id}" and callee ${records[clash]!.callee} are already in this workflow`,
          );
        const graph = await repo.graphOfTemplate(tx, workflow.template_id);
        const start = graph!.nodes.find((n) => n.type === 'start')!;
        await repo.insertRecords(tx, workflow, records, start.id, now);
        await scheduleSteps(tx, workflow.id, records.length, `upload:${records[0]!.id}`, now);
        return { count: records.length };
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          throw new AppError(
            'duplicate_callee',
            'a record with the same case_id and callee is already in this workflow',
          );
        throw error;
      });
  }

  /** §6: changes the attributes of a record still in the workflow (its next nodes see them). */
  async updateDetails(caller: Caller, body: UpdateDetails): Promise<{ count: number }> {
    const now = this.#clock.now();
    return this.#db.transaction(async (tx) => {
      const workflow = await this.#running(tx, caller, body.workflow_id, now);
      const records = await this.#records(tx, workflow, body);
      for (const record of records) {
        const patch = body as unknown as Record<string, unknown>;
        await repo.updateAttributes(tx, record.id, mergedAttributes(record.attributes, patch));
      }
      return { count: records.length };
    });
  }

  /**
   * §7: a record's remaining steps are cancelled: it leaves the graph at once, and its number is
   * taken out of a node task that has not dialled it yet (a call in progress finishes).
   */
  async cancelDetails(caller: Caller, body: CancelDetails): Promise<{ count: number }> {
    const now = this.#clock.now();
    return this.#db.transaction(async (tx) => {
      const workflow = await this.#running(tx, caller, body.workflow_id, now);
      const open = (await this.#records(tx, workflow, body)).filter(
        (r) => r.state === 'ready' || r.state === 'waiting',
      );
      if (open.length === 0)
        throw new AppError('callee_final', 'the record already left the workflow');
      await repo.saveRecords(
        tx,
        open.map((r) => ({ ...r, state: 'cancelled' as const, wait_ref: null, finished: true })),
        now,
      );
      for (const record of open) {
        if (record.state === 'waiting' && record.wait_ref && isId(record.wait_ref))
          await cancelWorkflowCallee(tx, record.wait_ref, record.id, now);
      }
      await finishIfComplete(tx, workflow.id, open.length, now);
      return { count: open.length };
    });
  }

  /** §8: stops the workflow: its node tasks stop, records still in the graph stop. */
  async stop(caller: Caller, workflowId: string): Promise<void> {
    const now = this.#clock.now();
    await this.#db.transaction(async (tx) => {
      const workflow = isId(workflowId)
        ? await repo.workflowOfApp(tx, caller.appId, workflowId, true)
        : undefined;
      if (!workflow) throw new AppError('workflow_not_found', workflowId);
      if (workflow.status !== 'Running')
        throw new AppError('workflow_not_running', `it is ${workflow.status}`);
      await endWorkflow(tx, workflow, 'Stopped', 'stopped through the API', now);
    });
  }

  #endTime(text: string, zone: string, now: Date): Date {
    const end = parseDateTime(text, zone);
    if (!end) throw new AppError('invalid_time', `end_time "${text}" ${dateTimeProblem(text)}`);
    if (end <= now) throw new AppError('invalid_time', `end_time "${text}" is in the past`);
    return end;
  }

  /** The caller's workflow, locked, if it still takes lists and changes. */
  async #running(tx: Queryable, caller: Caller, workflowId: string, now: Date) {
    const workflow = isId(workflowId)
      ? await repo.workflowOfApp(tx, caller.appId, workflowId, true)
      : undefined;
    if (!workflow) throw new AppError('workflow_not_found', workflowId);
    if (workflow.status !== 'Running' || workflow.end_time <= now)
      throw new AppError(
        'workflow_not_running',
        workflow.status === 'Running' ? 'its end_time has passed' : `it is ${workflow.status}`,
      );
    return workflow;
  }

  async #records(
    tx: Queryable,
    workflow: repo.WorkflowRow,
    key: { callee?: string | undefined; case_id?: string | number | undefined },
  ): Promise<repo.RecordRow[]> {
    if (key.callee === undefined && key.case_id === undefined)
      throw new AppError('bad_request', 'give callee or case_id');
    const records = await repo.lockRecordsMatching(tx, workflow.id, {
      ...(key.callee !== undefined ? { callee: recordCallee(key.callee, 'callee') } : {}),
      ...(key.case_id !== undefined ? { case_id: asText(key.case_id) } : {}),
    });
    if (records.length === 0) throw new AppError('workflow_record_not_found');
    return records;
  }
}

/**
 * Step jobs for records just added: one per batch a step takes, so several workers (or one
 * worker's concurrent jobs) start their node tasks at once; SKIP LOCKED gives each its own.
 */
async function scheduleSteps(
  tx: Queryable,
  workflowId: string,
  records: number,
  cause: string,
  now: Date,
): Promise<void> {
  for (let k = 0; k * STEP_BATCH < records; k += 1)
    await scheduleStep(tx, workflowId, now, `${cause}:${k}`);
}
