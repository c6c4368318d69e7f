import type { SipTrunkConfig } from '../../src/shared/sip-trunk-config.ts';

/**
 * A trunk on loopback for tests: our SIP and RTP sockets on 127.0.0.1 (ports the OS picks, RTP
 * in a high range), the given proxy, no REGISTER, no keep-alive; `settings` changes the rest.
 */
export function loopbackTrunk(
  proxy: { host: string; port: number },
  settings: Partial<SipTrunkConfig> = {},
): SipTrunkConfig {
  return {
    proxy,
    domain: '127.0.0.1',
    registerExpires: 0,
    bind: { host: '127.0.0.1', port: 0 },
    rtpPortRange: [40_000, 49_999],
    numberFormat: 'e164',
    ringTimeoutSeconds: 5,
    keepAliveSeconds: 0,
    ...settings,
  };
}
