import { createServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import type { CallControl } from './channels/telephony/call-control.ts';
import type { ChannelFactory } from './modules/messaging/channel-registry.ts';
import { messagingAdapters } from './channels/messaging/channel-factory.ts';
import { SimulatedCallControl } from './channels/telephony/simulated/simulated-call-control.ts';
import { startSipCarrier } from './channels/telephony/sip/sip-carrier.ts';
import { sttOf, ttsOf } from './speech-providers.ts';
import type { Config } from './config.ts';
import type { Nlu } from './dialogue/nlu/nlu.ts';
import type { Tts } from './dialogue/tts/tts.ts';
import { TtsCallRecorder } from './modules/recordings/call-recorder.ts';
import { createServices, type Services } from './modules/services.ts';
import { seedBuiltinRobots } from './modules/robots/builtin-robots.ts';
import { seedBuiltinStrategies } from './modules/plans/builtin-strategies.ts';
import { Dialer } from './modules/dialer/dialer.ts';
import { PdsDialer } from './modules/pds/dialer/pds-dialer.ts';
import { RecLinks } from './modules/pds/webhooks/rec-links.ts';
import { WebhookDeliverer } from './modules/webhooks/deliverer.ts';
import { registerJobHandlers, subscribeModules } from './modules/wiring.ts';
import { domainEvents } from './queue/domain-events.ts';
import { JobRunner } from './queue/job-runner.ts';
import { reclaimJobs } from './queue/jobs.ts';
import { WorkerRegistry } from './queue/workers.ts';
import { ScaledClock, systemClock, type Clock } from './shared/clock.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { createMetrics } from './shared/metrics.ts';
import type { Db } from './store/db.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import {
  loopbackUrl,
  newAdminToken,
  removeAdminEndpoint,
  writeAdminEndpoint,
} from './modules/admin/admin-endpoint.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/open-db.ts';

export interface StartOptions {
  config: Config;
  /** Serve the HTTP API. */
  api: boolean;
  /** Run the dialer, the webhook deliverer and the job runner. */
  worker: boolean;
  /** A store opened by the caller (tests); otherwise opened from the config. */
  db?: Db;
  /** How calls are placed; by default the simulator. */
  callControl?: CallControl;
  /** Builds messaging channels' adapters (WhatsApp Cloud, SMPP, simulated). */
  channels?: ChannelFactory;
  /** The NLU; by default from the config (keyword matching, or an LLM when a key is set). */
  nlu?: Nlu;
  /** Speech for recordings; by default espeak-ng (its worker starts on first use). */
  tts?: Tts;
  clock?: Clock;
  log?: Logger;
  /** Heartbeat period (default 5 s); tests shorten it to see the heartbeat's checks soon. */
  heartbeatMs?: number;
}

