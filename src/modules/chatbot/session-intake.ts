import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import type { Queryable } from '../../store/db.ts';
import { userMessagesPayload } from './chat-callbacks.ts';
import { textOf } from './chat-content.ts';
import { REOPEN_WINDOW_MS, type ReceiveInput, type TemplateAnswer } from './chat-types.ts';
import { SessionWrites, systemMessage, type NewChatMessage } from './chat-writes.ts';
import * as repo from './chatbot.repository.ts';
import type { SessionLifecycle } from './session-lifecycle.ts';

// A user's message into its session (docs/chatbot.md, "Life of a session"): the live session,
// a resolved one reopened to the bot, or a new one (a template answer always starts its own);
// then to the robot, or to the integrator while an agent holds the session.

/** The user's message was stored before (a redelivered event): nothing is done twice. */
export class DuplicateMessage extends Error {}

/** Another message of the same user created their session first: retry (the job does). */
export class SessionRaceError extends Error {
  constructor() {
    super('another message started this user’s session at the same time; try again');
    this.name = 'SessionRaceError';
  }
}

export class SessionIntake {
  readonly #life: SessionLifecycle;
  readonly #clock: Clock;

  constructor(life: SessionLifecycle, clock: Clock) {
    this.#life = life;
    this.#clock = clock;
  }

  /**
   * `mayBeKnown: false` when the caller just stored the person's message under this id and so knows
   * it is new: the look-up is skipped (a duplicate still throws, when its insert is skipped).
   */
  async receiveIn(
    tx: Queryable,
    input: ReceiveInput,
    messageId: string,
    options: { mayBeKnown?: boolean } = {},
  ): Promise<{ sessionId: string; messageId: string }> {
    if ((options.mayBeKnown ?? true) && (await repo.findMessage(tx, input.appId, messageId)))
      throw new DuplicateMessage();
    const at = input.at ?? this.#clock.now();
    const now = this.#clock.now();
    const { w, fresh } = await this.sessionFor(tx, input, now);
    const template = input.template ?? null;
    if (fresh && template) {
      await w.addMessages([templateMessage(template)]);
    }
    // The user's message; a choice quotes the menu it answers, a template tap the template.
    const replyTo =
      input.replyTo ??
      (input.content.type === 'button' && template ? template.templateMsgId : null) ??
      (input.content.type === 'interactive' ? await this.lastMenu(w) : null);
    const [stored] = await w.addMessages(
      [{ id: messageId, senderType: 'user', content: input.content, replyTo, status: 'delivery' }],
      {
        last_user_message_at: at,
        unread: w.session.unread + 1,
        ...(input.userName ? { user_name: input.userName } : {}),
      },
    );
    if (!stored) throw new DuplicateMessage();
    const s = w.session;
    if (s.status === 'open' || s.status === 'snoozed') {
      if (s.status === 'snoozed') await w.change({ status: 'open', snoozed_until: null }, 'wake');
      const quoted = stored.reply_to
        ? await repo.findMessages(tx, s.app_id, [stored.reply_to])
        : [];
      await w.callback(
        'chatbot.user_message',
        userMessagesPayload(w.session, [stored], quoted),
        await this.#life.callbackUrl(w),
      );
    } else if (fresh) {
      await this.#life.startBot(w);
    } else if (s.conversation_id) {
      const text = textOf(input.content);
      if (text !== undefined) await this.#life.stepBot(w, { kind: 'message', text });
    }
    // A new bot session starts its inactivity timer; later messages do not add timers: the
    // timer re-arms itself from the last message when it finds the session still in use.
    if (fresh && w.session.status === 'pending') await this.#life.armIdleTimer(w);
    return { sessionId: w.session.id, messageId };
  }

