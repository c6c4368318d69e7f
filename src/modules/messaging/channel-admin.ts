import type { MessagingChannelKind } from '../../channels/messaging/messaging-channel.ts';
import { AppError } from '../../shared/errors.ts';
import { parseOverride } from '../../shared/window-override.ts';
import type { Queryable } from '../../store/db.ts';
import { usableRobot } from '../robots/robots.service.ts';
import {
  findChannel,
  insertChannel,
  listChannels,
  updateChannel,
  type ChannelPatch,
  type ChannelRecord,
} from './channels.repository.ts';
import {
  findTemplate,
  insertTemplate,
  listTemplates,
  setTemplateStatus,
  type TemplateCategory,
  type TemplateContent,
  type TemplateRecord,
  type TemplateStatus,
} from './templates.repository.ts';

// The /v1 administration of channels and templates: what an operator sets up before sending.
// Provider secrets are checked for presence here and never answered back (ChannelView).

/** Provider settings each kind needs (docs/messaging.md, "Channels"). */
const REQUIRED_CONFIG: Record<MessagingChannelKind, string[]> = {
  whatsapp: ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken'],
  sms: ['url', 'systemId', 'password'],
  simulated: [],
};
/** Settings that are not secret and may be shown. */
const PUBLIC_CONFIG = new Set([
  'phoneNumberId',
  'graphUrl',
  'apiVersion',
  'url',
  'systemId',
  'timeScale',
]);

/** A channel as the admin API shows it: the secrets' names only. */
export interface ChannelView {
  channelId: string;
  kind: MessagingChannelKind;
  name: string;
  phoneNumber: string;
  status: string;
  config: Record<string, unknown>;
  secrets: string[];
  sendsPerSecond: number | null;
  sendWindow: unknown;
  callbackUrl: string | null;
  defaultRobotId: string | null;
}

export function channelView(c: ChannelRecord): ChannelView {
  const config: Record<string, unknown> = {};
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(c.config)) {
    if (PUBLIC_CONFIG.has(key)) config[key] = value;
    else secrets.push(key);
  }
  return {
    channelId: c.channelId,
    kind: c.kind,
    name: c.name,
    phoneNumber: c.phoneNumber,
    status: c.status,
    config,
    secrets: secrets.sort(),
    sendsPerSecond: c.sendsPerSecond,
    sendWindow: c.sendWindow,
    callbackUrl: c.callbackUrl,
    defaultRobotId: c.defaultRobotId,
  };
}

export interface NewChannelInput {
  channelId: string;
  kind: MessagingChannelKind;
  name: string;
  phoneNumber: string;
  status?: string;
  config?: Record<string, unknown>;
  sendsPerSecond?: number | null;
  sendWindow?: unknown;
  callbackUrl?: string | null;
  defaultRobotId?: string | null;
}

/** A robot the app may use (its own or a built-in one), or robot_not_found. */
export async function checkRobot(q: Queryable, appId: number, robotId: string): Promise<void> {
  const usable = /^\d{1,15}$/.test(robotId) && (await usableRobot(q, appId, Number(robotId)));
  if (!usable) throw new AppError('robot_not_found', robotId);
}

function checkWindow(value: unknown): void {
  const parsed = parseOverride(value);
  if (!parsed.ok) throw new AppError('bad_request', `send_window: ${parsed.error}`);
}

function checkConfig(kind: MessagingChannelKind, config: Record<string, unknown>): void {
  const missing = REQUIRED_CONFIG[kind].filter(
    (key) => typeof config[key] !== 'string' || config[key] === '',
  );
  if (missing.length > 0) {
    throw new AppError('bad_request', `config of a ${kind} channel needs ${missing.join(', ')}`);
  }
}

