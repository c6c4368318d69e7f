import type { Logger } from 'pino';
import type { Stt } from '../../../dialogue/ports/stt.ts';
import { SipUserAgent } from './signalling/user-agent.ts';
import { AgentRegistrar } from './agent-registrar.ts';
import { SipCallControl } from './sip-call-control.ts';
import type { SipTrunkConfig } from '../../../shared/sip-trunk-config.ts';

// TILLER_CARRIER=sip: the user agent on the trunk, its registration and keep-alive, and the call
// control the dialers use. A registration the trunk drops, or an OPTIONS it stops answering, is
// logged as an error and retried on the next keep-alive; calls placed meanwhile end with the
// trunk's own refusal (or our INVITE timing out) as their cause: `failed`, redialled by the rules.

export interface SipCarrier {
  callControl: SipCallControl;
  /** Hangs up the calls still up, unregisters and closes the socket. */
  stop(): Promise<void>;
}

export async function startSipCarrier(
  trunk: SipTrunkConfig,
  stt: Stt,
  log: Logger,
  /** `t1Ms`: the SIP timer T1 (500 ms); tests shorten it so a silent trunk times out soon. */
  options: { t1Ms?: number } = {},
): Promise<SipCarrier> {
  const ua = await SipUserAgent.start({
    host: trunk.bind.host,
    port: trunk.bind.port,
    ...(options.t1Ms ? { t1Ms: options.t1Ms } : {}),
    ...(trunk.publicHost ? { publicHost: trunk.publicHost } : {}),
    ...(trunk.credentials ? { credentials: trunk.credentials } : {}),
  });
  const registrar = `sip:${trunk.proxy.host}:${trunk.proxy.port}`;
  const register = async () => {
    if (trunk.registerExpires === 0 || !trunk.credentials) return undefined;
    const registration = await ua.register({
      registrar,
      aor: `sip:${trunk.credentials.username}@${trunk.domain}`,
      expires: trunk.registerExpires,
    });
    registration.onChange((state) => {
      if (state === 'failed') log.error({ registrar }, 'the SIP trunk dropped our registration');
    });
    if (registration.state !== 'registered')
      log.error(
        { registrar, status: registration.lastStatus },
        'the SIP trunk refused to register us',
      );
    else log.info({ registrar, expires: registration.expires }, 'registered with the SIP trunk');
    return registration;
  };
  let registration = await register();
  // One REGISTER at a time: probes overlap when the trunk is slow, and two would each start a
  // registration that refreshes for ever.
  let registering = false;
  let alive = true;
  const keepAlive =
    trunk.keepAliveSeconds > 0
      ? setInterval(() => {
          void ua.options(registrar).then(async ({ status }) => {
            const up = status < 500 && status !== 408;
            if (up !== alive) {
              alive = up;
              if (up) log.info({ registrar }, 'the SIP trunk answers again');
              else log.error({ registrar, status }, 'the SIP trunk does not answer OPTIONS');
            }
            if (up && registration && registration.state !== 'registered' && !registering) {
              registering = true;
              registration = await register().finally(() => (registering = false));
            }
          });
        }, trunk.keepAliveSeconds * 1000)
      : undefined;
  keepAlive?.unref();
  const agents = trunk.agentPassword
    ? new AgentRegistrar({ realm: 'tiller', password: trunk.agentPassword })
    : undefined;
  if (agents) ua.onRegister((request, source) => agents.register(request, source));
  const callControl = new SipCallControl({ ua, trunk, stt, ...(agents ? { agents } : {}) });
  return {
    callControl,
    async stop() {
      if (keepAlive) clearInterval(keepAlive);
      await Promise.all([...callControl.legs].map((leg) => leg.hangup('system')));
      await registration?.unregister().catch(() => undefined);
      await ua.close();
    },
  };
}
