import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenFrom } from '../../src/api/family.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ScaledClock } from '../../src/shared/clock.ts';
import { toE164 } from '../../src/shared/phone.ts';
import { formatDateTime, formatOffset, parseDateTime } from '../../src/shared/time.ts';

describe('time formats', () => {
  it('reads and writes YYYY-MM-DD HH:MM:SS as wall time in the app zone', () => {
    const instant = parseDateTime('2024-03-11 15:58:26', 'Asia/Jakarta');
    assert.equal(instant?.toISOString(), '2024-03-11T08:58:26.000Z');
    assert.equal(formatDateTime(instant!, 'Asia/Jakarta'), '2024-03-11 15:58:26');
    assert.equal(formatDateTime(instant!, 'UTC'), '2024-03-11 08:58:26');
  });

  it('honours an explicit offset, as a real client sends it', () => {
    assert.equal(
      parseDateTime('2024-03-11 15:58:26+08:00', 'UTC')?.toISOString(),
      '2024-03-11T07:58:26.000Z',
    );
  });

  it('resolves wall times across a DST change', () => {
    // New York: 2024-03-10 02:00 jumps to 03:00; 01:30 is EST (-5), 03:30 is EDT (-4).
    assert.equal(
      parseDateTime('2024-03-10 01:30:00', 'America/New_York')?.toISOString(),
      '2024-03-10T06:30:00.000Z',
    );
    assert.equal(
      parseDateTime('2024-03-10 03:30:00', 'America/New_York')?.toISOString(),
      '2024-03-10T07:30:00.000Z',
    );
  });

  it('rejects what is not a real date and time', () => {
    for (const bad of [
      '2024-02-30 10:00:00',
      '2024-03-11T15:58:26',
      '2024-03-11 24:00:00',
      'tomorrow',
      '',
    ]) {
      assert.equal(parseDateTime(bad, 'UTC'), undefined, bad);
    }
  });

  it('formats offsets inside a call as HH:MM:SS', () => {
    assert.equal(formatOffset(0), '00:00:00');
    assert.equal(formatOffset(3725), '01:02:05');
  });
});

describe('phone numbers', () => {
  it('normalises international numbers to E.164', () => {
    assert.equal(toE164('+62 812-3456-7890'), '+6281234567890');
    assert.equal(toE164('+8613711112222'), '+8613711112222');
  });

  it('refuses numbers without a country code or of impossible length', () => {
    for (const bad of ['081234567890', '+12', '+6281234567890123456', 'call me', '']) {
      assert.equal(toE164(bad), undefined, bad);
    }
  });
});

describe('Authorization header', () => {
  it('accepts Token, Bearer and Token without a space', () => {
    assert.equal(tokenFrom('Token abc+/='), 'abc+/=');
    assert.equal(tokenFrom('Bearer abc'), 'abc');
    assert.equal(tokenFrom('Tokenabc'), 'abc');
    assert.equal(tokenFrom('token  abc '), 'abc');
  });

  it('finds no token in other schemes or an empty header', () => {
    for (const bad of [undefined, '', 'Basic dXNlcjpwYXNz', 'Token', 'abc']) {
      assert.equal(tokenFrom(bad), undefined, String(bad));
    }
  });
});

describe('configuration', () => {
  it('has visible defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, './data');
    assert.equal(config.timeScale, 1);
    assert.equal(config.webhookTimeoutMs, 10_000);
    assert.equal(config.webhookRetryDelayMs, 60_000);
    assert.equal(config.webhookMaxRetries, 5);
    assert.equal(config.tokenTtlSeconds, 86_400);
    assert.ok(Object.isFrozen(config));
  });

  it('names the variable and the rule when a value is wrong', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
    );
    assert.throws(() => loadConfig({ TILLER_TIME_SCALE: '0' }), /TILLER_TIME_SCALE/);
    assert.throws(
      () => loadConfig({ TILLER_DEFAULT_TIMEZONE: 'Mars/Base' }),
      /TILLER_DEFAULT_TIMEZONE/,
    );
    assert.throws(() => loadConfig({ TILLER_DB_SCHEMA: 'Robert"); DROP' }), /TILLER_DB_SCHEMA/);
    assert.throws(() => loadConfig({ TILLER_LOG_PII: 'maybe' }), /TILLER_LOG_PII/);
    assert.throws(() => loadConfig({ TILLER_LOG_LEVEL: 'loud' }), /TILLER_LOG_LEVEL/);
    assert.throws(() => loadConfig({ TILLER_CALLER_NUMBER: '0215000' }), /TILLER_CALLER_NUMBER/);
    assert.throws(() => loadConfig({ TILLER_PUBLIC_URL: 'ftp://x' }), /TILLER_PUBLIC_URL/);
    // A simulation starts at one instant everywhere: a wall time without offset is refused.
    assert.throws(
      () => loadConfig({ TILLER_SIMULATED_START: '2026-11-23T00:00:00' }),
      /TILLER_SIMULATED_START/,
    );
    assert.throws(() => loadConfig({ TILLER_SIMULATED_START: 'monday' }), /TILLER_SIMULATED_START/);
  });

  it('reads the start of a simulated clock, or leaves the system clock', () => {
    assert.equal(loadConfig({}).simulatedStart, null);
    const config = loadConfig({ TILLER_SIMULATED_START: '2026-11-23T08:00:00+07:00' });
    assert.equal(config.simulatedStart?.toISOString(), '2026-11-23T01:00:00.000Z');
  });
});

describe('scaled clock', () => {
  it('starts at its instant and runs `scale` times faster than the system clock', () => {
    const start = new Date('2026-11-23T00:00:00Z');
    // Started (in real time) 50 ms ago at 1000x: at least 50 simulated seconds have passed.
    const clock = new ScaledClock(start, 1000, Date.now() - 50);
    const first = clock.now().getTime() - start.getTime();
    assert.ok(first >= 50_000, `${first} ms simulated`);
    const later = new ScaledClock(start, 1000, Date.now() - 50_000).now().getTime();
    assert.ok(later - start.getTime() >= 50_000_000);
    // A clock never runs backwards.
    assert.ok(clock.now().getTime() >= first + start.getTime());
  });
});
