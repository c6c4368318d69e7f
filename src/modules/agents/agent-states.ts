import { AppError } from '../../shared/errors.ts';

// The agent state machine (docs/agents.md, "States"): which action moves an agent from which
// state to which. Desktop actions come through /v1/agents/:id/...; dialer actions through the
// service (reserve, connect, release, hangup); the acw timer through the agent.acw_end job.

export const AGENT_STATES = ['offline', 'ready', 'reserved', 'talking', 'acw', 'break'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

interface Transition {
  from: readonly AgentState[];
  to: AgentState;
}

export const TRANSITIONS = {
  /** The agent logs in: ready for calls at once. */
  login: { from: ['offline'], to: 'ready' },
  /** Back from a break, or after-call work ended early by the agent. */
  ready: { from: ['break', 'acw'], to: 'ready' },
  break: { from: ['ready', 'acw'], to: 'break' },
  /** Not while a call is being connected or is up: the dialer holds the agent then. */
  logout: { from: ['ready', 'break', 'acw'], to: 'offline' },
  /** The dialer picked this agent for a call it is connecting. */
  reserve: { from: ['ready'], to: 'reserved' },
  /** The call was not connected after all (no answer, a machine, an abandon): ready again. */
  release: { from: ['reserved'], to: 'ready' },
  /** The callee is bridged to the agent. */
  connect: { from: ['reserved'], to: 'talking' },
  /** The call ended: after-call work (or ready at once when the acw time is 0). */
  hangup: { from: ['talking'], to: 'acw' },
  /** The acw time is up (the agent.acw_end job). */
  acw_timer: { from: ['acw'], to: 'ready' },
  /** The agent's disposition, saying it is done wrapping up. */
  disposition: { from: ['acw'], to: 'ready' },
} as const satisfies Record<string, Transition>;

export type AgentAction = keyof typeof TRANSITIONS;

/** Where `action` takes an agent in `state`; agent_state_conflict (409) if it may not. */
export function nextState(agentName: string, state: AgentState, action: AgentAction): AgentState {
  const transition: Transition = TRANSITIONS[action];
  if (!transition.from.includes(state))
    throw stateConflict(agentName, state, action, transition.from);
  return transition.to;
}

/** agent_state_conflict (409), naming the agent's state, what `action` needs and what it could do. */
export function stateConflict(
  agentName: string,
  state: AgentState,
  action: string,
  needs: readonly AgentState[],
): AppError {
  return new AppError(
    'agent_state_conflict',
    `agent "${agentName}" is ${state}; ${action} needs ${needs.join(' or ')}` +
      ` (allowed now: ${allowedFrom(state).join(', ') || 'nothing'})`,
  );
}

/** The actions an agent in `state` can take. */
export function allowedFrom(state: AgentState): AgentAction[] {
  return (Object.keys(TRANSITIONS) as AgentAction[]).filter((action) =>
    (TRANSITIONS[action].from as readonly AgentState[]).includes(state),
  );
}
