import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FakeGraph,
  FakeGraphCounters,
  FakeGraphOptions,
  FakeRead,
  FakeSend,
} from './fake-graph-api.ts';
import { errorBody, graphError, statusError, type GraphError } from './graph-errors.ts';
import { RateLimits } from './rate-limits.ts';
import { checkTemplate, templateKey, type FakeTemplate } from './template-check.ts';
import { userMessage } from './user-content.ts';
import { validateRead, validateSend } from './validate-message.ts';
import { DEFAULT_BEHAVIOUR, WebhookSender } from './webhook-sender.ts';

// The server behind startFakeGraph(); its API and guide are in fake-graph-api.ts.
export type * from './fake-graph-api.ts';
export type { FakeTemplate } from './template-check.ts';
export type { UserContent } from './user-content.ts';
export type { WebhookBehaviour } from './webhook-sender.ts';

const digits = (person: string) => person.replace(/^\+/, '');

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const accessToken = options.accessToken ?? 'fake-access-token';
  const appSecret = options.appSecret ?? 'fake-app-secret';
  const now = options.now ?? Date.now;
  const record = options.record ?? true;
  const windowMs = options.windowMs ?? 24 * 3600_000;
  const knownNumbers = options.phoneNumberIds ? new Set(options.phoneNumberIds) : undefined;
  const templates = new Map<string, FakeTemplate>();
  for (const t of options.templates ?? []) templates.set(templateKey(t.name, t.language), t);
  const notOnWhatsApp = new Set((options.notOnWhatsApp ?? []).map(digits));
  const limits = new RateLimits({
    throughput: options.throughput ?? 80,
    pairBurst: options.pairBurst ?? 45,
    pairIntervalMs: options.pairIntervalMs ?? 6_000,
  });
  const counters: FakeGraphCounters = {
    requests: 0,
    accepted: 0,
    reads: 0,
    rejected: {},
    statuses: 0,
    webhookPosts: 0,
    webhookRetries: 0,
    webhookFailures: 0,
  };
  const sender = new WebhookSender(
    appSecret,
    { ...DEFAULT_BEHAVIOUR, ...options.webhook },
    counters,
    (phoneNumberId) => ({ display_phone_number: phoneNumberId, phone_number_id: phoneNumberId }),
  );
  const sends: FakeSend[] = [];
  const acceptedListeners: Array<(send: FakeSend) => void> = [];
  const readList: FakeRead[] = [];
  const failures: Array<{ code: number | 'disconnect' | 'hang'; phoneNumberId?: string }> = [];
  /** Last message time of each (number, person): their window. */
  const lastInbound = new Map<string, number>();
  /** Inbound wamids per number: what markRead may name. */
  const inboundIds = new Set<string>();
  const optedOut = new Set<string>();
  const chains = new Set<Promise<void>>();
  let seq = 0;
  // Unique across runs without a random draw per message (the benchmark sends thousands a second).
  const prefix = randomBytes(6).toString('hex');
  const wamid = () =>
    `wamid.HBgL${Buffer.from(`${prefix}.${(++seq).toString(36)}`).toString('base64url')}`;
  const pair = (phoneNumberId: string, person: string) => `${phoneNumberId}\u0000${digits(person)}`;
  const seconds = () => String(Math.floor(now() / 1000));

  function refuse(res: ServerResponse, e: GraphError): void {
    counters.rejected[e.code] = (counters.rejected[e.code] ?? 0) + 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (e.code === 190) headers['www-authenticate'] = 'OAuth "Facebook Platform" "invalid_token"';
    res.writeHead(e.httpStatus, headers);
    res.end(errorBody(e));
  }

  function answer(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    counters.requests++;
    const path = /^\/v\d+\.\d+\/([^/?]+)\/messages(?:\?.*)?$/.exec(req.url ?? '');
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return refuse(res, graphError(190, 'Invalid OAuth 2.0 Access Token'));
    if (req.method !== 'POST' || !path)
      return refuse(res, graphError(100, `Unsupported ${req.method?.toLowerCase()} request.`, 33));
    const phoneNumberId = decodeURIComponent(path[1]!);
    if (knownNumbers && !knownNumbers.has(phoneNumberId))
      return refuse(
        res,
        graphError(
          100,
          `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          33,
        ),
      );
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
      body = parsed as Record<string, unknown>;
    } catch {
      return refuse(res, graphError(100, 'The request body is not a JSON object.'));
    }
    if (body.status === 'read') return markRead(res, phoneNumberId, body);
    const failure = failures.findIndex(
      (f) => !f.phoneNumberId || f.phoneNumberId === phoneNumberId,
    );
    if (failure >= 0) {
      const [{ code }] = failures.splice(failure, 1) as [{ code: number | 'disconnect' | 'hang' }];
      if (code === 'hang') {
        counters.rejected.hang = (counters.rejected.hang ?? 0) + 1;
        return;
      }
      if (code === 'disconnect') {
        counters.rejected.disconnect = (counters.rejected.disconnect ?? 0) + 1;
        req.socket.destroy();
        return;
      }
      return refuse(res, graphError(code, 'failure set by failNext()'));
    }
    const invalid = validateSend(body);
    if (invalid) return refuse(res, invalid);
    const type = (body.type as string | undefined) ?? 'text';
    let category: FakeTemplate['category'];
    if (type === 'template') {
      const checked = checkTemplate(templates, body.template as Record<string, unknown>);
      if ('error' in checked) return refuse(res, checked.error);
      category = checked.template.category ?? 'MARKETING';
    }
    const to = digits(body.to as string);
    const at = now();
    const limited = limits.check(phoneNumberId, to, at);
    if (limited === 130429)
      return refuse(res, graphError(130429, 'Cloud API message throughput has been reached.'));
    if (limited === 131056)
      return refuse(
        res,
        graphError(
          131056,
          'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
        ),
      );

    const key = pair(phoneNumberId, to);
    const windowOpen = (lastInbound.get(key) ?? -Infinity) > at - windowMs;
    const outcome: FakeSend['outcome'] = notOnWhatsApp.has(to)
      ? 131026
      : type === 'template'
        ? category === 'MARKETING' && optedOut.has(key)
          ? 131050
          : 'delivered'
        : windowOpen
          ? 'delivered'
          : 131047;
    const send: FakeSend = {
      wamid: wamid(),
      phoneNumberId,
      to,
      type,
      body: record ? body : {},
      at,
      outcome,
    };
    if (record) sends.push(send);
    for (const listener of acceptedListeners) listener(send);
    counters.accepted++;
    answer(res, {
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: to }],
      messages: [
        { id: send.wamid, ...(type === 'template' ? { message_status: 'accepted' } : {}) },
      ],
    });
    track(statusChain(send, category));
  }

  function markRead(
    res: ServerResponse,
    phoneNumberId: string,
    body: Record<string, unknown>,
  ): void {
    const invalid = validateRead(body);
    if (invalid) return refuse(res, invalid);
    const messageId = body.message_id as string;
    if (!inboundIds.has(`${phoneNumberId}\u0000${messageId}`))
      return refuse(
        res,
        graphError(
          100,
          `Invalid parameter: message_id ${messageId} is not a message received by this number`,
        ),
      );
    counters.reads++;
    readList.push({ phoneNumberId, messageId, at: now() });
    answer(res, { success: true });
  }

  /** sent → delivered → read (or one `failed`), each after the previous POST was answered. */
  async function statusChain(send: FakeSend, category: FakeTemplate['category']): Promise<void> {
    if (!sender.subscribedFor(send.phoneNumberId)) return;
    const b = sender.behaviour;
    const pricing = {
      billable: true,
      pricing_model: 'PMP',
      category: (category ?? 'service').toLowerCase(),
    };
    const status = (name: string) => ({
      id: send.wamid,
      status: name,
      timestamp: seconds(),
      recipient_id: send.to,
      ...(name === 'failed'
        ? { errors: [statusError(send.outcome as number, failureDetails(send.outcome as number))] }
        : { pricing }),
    });
    let steps =
      send.outcome === 'delivered'
        ? ['sent', ...(b.skipDelivered ? [] : ['delivered']), ...(b.read ? ['read'] : [])]
        : ['failed'];
    if (b.reorder) steps = steps.reverse();
    for (const step of steps) {
      await sender.sleep(b.delayMs);
      counters.statuses++;
      await sender.status(send.phoneNumberId, status(step));
    }
  }

  function track(chain: Promise<void>): void {
    const settled = chain.catch(() => {}).finally(() => chains.delete(settled));
    chains.add(settled);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    appSecret,
    counters,
    subscribe: (callbackUrl, verifyToken, phoneNumberIds) =>
      sender.subscribe(callbackUrl, verifyToken, phoneNumberIds),
    registerTemplate: (t) => void templates.set(templateKey(t.name, t.language), t),
    setThroughput: (phoneNumberId, perSecond) => limits.setThroughput(phoneNumberId, perSecond),
    setWebhookBehaviour: (behaviour) =>
      void (sender.behaviour = { ...sender.behaviour, ...behaviour }),
    addNotOnWhatsApp: (person) => void notOnWhatsApp.add(digits(person)),
    failNext: (code, o) =>
      void failures.push({ code, ...(o?.phoneNumberId ? { phoneNumberId: o.phoneNumberId } : {}) }),
    async userSends(phoneNumberId, from, content, o = {}) {
      const id = o.id ?? wamid();
      const waId = digits(from);
      lastInbound.set(pair(phoneNumberId, waId), now());
      inboundIds.add(`${phoneNumberId}\u0000${id}`);
      const message = {
        from: waId,
        id,
        timestamp: seconds(),
        ...(o.contextId ? { context: { from: phoneNumberId, id: o.contextId } } : {}),
        ...userMessage(content),
      };
      const contacts = [{ profile: { name: o.profileName ?? 'Fake User' }, wa_id: waId }];
      await sender.post(phoneNumberId, 'messages', { contacts, messages: [message] });
      return id;
    },
    async userOptsOut(phoneNumberId, from, value = 'stop') {
      const waId = digits(from);
      if (value === 'stop') optedOut.add(pair(phoneNumberId, waId));
      else optedOut.delete(pair(phoneNumberId, waId));
      await sender.post(phoneNumberId, 'user_preferences', {
        contacts: [{ profile: { name: 'Fake User' }, wa_id: waId }],
        user_preferences: [
          {
            wa_id: waId,
            detail:
              value === 'stop'
                ? 'User requested to stop marketing messages'
                : 'User requested to resume marketing messages',
            category: 'marketing_messages',
            value,
            timestamp: Number(seconds()),
          },
        ],
      });
    },
    received: (to) => sends.filter((s) => s.to === digits(to)),
    onAccepted: (listener) => void acceptedListeners.push(listener),
    sent: () => [...sends],
    reads: () => [...readList],
    async idle() {
      while (chains.size > 0) await Promise.all([...chains]);
      await sender.idle();
    },
    async close() {
      await sender.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function failureDetails(code: number): string {
  if (code === 131047)
    return 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.';
  if (code === 131050)
    return 'The recipient has chosen to stop receiving marketing messages from your business.';
  return 'Message Undeliverable.';
}