  /** The user's live session, a resolved one reopened (to the bot), or a new one. */
  async sessionFor(
    tx: Queryable,
    input: ReceiveInput,
    now: Date,
  ): Promise<{ w: SessionWrites; fresh: boolean }> {
    const wantsNew = Boolean(input.template);
    if (input.sessionId) {
      const own = await repo.lockSession(tx, input.appId, input.sessionId);
      if (own) {
        const w = new SessionWrites(tx, own, now);
        if (own.status !== 'resolved') return { w, fresh: false };
        await this.#life.reopenIn(w, undefined, { quiet: true });
        return { w, fresh: true };
      }
      // The channel started a new session of its own: the user's previous one is over.
      const live = await repo.lockLatestSession(tx, input.appId, input.channelId, input.userId);
      if (live && live.status !== 'resolved')
        await this.#life.closeIn(new SessionWrites(tx, live, now), 'system', undefined);
    } else {
      const latest = await repo.lockLatestSession(tx, input.appId, input.channelId, input.userId);
      if (latest && latest.status !== 'resolved') {
        // A new template's answer starts the session bound to that template (§5.13): the bot
        // session before it ends. An agent's session is not taken away: the message goes there.
        if (!wantsNew || latest.status !== 'pending')
          return { w: new SessionWrites(tx, latest, now), fresh: false };
        await this.#life.closeIn(new SessionWrites(tx, latest, now), 'system', undefined);
      }
      if (
        latest &&
        !wantsNew &&
        latest.ended_at &&
        now.getTime() - latest.ended_at.getTime() < REOPEN_WINDOW_MS
      ) {
        const w = new SessionWrites(tx, latest, now);
        await this.#life.reopenIn(w, undefined, { quiet: true });
        return { w, fresh: true };
      }
    }
    const created = await this.createSession(tx, input, now);
    return { w: created, fresh: true };
  }

  async createSession(tx: Queryable, input: ReceiveInput, now: Date): Promise<SessionWrites> {
    const template = input.template ?? null;
    const transport = this.#life.transport({ channel: input.channel });
    const robotId =
      template?.robotId ??
      input.robotId ??
      (await transport.defaultRobotId(tx, { appId: input.appId, channelId: input.channelId }));
    const id = input.sessionId ?? newId();
    const inserted = await repo.insertSession(tx, {
      id,
      app_id: input.appId,
      channel: input.channel,
      channel_id: input.channelId,
      user_id: input.userId,
      user_name: input.userName ?? null,
      robot_id: robotId,
      status: 'pending',
      waba_task_id: template?.wabaTaskId ?? null,
      template_msg_id: template?.templateMsgId ?? null,
      variables: { ...(template?.variables ?? {}), ...(input.variables ?? {}) },
      custom: template?.custom ?? null,
      started_at: now,
    });
    if (!inserted) {
      // A channel's own session id that another app already uses cannot be ours too.
      if (
        input.sessionId &&
        (await repo.sessionIdTaken(tx, id)) &&
        !(await repo.findSession(tx, input.appId, id))
      )
        throw new AppError('bad_request', `session id ${id} is already in use`);
      // Lost a race with another message of the same user: trying again finds its session.
      throw new SessionRaceError();
    }
    const row = await repo.lockSession(tx, input.appId, id);
    if (!row) throw new Error(`chat session ${id} vanished after insert`);
    const w = new SessionWrites(tx, row, now);
    await w.created();
    await w.addMessages([systemMessage('conversation.start', '', '')]);
    return w;
  }

  async lastMenu(w: SessionWrites): Promise<string | null> {
    const recent = await repo.listMessages(w.tx, w.session.app_id, w.session.id, { size: 20 });
    return (
      recent.find((m) => m.sender_type === 'robot' && m.content.type === 'interactive')?.id ?? null
    );
  }
}

function templateMessage(t: TemplateAnswer): NewChatMessage {
  return {
    id: t.templateMsgId,
    senderType: 'chatbot',
    content: {
      type: 'template',
      template: {
        type: 'WhatsApp',
        content: t.content ?? { body: '' },
        info: { id: t.templateId, name: t.templateName, language: t.language ?? '' },
      },
    },
    status: 'read',
  };
}
