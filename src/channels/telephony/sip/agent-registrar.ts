import { parseNameAddr, parseSipUri, formatSipUri } from './signalling/address.ts';
import { DigestServer } from './signalling/digest.ts';
import { getHeader, type SipRequest } from './signalling/message.ts';
import type { Address } from './signalling/transport-udp.ts';

// Agents' phones register with Tiller itself (docs/sip.md "Agent phones"): a softphone or desk
// phone sends REGISTER for `sip:<agent name>@<anything>` with the agents' password (digest), and
// a transfer to `agent:<name>` then rings that phone directly instead of going out through the
// trunk. Bindings live in this process's memory: the process that dials is the one the phones
// register with (TILLER_SIP_BIND), and a phone re-registers within its expiry after a restart.

export interface RegisterAnswer {
  status: number;
  reason: string;
  headers: Array<{ name: string; value: string }>;
}

export interface AgentBinding {
  /** The phone's Contact URI: the request URI of the INVITE. */
  uri: string;
  /** Where the REGISTER really came from: the INVITE goes there (a phone behind NAT). */
  address: Address;
  expiresAt: number;
}

const MAX_EXPIRES = 3600;

export class AgentRegistrar {
  readonly #digest: DigestServer;
  readonly #bindings = new Map<string, AgentBinding>();
  readonly #now: () => number;

  constructor(options: { realm: string; password: string; now?: () => number }) {
    const { password } = options;
    this.#digest = new DigestServer({ realm: options.realm, passwords: () => password });
    this.#now = options.now ?? Date.now;
  }

  /** Answers a REGISTER: a challenge, a refusal, or the binding made (expiry 0 removes it). */
  register(request: SipRequest, source: Address): RegisterAnswer {
    if (!this.#digest.check(getHeader(request, 'Authorization'), 'REGISTER')) {
      return {
        status: 401,
        reason: 'Unauthorized',
        headers: [{ name: 'WWW-Authenticate', value: this.#digest.challenge() }],
      };
    }
    let user: string | undefined;
    let contact: ReturnType<typeof parseNameAddr> | undefined;
    try {
      user = parseNameAddr(getHeader(request, 'To') ?? '').uri.user;
      const value = getHeader(request, 'Contact');
      contact = value && value.trim() !== '*' ? parseNameAddr(value) : undefined;
    } catch {
      return { status: 400, reason: 'Bad Request', headers: [] };
    }
    if (!user) return { status: 400, reason: 'Bad Request', headers: [] };
    const asked = Number(contact?.params.get('expires') ?? getHeader(request, 'Expires') ?? 3600);
    const expires = Number.isFinite(asked) ? Math.max(0, Math.min(asked, MAX_EXPIRES)) : 3600;
    if (!contact || expires === 0) {
      this.#bindings.delete(user);
      return { status: 200, reason: 'OK', headers: [] };
    }
    const uri = formatSipUri(contact.uri);
    this.#bindings.set(user, { uri, address: source, expiresAt: this.#now() + expires * 1000 });
    return {
      status: 200,
      reason: 'OK',
      headers: [{ name: 'Contact', value: `<${uri}>;expires=${expires}` }],
    };
  }

  /** The agent's phone, while its registration lasts. */
  bindingOf(agent: string): AgentBinding | undefined {
    const binding = this.#bindings.get(agent);
    if (binding && binding.expiresAt <= this.#now()) {
      this.#bindings.delete(agent);
      return undefined;
    }
    return binding;
  }
}

/** The user part of an agent target (`agent:<name>`), or undefined for any other target. */
export function agentNameOf(target: string): string | undefined {
  if (!target.startsWith('agent:')) return undefined;
  const name = target.slice('agent:'.length);
  // A name that cannot be a SIP user is not an agent we can ring.
  try {
    return parseSipUri(`sip:${name}@x`).user === name ? name : undefined;
  } catch {
    return undefined;
  }
}
