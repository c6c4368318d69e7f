import type { Clock } from '../../../shared/clock.ts';
import { AppError } from '../../../shared/errors.ts';
import { isId } from '../../../shared/ids.ts';
import type { Db } from '../../../store/db.ts';
import type { AgentService } from '../../agents/agents.service.ts';
import { appName } from '../../auth/app-directory.ts';
import type { Caller } from '../../auth/caller.ts';
import type { RecordingService } from '../../recordings/recordings.service.ts';
import type { RobotService } from '../../robots/robots.service.ts';
import type { NewCallee } from '../../tasks/task-access.ts';
import { createTaskInTx, type TaskService } from '../../tasks/tasks.service.ts';
import type { PdsSettings } from '../pds-settings.ts';
import { appCountry, normaliseNumber, readContacts } from './pds-contacts.ts';
import { absent, readYesNo } from './pds-fields.ts';
import { readDetailQuery, readTaskListQuery } from './pds-query-input.ts';
import { DEFAULT_SETTINGS, readSettings, type PdsBody } from './pds-settings-input.ts';
import { resolveRobot, resolveTarget } from './pds-task-target.ts';
import { pdsTaskWindow } from './pds-task-window.ts';
import * as repo from './pds-tasks.repository.ts';
import { detailItemWire, taskItemWire, type PdsTaskItem } from './pds-tasks.wire.ts';

// The PDS API's tasks (docs/pds-api.md): createtask and copytask validate everything, then write
// the task through the tasks module's creation path (kind 'pds', its settings in `pds`) in one
// transaction; the queries read PDS tasks and their calls; cancelling numbers goes through the
// tasks service. Every request is the calling app's only.

const TASK_NAME = /^[A-Za-z0-9_]{1,100}$/;
const UNIQUE_VIOLATION = '23505';

export interface PdsTaskDeps {
  db: Db;
  clock: Clock;
  tasks: TaskService;
  agents: AgentService;
  robots: RobotService;
  recordings: RecordingService;
  /** The line PDS calls go out on (TILLER_CALLER_NUMBER); its country reads local numbers. */
  callerNumber: string;
}

export interface CreatedPdsTask {
  taskId: string;
  errorContactList: unknown[];
}

export class PdsTaskService {
  readonly #d: PdsTaskDeps;

  constructor(deps: PdsTaskDeps) {
    this.#d = deps;
  }

  create(caller: Caller, body: PdsBody): Promise<CreatedPdsTask> {
    return this.#make(caller, body, undefined);
  }

  /** A new task from an existing PDS task (by name): its settings and numbers, the body's changes. */
  async copy(caller: Caller, body: PdsBody): Promise<CreatedPdsTask> {
    if (absent(body.fromTask) || typeof body.fromTask !== 'string')
      throw new AppError('task_not_found', 'fromTask: the name of the task to copy');
    const source = await repo.taskByName(this.#d.db, caller.appId, body.fromTask.trim());
    if (!source) throw new AppError('task_not_found', `fromTask "${body.fromTask}"`);
    const pds = this.#ownPds(source);
    const noAnswerOnly =
      !absent(body.noanswerOnly) &&
      readYesNo('pds_field_invalid', 'noanswerOnly', body.noanswerOnly);
    const ignoreCancelled =
      !absent(body.ignoreCancelled) &&
      readYesNo('pds_field_invalid', 'ignoreCancelled', body.ignoreCancelled);
    // Which numbers were never answered is known once no call of the task can come any more.
    if (noAnswerOnly && source.status !== 'Finished' && source.status !== 'Stopped')
      throw new AppError('task_not_ended', `fromTask "${source.task_name}" is ${source.status}`);
    const callees = await repo.calleesToCopy(this.#d.db, source.id, {
      noAnswerOnly,
      ignoreCancelled,
    });
    return this.#make(caller, body, { task: source, pds, callees });
  }

