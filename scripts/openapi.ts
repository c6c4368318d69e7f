// Writes docs/openapi.json from the route schemas (--write), or fails when the committed copy
// differs from what the code generates (--check, run by CI).
import { buildApp } from '../src/api/app.ts';
import { SimulatedCallControl } from '../src/channels/telephony/simulated/simulated-call-control.ts';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { createServices } from '../src/modules/services.ts';
import { systemClock } from '../src/shared/clock.ts';
import { createLogger } from '../src/shared/logger.ts';
import { createMetrics } from '../src/shared/metrics.ts';
import type { Db } from '../src/store/db.ts';
import { generatedFileCli } from './generated-file.ts';

const FILE = new URL('../docs/openapi.json', import.meta.url);

/** The document needs the routes, not a store: nothing here runs a query. */
const noDb = new Proxy({} as Db, {
  get: () => () => Promise.reject(new Error('no store while generating the OpenAPI document')),
});

export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({}, { demo: false });
  const services = createServices({
    config,
    db: noDb,
    log: createLogger({ level: 'silent', logPii: false }),
    clock: systemClock,
    metrics: createMetrics(),
    callControl: new SimulatedCallControl({ timeScale: 1 }),
    tts: new ToneTts(),
  });
  const app = await buildApp(services);
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return text;
}

if (import.meta.main) await generatedFileCli(FILE, generateOpenApi, 'npm run docs');
