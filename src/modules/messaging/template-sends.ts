import { AppError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { toE164 } from '../../shared/phone.ts';
import { notify, type Queryable } from '../../store/db.ts';
import { listedAmong } from '../dnc/dnc.service.ts';
import { checkRobot, templateOf } from './channel-admin.ts';
import { insertBatch } from './messages.repository.ts';
import { insertOutbound, type NewOutbound } from './send-queue.repository.ts';
import { placeholdersOf } from './message-wire.ts';
import { MESSAGING_NOTIFY } from './sender.ts';
import type { TemplateRecord } from './templates.repository.ts';

// Template sends (§8.4 batch, §8.7 single): checked whole before anything is written (a bad
// user refuses the request, nothing is queued), then one batch row and one queued message per
// user in the caller's transaction. Compliance is asked when each message is sent (the sender),
// except that a single send to a listed number is refused at once (403), as §8.7's caller
// waits for the answer.

export const MAX_BATCH_USERS = 10_000;

export interface TemplateUser {
  id: string;
  variables?: Record<string, string>;
  headerMedia?: { url: string };
  custom?: Record<string, string>;
}

export interface TemplateSendRequest {
  channelId: string;
  templateId: number;
  robotId?: string;
  users: TemplateUser[];
  callbackUrl?: string;
  single?: boolean;
}

export interface TemplateSendResult {
  wabaTaskId: string;
  messages: Array<{ userId: string; templateMsgId: string }>;
  /** The template's name, and the channel's public id (the request's): what a workflow shows of
   * the send (spec/workflow-api.md §17.5 waba_template_name, channel_id) without reading ours. */
  templateName: string;
  channelId: string;
}

/** The person's id as the spec has it (digits, no '+'), or a bad_request naming it. */
export function userIdOf(text: string): string {
  const digits = text.trim().replace(/^\+/, '');
  if (!/^\d{6,15}$/.test(digits) || !toE164(`+${digits}`)) {
    throw new AppError(
      'invalid_phone',
      `user id ${JSON.stringify(text)} is not a phone number in international form`,
    );
  }
  return digits;
}

export async function sendTemplatesIn(
  tx: Queryable,
  appId: number,
  request: TemplateSendRequest,
  now: Date,
): Promise<TemplateSendResult> {
  const { channel, template } = await templateOf(tx, appId, request.channelId, request.templateId);
  if (template.status !== 'APPROVED') {
    throw new AppError('template_not_approved', `template ${template.id} is ${template.status}`);
  }
  if (request.robotId) await checkRobot(tx, appId, request.robotId);
  if (request.users.length === 0) throw new AppError('bad_request', 'users is empty');
  if (request.users.length > MAX_BATCH_USERS) {
    throw new AppError('bad_request', `at most ${MAX_BATCH_USERS} users per request`);
  }
  const names = placeholdersOf(template.content);
  const users = request.users.map((u) => {
    const userId = userIdOf(u.id);
    const variables = u.variables ?? {};
    const missing = names.filter((n) => typeof variables[n] !== 'string');
    if (missing.length > 0) {
      throw new AppError('bad_request', `user ${userId} lacks variables ${missing.join(', ')}`);
    }
    return { ...u, userId, variables };
  });
  if (request.single) {
    const listed = await listedAmong(tx, appId, [`+${users[0]!.userId}`]);
    if (listed.size > 0)
      throw new AppError('contact_blocked', 'the number is on the do-not-call list or opted out');
  }
  const batchId = newId();
  await insertBatch(tx, {
    id: batchId,
    appId,
    channelPk: channel.pk,
    kind: request.single ? 'single' : 'template',
    templateId: template.id,
    robotId: request.robotId ?? null,
    callbackUrl: request.callbackUrl ?? null,
  });
  const rows: NewOutbound[] = users.map((u) => ({
    id: newId(),
    appId,
    channelPk: channel.pk,
    userId: u.userId,
    kind: 'template',
    content: templateContent(template, u.variables, u.headerMedia?.url),
    batchId,
    templateId: template.id,
    variables: u.variables,
    custom: u.custom ?? null,
    conversationId: null,
    replyTo: null,
    at: now,
  }));
  await insertOutbound(tx, rows);
  await notify(tx, MESSAGING_NOTIFY);
  return {
    wabaTaskId: batchId,
    messages: rows.map((r) => ({ userId: r.userId, templateMsgId: r.id })),
    templateName: template.name,
    channelId: channel.channelId,
  };
}

/** What the adapter sends: the template by name and language, the values, the buttons' payloads. */
function templateContent(
  template: TemplateRecord,
  variables: Record<string, string>,
  headerUrl: string | undefined,
) {
  const header = template.content.header;
  const mediaType =
    header?.type === 'video' ? 'video' : header?.type === 'image' ? 'image' : 'file';
  const url = headerUrl ?? header?.media?.origin_url;
  const hasMediaHeader = header && header.type !== 'text' && url;
  return {
    type: 'template',
    template: {
      name: template.name,
      language: template.language,
      // Only the template's own placeholders go to the provider; other names the send carried
      // are the bound chatbot's variables (docs/messaging.md).
      body: Object.fromEntries(
        placeholdersOf(template.content).map((name) => [name, variables[name] ?? '']),
      ),
      ...(hasMediaHeader ? { headerMedia: { url, type: mediaType } } : {}),
      // An OPT_OUT tap comes back with this payload, so the module knows it whatever the text.
      buttonPayloads: (template.content.button ?? [])
        .filter((b) => b.type === 'QUICK_REPLY' || b.type === 'OPT_OUT')
        .map((b) => (b.type === 'OPT_OUT' ? 'OPT_OUT' : b.text)),
    },
  };
}
