// The SIP trunk Tiller calls through, read from the environment (docs/sip.md lists every
// variable). The simulator stays the default carrier; TILLER_CARRIER=sip selects this trunk.

export interface SipTrunkConfig {
  /** Where INVITEs and REGISTERs go: the carrier's proxy (or a local kamailio). */
  proxy: { host: string; port: number };
  /** The domain of request and From URIs; the proxy's host when the carrier names none. */
  domain: string;
  /** Digest credentials the trunk challenges with (401/407); absent for IP-authenticated trunks. */
  credentials?: { username: string; password: string };
  /** Register the account (expiry seconds) or not (0: an IP trunk that needs no REGISTER). */
  registerExpires: number;
  /** Our SIP socket. */
  bind: { host: string; port: number };
  /** The address written into Via, Contact and SDP when we are behind NAT. */
  publicHost?: string;
  /** RTP ports, one per call: an inclusive range the firewall lets through. */
  rtpPortRange: [number, number];
  /** Numbers in the request URI as E.164 with '+' (`e164`) or digits only (`digits`). */
  numberFormat: 'e164' | 'digits';
  /** We CANCEL a call that rings this long: `no_answer`. */
  ringTimeoutSeconds: number;
  /** OPTIONS to the proxy this often, to notice a dead trunk (0: never). */
  keepAliveSeconds: number;
  /** The password agents' phones register with (digest, user = agent name); absent: none may. */
  agentPassword?: string;
}

export class SipConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function readSipTrunkConfig(env: Env): SipTrunkConfig {
  const proxy = hostPort(env, 'TILLER_SIP_PROXY', undefined, 5060);
  const username = env['TILLER_SIP_USERNAME'] ?? '';
  const password = env['TILLER_SIP_PASSWORD'] ?? '';
  if ((username === '') !== (password === ''))
    throw new SipConfigError('TILLER_SIP_USERNAME and TILLER_SIP_PASSWORD go together');
  const range = (env['TILLER_SIP_RTP_PORTS'] || '20000-20999').split('-').map(Number);
  const [low, high] = range;
  if (range.length !== 2 || !isPort(low) || !isPort(high) || low! < 1024 || low! > high!)
    throw new SipConfigError(
      `TILLER_SIP_RTP_PORTS must be a range of UDP ports such as 20000-20999, got "${env['TILLER_SIP_RTP_PORTS']}"`,
    );
  const numberFormat = env['TILLER_SIP_NUMBER_FORMAT'] || 'e164';
  if (numberFormat !== 'e164' && numberFormat !== 'digits')
    throw new SipConfigError(
      `TILLER_SIP_NUMBER_FORMAT must be e164 or digits, got "${numberFormat}"`,
    );
  const publicHost = env['TILLER_SIP_PUBLIC_HOST'];
  const agentPassword = env['TILLER_SIP_AGENT_PASSWORD'];
  return {
    proxy,
    domain: env['TILLER_SIP_DOMAIN'] || proxy.host,
    ...(username ? { credentials: { username, password } } : {}),
    registerExpires: whole(env, 'TILLER_SIP_REGISTER_EXPIRES', username ? 600 : 0, 0, 86_400),
    bind: hostPort(env, 'TILLER_SIP_BIND', '0.0.0.0:5060', 5060),
    ...(publicHost ? { publicHost } : {}),
    rtpPortRange: [low!, high!],
    numberFormat,
    ringTimeoutSeconds: whole(env, 'TILLER_SIP_RING_TIMEOUT_SECONDS', 40, 5, 300),
    keepAliveSeconds: whole(env, 'TILLER_SIP_KEEPALIVE_SECONDS', 30, 0, 3600),
    ...(agentPassword ? { agentPassword } : {}),
  };
}

function hostPort(
  env: Env,
  name: string,
  fallback: string | undefined,
  defaultPort: number,
): { host: string; port: number } {
  const text = env[name] || fallback;
  if (!text) throw new SipConfigError(`${name} is required with TILLER_CARRIER=sip (host[:port])`);
  const match = /^\[?([^\]\s]+?)\]?(?::(\d+))?$/.exec(text.trim());
  const port = match?.[2] ? Number(match[2]) : defaultPort;
  if (!match || !isPort(port))
    throw new SipConfigError(`${name} must be host[:port], got "${text}"`);
  return { host: match[1]!, port };
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new SipConfigError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

function isPort(n: number | undefined): boolean {
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65_535;
}