export async function createChannel(
  q: Queryable,
  appId: number,
  input: NewChannelInput,
): Promise<ChannelView> {
  const config = input.config ?? {};
  checkConfig(input.kind, config);
  if (input.sendWindow !== undefined) checkWindow(input.sendWindow);
  if (input.defaultRobotId) await checkRobot(q, appId, input.defaultRobotId);
  const created = await insertChannel(q, {
    appId,
    channelId: input.channelId,
    kind: input.kind,
    name: input.name,
    phoneNumber: input.phoneNumber,
    status: input.status ?? 'CONNECTED',
    config,
    sendsPerSecond: input.sendsPerSecond ?? null,
    sendWindow: input.sendWindow ?? null,
    callbackUrl: input.callbackUrl ?? null,
    defaultRobotId: input.defaultRobotId ?? null,
  });
  if (!created) throw new AppError('duplicate_name', `channel_id ${input.channelId}`);
  return channelView(created);
}

/** Patches a channel; `config` keys are merged (a secret is kept unless given again). */
export async function patchChannel(
  q: Queryable,
  appId: number,
  channelId: string,
  patch: ChannelPatch,
): Promise<ChannelView> {
  const current = await findChannel(q, appId, channelId);
  if (!current) throw new AppError('channel_not_found', channelId);
  const next: ChannelPatch = { ...patch };
  if (patch.config) {
    next.config = { ...current.config, ...patch.config };
    checkConfig(current.kind, next.config);
  }
  if (patch.sendWindow !== undefined) checkWindow(patch.sendWindow);
  if (patch.defaultRobotId) await checkRobot(q, appId, patch.defaultRobotId);
  const updated = await updateChannel(q, appId, channelId, next);
  return channelView(updated!);
}

export async function channelViews(q: Queryable, appId: number): Promise<ChannelView[]> {
  return (await listChannels(q, appId)).map(channelView);
}

export async function channelOf(
  q: Queryable,
  appId: number,
  channelId: string,
): Promise<ChannelRecord> {
  const channel = await findChannel(q, appId, channelId);
  if (!channel) throw new AppError('channel_not_found', channelId);
  return channel;
}

export interface NewTemplateInput {
  name: string;
  language: string;
  category: TemplateCategory;
  status?: TemplateStatus;
  content: TemplateContent;
}

export async function createTemplate(
  q: Queryable,
  appId: number,
  channelId: string,
  input: NewTemplateInput,
): Promise<TemplateRecord> {
  const channel = await channelOf(q, appId, channelId);
  const buttons = input.content.button ?? [];
  if (buttons.length > 10) throw new AppError('bad_request', 'a template has at most 10 buttons');
  const created = await insertTemplate(q, {
    appId,
    channelPk: channel.pk,
    name: input.name,
    language: input.language,
    category: input.category,
    // New templates wait for review unless the operator records the provider's approval.
    status: input.status ?? 'PENDING',
    content: input.content,
  });
  if (!created) throw new AppError('duplicate_name', `template ${input.name} (${input.language})`);
  return created;
}

export async function templatesOf(
  q: Queryable,
  appId: number,
  channelId: string,
  filter: { name?: string; status?: string; page: number; size: number },
) {
  const channel = await channelOf(q, appId, channelId);
  return listTemplates(q, appId, channel.pk, filter);
}

export async function templateOf(
  q: Queryable,
  appId: number,
  channelId: string,
  templateId: number,
): Promise<{ channel: ChannelRecord; template: TemplateRecord }> {
  const channel = await channelOf(q, appId, channelId);
  const template = await findTemplate(q, appId, channel.pk, templateId);
  if (!template) throw new AppError('template_not_found', String(templateId));
  return { channel, template };
}

export async function changeTemplateStatus(
  q: Queryable,
  appId: number,
  channelId: string,
  templateId: number,
  status: TemplateStatus,
): Promise<TemplateRecord> {
  const channel = await channelOf(q, appId, channelId);
  const updated = await setTemplateStatus(q, appId, channel.pk, templateId, status);
  if (!updated) throw new AppError('template_not_found', String(templateId));
  return updated;
}
