import { randomUUID } from 'node:crypto';
import {
  startConversation,
  stepConversation,
  type Action,
  type ConversationResult,
  type ConversationState,
  type TurnInput,
} from '../../dialogue/conversation.ts';
import type { Nlu } from '../../dialogue/nlu/nlu.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import type { Vars } from '../../dialogue/template.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Db, Queryable } from '../../store/db.ts';
import * as repo from './conversations.repository.ts';

// Durable conversations (chat): every turn reads the stored state, steps the engine and writes
// the new state in one transaction, so the next turn may come hours later to another process.
// A voice call does not come here: its state lives with its media (docs/conversation-engine.md).

/** No conversation of that id in the app. */
export class ConversationNotFoundError extends Error {
  constructor(id: string) {
    super(`no conversation "${id}"`);
    this.name = 'ConversationNotFoundError';
  }
}

/**
 * Another turn of the same conversation was written after this one read the state (two
 * messages handled at once). Nothing was changed: the caller may read again and retry.
 */
export class ConversationConflictError extends Error {
  constructor(id: string) {
    super(`conversation "${id}" changed while this turn was handled; nothing was written`);
    this.name = 'ConversationConflictError';
  }
}

export interface StartConversation {
  /** The robot as it is now: the conversation keeps this definition to its end. */
  robot: { id: number; version: number; definition: RobotDefinition };
  vars: Vars;
  channel: 'voice' | 'chat';
  /** Who the conversation is with: a phone number, a chat user id. */
  contact: string;
  /** The contact's IANA zone ("tomorrow" is a date there). */
  timeZone: string;
  optOutListed?: boolean;
}

export interface ConversationView {
  id: string;
  status: 'active' | 'ended';
  channel: 'voice' | 'chat';
  contact: string;
  robotId: number;
  robotVersion: number;
  result: ConversationResult | null;
  createdAt: Date;
  updatedAt: Date;
}

export class ConversationService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #nlu: Nlu;

  constructor(db: Db, clock: Clock, nlu: Nlu) {
    this.#db = db;
    this.#clock = clock;
    this.#nlu = nlu;
  }

  async start(appId: number, input: StartConversation): Promise<{ id: string; actions: Action[] }> {
    return this.startIn(this.#db, appId, input);
  }

  /** start, inside the caller's transaction (the chatbot stores the transcript with it). */
  async startIn(
    tx: Queryable,
    appId: number,
    input: StartConversation,
  ): Promise<{ id: string; actions: Action[] }> {
    const now = this.#clock.now();
    const { state, actions } = startConversation({
      robot: input.robot.definition,
      vars: input.vars,
      now,
      timeZone: input.timeZone,
      optOutListed: input.optOutListed,
      channel: input.channel,
    });
    const id = randomUUID();
    await repo.insertConversation(tx, {
      id,
      app_id: appId,
      robot_id: input.robot.id,
      robot_name: input.robot.definition.name,
      robot_version: input.robot.version,
      robot: input.robot.definition,
      channel: input.channel,
      contact: input.contact,
      state,
      status: state.status,
      result: state.status === 'ended' ? state.result : null,
      created_at: now,
    });
    return { id, actions };
  }

  /**
   * One input: the engine's next state is written only if no other turn was written since it
   * was read (ConversationConflictError otherwise). An ended conversation refuses inputs
   * (ConversationEndedError from the engine) and keeps its result.
   */
  async handle(appId: number, id: string, input: TurnInput): Promise<{ actions: Action[] }> {
    return this.#db.transaction(async (tx) => {
      const { actions } = await this.handleIn(tx, appId, id, input);
      return { actions };
    });
  }

  /**
   * handle, inside the caller's transaction: the chatbot writes the transcript, the outbound
   * sends and the engine's state together. Also gives the state after the step (mode, result).
   */
  async handleIn(
    tx: Queryable,
    appId: number,
    id: string,
    input: TurnInput,
  ): Promise<{ actions: Action[]; state: ConversationState }> {
    const row = await repo.findConversation(tx, appId, id);
    if (!row) throw new ConversationNotFoundError(id);
    const now = this.#clock.now();
    const { state, actions } = await stepConversation(row.robot, row.state, input, {
      nlu: this.#nlu,
      now,
    });
    const written = await repo.saveStep(tx, {
      appId,
      id,
      version: row.version,
      state,
      result: state.status === 'ended' ? state.result : null,
      at: now,
    });
    if (!written) throw new ConversationConflictError(id);
    return { actions, state };
  }

  async get(appId: number, id: string): Promise<ConversationView> {
    const row = await repo.findConversation(this.#db, appId, id);
    if (!row) throw new ConversationNotFoundError(id);
    return {
      id: row.id,
      status: row.status,
      channel: row.channel,
      contact: row.contact,
      robotId: row.robot_id,
      robotVersion: row.robot_version,
      result: row.result,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