export interface Runtime {
  services: Services;
  app: FastifyInstance | undefined;
  /** Base URL the API listens on, when it serves. */
  url: string | undefined;
  workerId: string;
  /** Stop claiming, finish or hand back in-flight work, close the store. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Opens and migrates the store, starts the workers and the API as asked. A start that fails half
 * way (a port in use, a store that will not open) stops what it started, releases the data-dir
 * lock and throws, so the process can exit at once instead of dialling without an API.
 */
export async function startTiller(options: StartOptions): Promise<Runtime> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logLevel, logPii: config.logPii });
  const holdsEmbeddedStore = !options.db && !config.databaseUrl;
  // A port in use fails the start at once, before the store is opened and migrated; the real
  // listen below still fails cleanly if another process takes the port in between.
  if (options.api && config.port !== 0) await assertPortFree(config.port, config.host);
  const unlock = holdsEmbeddedStore ? lockDataDir(config.dataDir) : () => {};
  const stoppers: Array<() => Promise<void>> = [];
  let db: Db | undefined;
  let services: Services | undefined;
  let ready = false;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      ready = false;
      for (const stopOne of stoppers) {
        await stopOne().catch((error: unknown) =>
          log.error({ err: error }, 'error while stopping'),
        );
      }
      await services?.messaging
        .close()
        .catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
      await services?.tts
        .close()
        .catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
      if (!options.db) await db?.close().catch(() => {});
      unlock();
      log.info('tiller stopped');
    })();
    return stopping;
  };

  try {
    db = options.db ?? (await openDb(config, log));
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    await seedBuiltinRobots(db);
    await seedBuiltinStrategies(db);
    // A real trunk: registered before anything can dial; stopped after the dialers hand back.
    const sip =
      !options.callControl && config.carrier === 'sip' && config.sip
        ? await startSipCarrier(config.sip, sttOf(config), log)
        : undefined;
    if (sip) stoppers.push(() => sip.stop());
    services = createTillerServices(options, db, log, sip?.callControl);
    // Before anything can publish: the API and the workers both change state that has subscribers.
    // The recording links of PDS TALKRESULT webhooks, signed inside transactions: the key loads now.
    const recLinks = new RecLinks(config.recordings ? services.recordings : undefined);
    await recLinks.warm().catch((error: unknown) => log.warn({ err: error }, 'no recording links'));
    subscribeModules(domainEvents, { chatbot: services.chatbot, recLinks });
    const registry = new WorkerRegistry(
      db,
      options.heartbeatMs ? { beatMs: options.heartbeatMs } : {},
    );
    if (options.worker) await startWorkers(options, db, services, registry, stoppers);

    let app: FastifyInstance | undefined;
    let url: string | undefined;
    if (options.api) {
      // The server that holds the embedded store runs the CLI's admin commands for it.
      const adminToken = holdsEmbeddedStore ? newAdminToken() : undefined;
      app = await buildApp(services, () => ready, adminToken ? { adminToken } : {});
      stoppers.unshift(() => app!.close());
      url = await app.listen({ port: config.port, host: config.host });
      if (adminToken) {
        const { port } = app.server.address() as AddressInfo;
        writeAdminEndpoint(config.dataDir, {
          pid: process.pid,
          url: loopbackUrl(config.host, port),
          token: adminToken,
        });
        stoppers.unshift(async () => removeAdminEndpoint(config.dataDir, adminToken));
      }
    }
    ready = true;
    log.info({ api: url, worker: options.worker, store: db.kind }, 'tiller started');
    return { services, app, url, workerId: registry.id, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function createTillerServices(
  options: StartOptions,
  db: Db,
  log: Logger,
  sipCallControl: CallControl | undefined,
): Services {
  const { config } = options;
  // The channel factory reads `services` lazily, at a channel's first use, after this returns.
  const services: Services = createServices({
    config,
    db,
    log,
    clock:
      options.clock ??
      (config.simulatedStart
        ? new ScaledClock(config.simulatedStart, config.timeScale)
        : systemClock),
    metrics: createMetrics(),
    callControl:
      options.callControl ??
      sipCallControl ??
      new SimulatedCallControl({
        timeScale: config.timeScale,
        ...(config.simulatorLedger ? { ledgerFile: config.simulatorLedger } : {}),
      }),
    ...(options.nlu ? { nlu: options.nlu } : {}),
    // The real adapters unless a test brings its own; simulated people look templates' buttons
    // up through the messaging service, built just after this factory.
    channels:
      options.channels ??
      messagingAdapters({
        timeScale: config.timeScale,
        logger: log,
        templateButtons: ({ name, language }) => services.messaging.templateButtons(name, language),
        ...(config.messagingLedger ? { messagingLedger: config.messagingLedger } : {}),
      }),
    tts: options.tts ?? ttsOf(config),
  });
  return services;
}

/** The dialer, the webhook deliverer and the job runner; their stoppers go into `stoppers`. */
async function startWorkers(
  options: StartOptions,
  db: Db,
  services: Services,
  registry: WorkerRegistry,
  stoppers: Array<() => Promise<void>>,
) {
  const { config } = options;
  const { log } = services;
  const recorder = config.recordings
    ? { recorder: new TtsCallRecorder(services.recordings, services.tts) }
    : {};
  // The predictive dialer (PDS) beside the robot dialer; each leaves the other's calls alone.
  const pdsDialer = new PdsDialer({ ...services, workerId: registry.id, ...recorder });
  const dialer = new Dialer({
    ...services,
    workerId: registry.id,
    ...recorder,
    ownedElsewhere: (callId) => pdsDialer.owns(callId),
  });
  const deliverer = new WebhookDeliverer({ ...services, workerId: registry.id });
  const jobs = new JobRunner(db, registry.id, log, services.clock);
  const sender = services.messaging.createSender({
    workerId: registry.id,
    pollMs: config.pollIntervalMs,
  });
  registerJobHandlers(jobs, {
    db,
    clock: services.clock,
    plans: services.plans,
    chatbot: services.chatbot,
    messaging: services.messaging,
    workflowEngine: services.workflowEngine,
    workflowLifecycle: services.workflowLifecycle,
    agentStates: services.agentStates,
  });
  registry.addReclaimer(reclaimJobs);
  // Before the robot dialer's, which would end PDS calls without freeing their agents.
  registry.addReclaimer(pdsDialer.reclaim);
  registry.addReclaimer(dialer.reclaim);
  registry.addReclaimer(deliverer.reclaim);
  registry.addReclaimer(sender.reclaim);
  registry.onBeat(() => dialer.sweep());
  registry.onBeat(() => pdsDialer.sweep());
  registry.onBeat(() => jobs.sweep());
  await registry.start({
    aloneOnStore: db.kind === 'pglite',
    onError: (error) => log.error({ err: error }, 'worker heartbeat failed'),
  });
  stoppers.push(() => registry.stop());
  await dialer.start();
  await pdsDialer.start();
  await deliverer.start();
  await sender.start();
  await jobs.start({ capacity: 40, pollMs: config.pollIntervalMs });
  // The three drain at once (so a stop takes one grace period, not three); events of calls that
  // end meanwhile stay in the outbox for the next start. Then the heartbeat row goes.
  stoppers.unshift(async () => {
    await Promise.all([
      dialer.stop(config.shutdownGraceMs),
      pdsDialer.stop(config.shutdownGraceMs),
      jobs.stop(config.shutdownGraceMs),
      deliverer.stop(config.shutdownGraceMs),
      sender.stop(config.shutdownGraceMs),
    ]);
  });
}
