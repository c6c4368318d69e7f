// Which calling windows apply to one callee: the task's override, else the app's, else the
// country's pack, else the default pack. Overrides are stored as jsonb (apps.calling_windows,
// tasks.calling_windows) in one of two forms:
//   [{ "days": [1,2,3,4,5], "start": "09:00", "end": "18:00" }]             every country
//   { "ID": [ …windows ], "US": [ …windows ], "*": [ …windows ] }          per country, "*" = rest
// A per-country override without the callee's country (and without "*") does not apply, so the
// next less specific rule does.
import { minutesOf, parseOverride, type WindowOverride } from '../../shared/window-override.ts';
import { DEFAULT_PACK, packFor, type CallingWindow } from './rule-packs.ts';

// The override's format and its check live in shared/, so config.ts can check the default
// override without importing a module (the dependency rules in eslint.config.js).
export { minutesOf, parseOverride, type WindowOverride } from '../../shared/window-override.ts';
export type RuleOrigin = 'task' | 'app' | 'country' | 'default';

export interface ResolvedRules {
  /** `task override`, `app override`, the pack's country code, or `DEFAULT`. */
  name: string;
  origin: RuleOrigin;
  windows: CallingWindow[];
  source: string;
  /** The windows allow local times the country's pack (or the default pack) does not. */
  widensPack: boolean;
  /** Overrides that could not be read and were skipped, with the reason. */
  ignored?: string[];
}

function windowsFor(override: WindowOverride, country: string | undefined) {
  if (Array.isArray(override)) return override;
  return (country && override[country]) || override['*'];
}

/** Whether every minute the windows allow on each weekday is allowed by `base` too. */
function within(windows: CallingWindow[], base: CallingWindow[]): boolean {
  for (let day = 1; day <= 7; day += 1) {
    const spans = base
      .filter((w) => w.days.includes(day))
      .map((w) => [minutesOf(w.start), minutesOf(w.end)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const w of windows.filter((x) => x.days.includes(day))) {
      let reached = minutesOf(w.start);
      for (const [s, e] of spans) if (s <= reached && e > reached) reached = e;
      if (reached < minutesOf(w.end)) return false;
    }
  }
  return true;
}

/** The most specific rules for a callee: task > app > country pack > default pack. */
export function resolveRules(input: {
  country?: string | undefined;
  appOverride?: unknown;
  taskOverride?: unknown;
}): ResolvedRules {
  const pack = packFor(input.country) ?? DEFAULT_PACK;
  const ignored: string[] = [];
  const levels = [
    ['task', input.taskOverride],
    ['app', input.appOverride],
  ] as const;
  for (const [origin, raw] of levels) {
    const parsed = parseOverride(raw);
    if (!parsed.ok) {
      ignored.push(`${origin} override: ${parsed.error}`);
      continue;
    }
    const windows = parsed.value && windowsFor(parsed.value, input.country);
    if (!windows) continue;
    return {
      name: `${origin} override`,
      origin,
      windows,
      source: `Set on the ${origin}, replacing the ${pack.country} pack (${pack.source})`,
      widensPack: !within(windows, pack.windows),
      ...(ignored.length ? { ignored } : {}),
    };
  }
  return {
    name: pack.country,
    origin: pack === DEFAULT_PACK ? 'default' : 'country',
    windows: pack.windows,
    source: pack.source,
    widensPack: false,
    ...(ignored.length ? { ignored } : {}),
  };
}
