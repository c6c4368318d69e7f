// A plan's dry run: how many contacts each round will take in and dial, and how many each rule
// leaves out. Round 1 is exact (it reads the DNC list, the active tasks, the windows and the caps
// as they stand). Later rounds depend on how calls end: with the simulated carrier, whose people
// are known in advance, the forecast plays every attempt through the same robot, NLU and redial
// rules the dialer uses; with a real carrier it stops after round 1. docs/plans.md says what the
// forecast assumes.
import type { DialForecaster } from '../../channels/telephony/forecast.ts';
import { runConversation } from '../../dialogue/engine.ts';
import type { Nlu } from '../../dialogue/nlu/nlu.ts';
import type { RobotDefinition } from '../../dialogue/script/robot-script.ts';
import { calleeVars } from '../../dialogue/template.ts';
import { resolveZone } from '../../shared/callee-zone.ts';
import type { Queryable } from '../../store/db.ts';
import { evaluateWindowAcross } from '../compliance/calling-window.ts';
import { countAttemptsMany, DEFAULT_CAPS, parseCaps, WEEK_MS } from '../compliance/caps.ts';
import { resolveRules } from '../compliance/window-rules.ts';
import { listedAmong } from '../dnc/dnc.service.ts';
import { outcomeOfTalk } from '../dialer/dialer.ts';
import { openNumbers, type NewCallee } from '../tasks/task-access.ts';
import type { Round } from './plans.schema.ts';
import { selectForRound } from './redial-rule.ts';

export interface Skipped {
  /** Round 1 only: already waiting or dialling in another active task of the app. */
  active_elsewhere: number;
  /** On the app's do-not-call list (including opt-outs the forecast expects earlier rounds to add). */
  dnc: number;
  /** No calling window of the contact opens between the plan's start and end. */
  no_window: number;
  /** The contact caps' rolling 7-day budget is spent before this round (plans of 7 days or less). */
  caps: number;
}

export interface RoundForecast {
  round: number;
  /** Numbers the round's task will hold; null when it depends on real calls. */
  contacts: number | null;
  /** Numbers dialled at least once in the round. */
  dialled: number | null;
  attempts: number | null;
  skipped: Skipped | null;
  /** How the round ends for each number it holds: its last attempt's outcome, or not_reached. */
  outcomes: Record<string, number> | null;
}

export interface PlanForecast {
  forecast: 'simulated' | 'first_round_only';
  requested: number;
  rounds: RoundForecast[];
}

export interface ForecastInput {
  appId: number;
  app: {
    timezone: string;
    calling_windows: unknown;
    contact_caps: unknown;
    auto_dnc_on_optout: boolean;
  };
  rounds: readonly Round[];
  /** The robot of each round, in order. */
  robots: readonly RobotDefinition[];
  callees: readonly NewCallee[];
  start: Date;
  end: Date;
}

interface Contact {
  callee: NewCallee;
  zone: ReturnType<typeof resolveZone>;
}

interface Result {
  contact: Contact;
  outcome: string;
  intention: string;
}