  async list(caller: Caller, body: PdsBody): Promise<{ total: number; list: PdsTaskItem[] }> {
    const filter = readTaskListQuery(body, caller.timezone);
    if (filter.empty) return { total: 0, list: [] };
    const { total, rows } = await repo.listPdsTasks(this.#d.db, caller.appId, filter);
    return { total, list: rows.map((row) => taskItemWire(row, caller.timezone)) };
  }

  async detail(caller: Caller, body: PdsBody) {
    const task = await this.#pdsTask(caller, body.taskId);
    const filter = readDetailQuery(body, caller.timezone);
    const { total, rows } = await repo.detailCalls(this.#d.db, caller.appId, task.id, filter);
    const links = await this.#d.recordings.signedLinks(
      rows.filter((r) => r.recorded).map((r) => r.id),
    );
    return {
      total,
      list: rows.map((row) =>
        detailItemWire(row, task, links.get(row.id) ?? '', filter.needCustomerInfo),
      ),
    };
  }

  /** Cancels the numbers still waiting (or being dialled); answers those removed, as sent. */
  async cancelContacts(caller: Caller, body: PdsBody): Promise<{ contactList: unknown[] }> {
    const task = await this.#pdsTask(caller, body.TaskID);
    const sent = absent(body.contactList)
      ? []
      : Array.isArray(body.contactList)
        ? body.contactList
        : [body.contactList];
    if (sent.length === 0)
      throw new AppError('contacts_empty', 'contactList: the numbers to cancel');
    const country = appCountry(caller.timezone, this.#d.callerNumber);
    const numbers = sent.map((item) => {
      const number = typeof item === 'string' ? normaliseNumber(item, country) : undefined;
      if (!number) throw new AppError('invalid_phone', `contactList item ${JSON.stringify(item)}`);
      return number;
    });
    const removed = new Set(await this.#d.tasks.cancelNumbers(caller, task.id, numbers, 'pds'));
    return { contactList: sent.filter((_item, i) => removed.has(numbers[i]!)) };
  }

  /** A signed link to a talked call's recording (a WAV that opens without a token). */
  async recording(caller: Caller, body: PdsBody): Promise<{ link: string }> {
    if (absent(body.callid)) throw new AppError('call_id_missing');
    const callId = typeof body.callid === 'string' ? body.callid.trim().toLowerCase() : '';
    const call = isId(callId) ? await repo.callOfApp(this.#d.db, caller.appId, callId) : undefined;
    if (!call) throw new AppError('call_id_invalid', `callid ${JSON.stringify(body.callid)}`);
    if (call.task_kind !== 'pds') throw new AppError('call_not_pds', `callid ${callId}`);
    if (call.state !== 'final') throw new AppError('call_not_ended', `callid ${callId}`);
    if (!call.pds?.bridgedAt) throw new AppError('call_not_talked', `callid ${callId}`);
    const link = await this.#d.recordings.linkFor(caller.appId, callId);
    if (!link) throw new AppError('recording_file_missing', `callid ${callId}`);
    return { link };
  }

  async #pdsTask(caller: Caller, value: unknown): Promise<repo.PdsTaskRow & { pds: PdsSettings }> {
    if (absent(value)) throw new AppError('task_id_missing');
    const id = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (!isId(id)) throw new AppError('task_id_invalid', `TaskID ${JSON.stringify(value)}`);
    const task = await repo.taskById(this.#d.db, caller.appId, id);
    if (!task) throw new AppError('task_not_found', `TaskID ${id}`);
    return { ...task, pds: this.#ownPds(task) };
  }

  #ownPds(task: repo.PdsTaskRow): PdsSettings {
    if (task.kind !== 'pds' || !task.pds)
      throw new AppError('task_not_pds', `"${task.task_name}" is a cloud task (/service/cloud)`);
    if (task.workflow_id !== null)
      throw new AppError(
        'workflow_task_locked',
        `task ${task.id} belongs to workflow ${task.workflow_id}`,
      );
    return task.pds;
  }

  async #make(
    caller: Caller,
    body: PdsBody,
    copy: { task: repo.PdsTaskRow; pds: PdsSettings; callees: repo.SourceCallee[] } | undefined,
  ): Promise<CreatedPdsTask> {
    const { db, clock } = this.#d;
    const name = typeof body.taskName === 'string' ? body.taskName.trim() : body.taskName;
    if (typeof name !== 'string' || !TASK_NAME.test(name))
      throw new AppError(
        'task_name_invalid',
        `taskName ${JSON.stringify(body.taskName ?? null)}: 1 to 100 letters, digits or _`,
      );
    const { start, end } = pdsTaskWindow(body, caller.timezone, clock.now());
    const settings = readSettings(body, copy?.pds ?? DEFAULT_SETTINGS);
    const sameGroup = absent(body.groupName) || body.groupName === copy?.pds.groupName;
    const target = await resolveTarget(
      this.#d.agents,
      caller.appId,
      absent(body.groupName) ? copy?.pds.groupName : body.groupName,
      absent(body.agentName) && sameGroup ? copy?.pds.agentNames : body.agentName,
    );
    const contacts = readContacts(body, appCountry(caller.timezone, this.#d.callerNumber));
    const callees: NewCallee[] = [];
    const taken = new Set<string>();
    for (const c of [...(copy?.callees ?? []), ...contacts.callees]) {
      const key = `${c.case_id}\u0000${c.callee_number}`;
      if (taken.has(key)) {
        contacts.rejected.push(contacts.sent.get(key));
        continue;
      }
      taken.add(key);
      callees.push({
        seq: callees.length,
        case_id: c.case_id,
        callee_number: c.callee_number,
        data: c.data,
      });
    }
    if (callees.length === 0) {
      if (copy) throw new AppError('copy_empty', `fromTask "${copy.task.task_name}"`);
      throw new AppError('contacts_empty', `${contacts.rejected.length} contact(s) rejected`);
    }
    const templateName = absent(body.templateName)
      ? (copy?.pds.templateName ?? null)
      : String(body.templateName).trim();
    const robot = await resolveRobot(this.#d.robots, caller.appId, templateName, () =>
      appName(db, caller.appId),
    );
    const pds: PdsSettings = {
      ...settings,
      ...target,
      templateName: robot.templateName,
      copiedFrom: copy?.task.id ?? null,
    };
    const created = await db
      .transaction((tx) =>
        createTaskInTx(tx, caller, {
          task_name: name,
          robot_id: robot.id,
          start,
          end,
          redial_times: settings.repeatTimes,
          redial_interval_s: settings.callIntervalSeconds,
          caller_number: this.#d.callerNumber,
          max_concurrency: null,
          callees,
          kind: 'pds',
          pds,
        }),
      )
      .catch((error: unknown) => {
        const { code, constraint } = error as { code?: string; constraint?: string };
        if (code === UNIQUE_VIOLATION && constraint === 'tasks_app_id_task_name_key')
          throw new AppError('duplicate_task_name', name);
        // Every number already waits in another active task of the app.
        if (error instanceof AppError && error.key === 'duplicate_callee')
          throw new AppError(
            'contacts_empty',
            'every number is already queued in an active task of this app',
          );
        throw error;
      });
    const skipped = created.skipped.map(
      (c) => contacts.sent.get(`${c.case_id}\u0000${c.callee_number}`) ?? c.callee_number,
    );
    return { taskId: created.task_id, errorContactList: [...contacts.rejected, ...skipped] };
  }
}
