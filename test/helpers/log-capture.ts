import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real logger whose lines land, parsed, in `lines`: tests wait for a line instead of a time. */
export function capturedLog(level = 'info') {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const log = createLogger({ level, logPii: false }, stream);
  const has = (prefix: string) => lines.filter((l) => l.msg.startsWith(prefix));
  return { log, lines, has };
}