export async function forecastPlan(
  q: Queryable,
  deps: { forecaster?: DialForecaster | undefined; nlu: Nlu },
  input: ForecastInput,
): Promise<PlanForecast> {
  const { forecaster, nlu } = deps;
  const preview = forecaster?.preview.bind(forecaster);
  const open = await openNumbers(q, input.appId, [...input.callees]);
  const firstRound = input.callees.filter((c) => !open.has(`${c.case_id}\u0000${c.callee_number}`));
  const dnc = await listedAmong(
    q,
    input.appId,
    firstRound.map((c) => c.callee_number),
  );
  const contacts = firstRound.map((callee) => ({
    callee,
    zone: resolveZone(callee.callee_number, callee.data.timezone, input.app.timezone),
  }));
  const budget = await capBudgets(q, input, contacts);
  // Dials the forecast has made to each number (the late answerer counts them, as the carrier does).
  const dials = new Map<string, number>();

  const rounds: RoundForecast[] = [];
  let entering: Contact[] = contacts;
  for (const [i, round] of input.rounds.entries()) {
    const skipped: Skipped = {
      active_elsewhere: i === 0 ? input.callees.length - firstRound.length : 0,
      dnc: 0,
      no_window: 0,
      caps: 0,
    };
    if (i > 0 && !preview) {
      rounds.push({
        round: i + 1,
        contacts: null,
        dialled: null,
        attempts: null,
        skipped: null,
        outcomes: null,
      });
      continue;
    }
    const results: Result[] = [];
    let dialled = 0;
    let attempts = 0;
    for (const [k, contact] of entering.entries()) {
      // A 100,000-number forecast plays many conversations: let other requests in meanwhile.
      if (k % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      const { callee } = contact;
      const notReached = { contact, outcome: 'not_reached', intention: '' };
      if (dnc.has(callee.callee_number)) {
        skipped.dnc += 1;
        results.push(notReached);
        continue;
      }
      if (!windowOpens(input, round, contact)) {
        skipped.no_window += 1;
        results.push(notReached);
        continue;
      }
      if (!budget.allows(callee)) {
        skipped.caps += 1;
        results.push(notReached);
        continue;
      }
      dialled += 1;
      if (!preview) {
        // A real carrier: round 1's attempts cannot be known.
        budget.spend(callee);
        continue;
      }
      let last: Result & { optedOut?: boolean } = notReached;
      for (let attempt = 1; attempt <= 1 + (round.redial_times ?? 0); attempt += 1) {
        if (attempt > 1 && !budget.allows(callee)) break;
        budget.spend(callee);
        attempts += 1;
        const before = dials.get(callee.callee_number) ?? 0;
        last = await playAttempt(preview, nlu, input, i, contact, before);
        dials.set(callee.callee_number, before + 1);
        if (last.optedOut && input.app.auto_dnc_on_optout) dnc.add(callee.callee_number);
        // The finalizer's rule: answered or hung-up calls and invalid numbers are final.
        if (['answered', 'hangup', 'invalid'].includes(last.outcome)) break;
      }
      results.push(last);
    }
    rounds.push({
      round: i + 1,
      contacts: entering.length,
      dialled,
      attempts: preview ? attempts : null,
      skipped,
      outcomes: preview ? tally(results) : null,
    });
    if (!preview) continue;
    const next = input.rounds[i + 1];
    if (!next) break;
    entering = selectForRound(next, results).map((r) => r.contact);
    // An empty round is not created: the plan finishes there.
    if (entering.length === 0) break;
  }
  return {
    forecast: preview ? 'simulated' : 'first_round_only',
    requested: input.callees.length,
    rounds,
  };
}

/** One attempt as the dialer would make it: connect, and on an answer run the robot. */
async function playAttempt(
  preview: DialForecaster['preview'],
  nlu: Nlu,
  input: ForecastInput,
  roundIndex: number,
  contact: Contact,
  dialsBefore: number,
): Promise<Result & { optedOut: boolean }> {
  const { callee } = contact;
  const robot = input.robots[roundIndex]!;
  const persona = (callee.data.extend as { simulation?: { persona?: unknown } } | undefined)
    ?.simulation?.persona;
  const connection = preview(
    callee.callee_number,
    dialsBefore,
    typeof persona === 'string' ? persona : undefined,
  );
  if (connection.outcome !== 'answered' || !connection.callee) {
    const label =
      robot.outcomes[connection.outcome === 'answered' ? 'interrupted' : connection.outcome];
    return { contact, outcome: connection.outcome, intention: label.intention, optedOut: false };
  }
  const talk = await runConversation({
    robot,
    vars: calleeVars(callee.data),
    callee: connection.callee,
    nlu,
    context: { now: input.start, timeZone: contact.zone.zone },
  });
  return {
    contact,
    outcome: outcomeOfTalk(talk),
    intention: talk.intention,
    optedOut: Boolean(talk.labels.Opt_Out),
  };
}

function windowOpens(input: ForecastInput, round: Round, contact: Contact): boolean {
  const rules = resolveRules({
    country: contact.zone.country,
    appOverride: input.app.calling_windows,
    taskOverride: round.calling_windows,
  });
  const now = evaluateWindowAcross(rules, contact.zone.zone, contact.zone.otherZones, input.start);
  return now.allowed || (now.nextOpen !== undefined && now.nextOpen < input.end);
}

/**
 * The rolling 7-day caps as a budget per number and per case: in a plan of 7 days or less an
 * attempt past the budget cannot happen before the plan ends. (Daily caps only delay attempts.)
 */
async function capBudgets(q: Queryable, input: ForecastInput, contacts: readonly Contact[]) {
  const parsed = parseCaps(input.app.contact_caps);
  const caps = parsed.ok ? parsed.value : DEFAULT_CAPS;
  const limited = input.end.getTime() - input.start.getTime() <= WEEK_MS;
  // The dialer's own counters, as they stand at the plan's start.
  const prior = await countAttemptsMany(
    q,
    input.appId,
    contacts.map(({ callee, zone }) => ({
      number: callee.callee_number,
      caseId: callee.case_id,
      zone: zone.zone,
      now: input.start,
    })),
  );
  const used = { byNumber: new Map<string, number>(), byCase: new Map<string, number>() };
  for (const [i, { callee }] of contacts.entries()) {
    used.byNumber.set(callee.callee_number, prior[i]!.number_7d);
    if (callee.case_id !== '') used.byCase.set(callee.case_id, prior[i]!.case_7d);
  }
  const within = (map: Map<string, number>, key: string, limit: number | null) =>
    !limited || limit === null || (map.get(key) ?? 0) < limit;
  return {
    allows: (c: NewCallee) =>
      within(used.byNumber, c.callee_number, caps.per_number.rolling_7_days) &&
      (c.case_id === '' || within(used.byCase, c.case_id, caps.per_case.rolling_7_days)),
    spend: (c: NewCallee) => {
      used.byNumber.set(c.callee_number, (used.byNumber.get(c.callee_number) ?? 0) + 1);
      if (c.case_id !== '') used.byCase.set(c.case_id, (used.byCase.get(c.case_id) ?? 0) + 1);
    },
  };
}

function tally(results: readonly Result[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.outcome] = (out[r.outcome] ?? 0) + 1;
  return out;
}
