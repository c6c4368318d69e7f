import type { RobotDefinition } from '../../../dialogue/script/robot-script.ts';

// The robot that opens a PDS task's answered calls when createtask names no templateName
// (docs/pds-api.md, "The opening robot"): it greets in the company's name, checks it speaks
// with the right person, and hands a confirmed right party to an agent (the `handoff` node:
// the PDS dialer bridges the call to the agent it reserved). Anyone else gets a polite end.
// Each app gets its own copy on first use, named DEFAULT_OPENING_ROBOT, which it may edit.

export const DEFAULT_OPENING_ROBOT = 'PDS_Default_Opening';

const DNC_PHRASES = ['do not call me', "don't call me", 'stop calling', 'remove my number'];

/** A company name that a robot line can hold: the template syntax's brackets are dropped. */
export function companyForScript(name: string): string {
  const cleaned = name
    .replace(/[[\]{}|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.slice(0, 80) || 'our company';
}

export function defaultOpeningRobot(company: string): RobotDefinition {
  const from = companyForScript(company);
  return {
    name: DEFAULT_OPENING_ROBOT,
    business_line: 'collection',
    language: 'en',
    start: 'right_party',
    max_rounds: 6,
    no_input: {
      reprompts: ['Hello?'],
      give_up: 'Sorry, we cannot hear you. We will call you again later. Goodbye.',
    },
    no_match: {
      reprompts: ['Sorry, could you say that again?'],
      give_up: 'Sorry, we could not understand you. We will call you again later. Goodbye.',
    },
    voicemail_phrases: ['leave a message', 'after the tone', 'is not available', 'voicemail'],
    intentions: {
      A: 'Right party, handed to an agent',
      C: 'Right party, no agent took the call',
      D: 'Wrong person, or asked not to be called',
      E: 'No voice, hung up, or could not be understood',
      F: 'Not connected: no answer, busy, invalid number, voicemail',
    },
    outcomes: {
      hung_up: { intention: 'E', description: 'Hung up during the opening' },
      no_input: { intention: 'E', description: 'No voice' },
      no_match: { intention: 'E', description: 'Could not be understood' },
      voicemail: { intention: 'F', description: 'Voicemail', labels: { Voicemail: 'voicemail' } },
      max_rounds: { intention: 'E', description: 'Opening too long' },
      no_answer: { intention: 'F', description: 'No answer' },
      busy: { intention: 'F', description: 'Busy' },
      invalid: { intention: 'F', description: 'Invalid number' },
      interrupted: { intention: 'F', description: 'Call interrupted by the system' },
    },
    nodes: {
      right_party: {
        type: 'ask',
        say: `Hello, this is ${from}. Am I speaking with {callee_name|the account holder}?`,
        intents: {
          yes: ['yes', 'speaking', "that's me", 'it is me', 'correct', 'that is right'],
          no: ['no', 'not right', 'incorrect'],
          wrong_person: ['wrong number', 'not me', 'wrong person', "don't know", 'do not know'],
          dnc: DNC_PHRASES,
        },
        next: {
          yes: 'to_agent',
          no: 'end_wrong_person',
          wrong_person: 'end_wrong_person',
          dnc: 'end_dnc',
        },
        labels: {
          yes: { Right_Party: 'right_party' },
          no: { Wrong_Person: 'wrong_person' },
          wrong_person: { Wrong_Person: 'wrong_person' },
        },
      },
      to_agent: {
        type: 'handoff',
        say: 'Thank you. Please hold while I connect you to one of our agents.',
        queue: 'agents',
        next: 'end_no_agent',
      },
      end_no_agent: {
        type: 'end',
        say: 'All our agents are busy right now. We will call you back soon. Goodbye.',
        intention: 'C',
        description: 'No agent took the call',
      },
      end_wrong_person: {
        type: 'end',
        say: 'Sorry for the trouble. Have a good day. Goodbye.',
        intention: 'D',
        description: 'Wrong person',
      },
      end_dnc: {
        type: 'end',
        say: 'Understood, we will not call you again. Goodbye.',
        say_when_not_listed: 'Understood, I have noted your request. Goodbye.',
        intention: 'D',
        description: 'Asked not to be called',
        labels: { Opt_Out: 'opt_out' },
      },
    },
  };
}
