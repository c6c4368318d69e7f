import { appName, appZone } from '../auth/app-directory.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { formatDateTime } from '../../shared/time.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { listBotChannels } from './bot-channel.repository.ts';
import { findReportSettings, saveReportSettings } from './event-report.repository.ts';

// The company endpoints of spec/chatbot-api.md §10.1 and §10.5 and the opt-in of the event
// reports (docs/chatbot-variants.md). The "company" is the app: its name, zone and channels.

/** A messaging channel as the messaging module lists it (MessagingService.listChannels). */
export interface CompanyChannelInfo {
  channelId: string;
  channel: string;
  name: string;
  phoneNumber: string | null;
  status: string;
}

/** What the company endpoints ask of the messaging module: MessagingService satisfies it. */
export interface CompanyChannels {
  listChannels(appId: number): Promise<CompanyChannelInfo[]>;
}

export interface WireChannel {
  channel: string;
  channel_id: string;
  name: string;
  phone_number: string;
  status: string;
}

export class CompanyService {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #messaging: CompanyChannels | undefined;

  /** messaging: undefined lists the Huawei and bot channels only (no messaging module wired). */
  constructor(db: Db, clock: Clock, messaging: CompanyChannels | undefined) {
    this.#db = db;
    this.#clock = clock;
    this.#messaging = messaging;
  }

  /**
   * §10.1: the app's messaging channels (WhatsApp numbers, SMS senders) and the Huawei and bot
   * channels it registered, by channel then id. The latter have no number of ours and are
   * CONNECTED while registered.
   */
  async channels(appId: number): Promise<WireChannel[]> {
    const messaging = this.#messaging ? await this.#messaging.listChannels(appId) : [];
    const variants = await listBotChannels(this.#db, appId);
    return [
      ...messaging.map((c) => ({
        channel: c.channel,
        channel_id: c.channelId,
        name: c.name,
        phone_number: c.phoneNumber ?? '',
        status: c.status,
      })),
      ...variants.map((v) => ({
        channel: v.channel_name,
        channel_id: v.channel_id,
        name: v.channel_id,
        phone_number: '',
        status: 'CONNECTED',
      })),
    ];
  }

  /** §10.5: the company (the app) with its channels and zone. */
  async info(appId: number) {
    const name = await appName(this.#db, appId);
    return {
      company: name,
      name,
      channels: await this.channels(appId),
      timezone: await appZone(this.#db, appId),
    };
  }

  async reportSettings(appId: number) {
    return this.#view(this.#db, appId, await findReportSettings(this.#db, appId));
  }

  async setReportSettings(appId: number, input: { enabled: boolean; url?: string | null }) {
    const url = input.url ? input.url : null;
    if (url !== null) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol))
        throw new AppError('bad_request', 'url must be an http:// or https:// URL');
    }
    const row = await saveReportSettings(
      this.#db,
      appId,
      { enabled: input.enabled, url },
      this.#clock.now(),
    );
    return this.#view(this.#db, appId, row);
  }

  async #view(
    q: Queryable,
    appId: number,
    row: { enabled: boolean; url: string | null; updated_at: Date } | undefined,
  ) {
    return {
      enabled: row?.enabled ?? false,
      url: row?.url ?? null,
      update_time: row ? formatDateTime(row.updated_at, await appZone(q, appId)) : null,
    };
  }
}
