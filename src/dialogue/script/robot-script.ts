import { Type, type Static } from 'typebox';

// The robot definition: a graph of nodes the engine walks, one robot turn per node. JSON (or
// YAML through `tiller robot import`), validated by this schema and then by checkRobot's graph
// rules. docs/robots.md describes it with a complete example.

const Text = Type.String({ minLength: 1, maxLength: 1000 });
const NodeId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });
const Phrases = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 100,
});
const Intents = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }), Phrases);
const Labels = Type.Record(
  Type.String({ minLength: 1, maxLength: 64 }),
  Type.String({ maxLength: 200 }),
);
const Letter = Type.String({ pattern: '^[A-F]$' });

export const Label = Type.Object(
  {
    intention: Letter,
    description: Type.String({ minLength: 1, maxLength: 200 }),
    labels: Type.Optional(Labels),
  },
  { additionalProperties: false },
);

export const SlotTypeSchema = Type.Union([
  Type.Literal('date'),
  Type.Literal('amount'),
  Type.Literal('yes_no'),
  Type.Literal('digits'),
  Type.Literal('free_text'),
]);

/** Says a line and moves on without waiting for an answer. */
const SayNode = Type.Object(
  { type: Type.Literal('say'), say: Text, next: NodeId },
  { additionalProperties: false },
);

/** One choice of an ask node: the intent it picks and the title the chat shows. */
const Choice = Type.Object(
  {
    intent: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    title: Type.String({ minLength: 1, maxLength: 24 }),
  },
  { additionalProperties: false },
);

/** Says a line, classifies the answer among its intents, branches on the intent. */
const AskNode = Type.Object(
  {
    type: Type.Literal('ask'),
    say: Text,
    intents: Intents,
    /** Intent name -> next node; `no_match` (optional) takes unmatched answers after the re-asks. */
    next: Type.Record(Type.String(), NodeId),
    /** Labels added to multi_label when an intent is chosen. */
    labels: Type.Optional(Type.Record(Type.String(), Labels)),
    /**
     * Chat only: the buttons or list rows offered with the question, in the order shown
     * (WhatsApp: at most 3 reply buttons of 20 characters, or 10 list rows of 24). An array, not
     * an intent -> title object: robots are stored as jsonb, which reorders an object's keys. A
     * message that equals a title or an intent name picks that intent without the NLU. Voice
     * ignores it.
     */
    choices: Type.Optional(Type.Array(Choice, { minItems: 1, maxItems: 10 })),
  },
  { additionalProperties: false },
);

/** Says a line and extracts a slot; intents (a refusal, say) are checked first. */
const CollectNode = Type.Object(
  {
    type: Type.Literal('collect'),
    say: Text,
    slot: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    slot_type: SlotTypeSchema,
    next: NodeId,
    intents: Type.Optional(Intents),
    on_intent: Type.Optional(Type.Record(Type.String(), NodeId)),
    /** The slot is a promise-to-pay date: it also fills asr_ptp. */
    ptp: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Info check: asks, extracts, compares with an expected value from the callee's fields. */
const VerifyNode = Type.Object(
  {
    type: Type.Literal('verify'),
    say: Text,
    question: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 32 }),
        content: Type.String({ minLength: 1, maxLength: 200 }),
        type: Type.Optional(Type.String({ maxLength: 32 })),
      },
      { additionalProperties: false },
    ),
    slot_type: SlotTypeSchema,
    /** A template over the callee's fields, e.g. "{callee_name}". */
    expect: Text,
    next: NodeId,
    /** Where a mismatch goes; by default the same as next. */
    next_mismatch: Type.Optional(NodeId),
  },
  { additionalProperties: false },
);

/**
 * Hands the conversation to a human: says its line, asks the driver to transfer to `queue`
 * (default `agents`) and waits for an agent. An agent's release without a takeover (nobody took
 * it) continues at `next`.
 */
const HandoffNode = Type.Object(
  {
    type: Type.Literal('handoff'),
    say: Text,
    queue: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' })),
    next: NodeId,
  },
  { additionalProperties: false },
);

/** Says the closing line and ends the call with its label. */
const EndNode = Type.Object(
  {
    type: Type.Literal('end'),
    say: Text,
    /**
     * Said instead of `say` when the app does not put verbal opt-outs on its DNC list
     * (`auto_dnc_on_optout` off): required on an end node labelled `Opt_Out`, whose `say` may
     * promise "we will not call you again" only because the number is then listed.
     */
    say_when_not_listed: Type.Optional(Text),
    ...Label.properties,
  },
  { additionalProperties: false },
);

export const RobotNode = Type.Union([
  SayNode,
  AskNode,
  CollectNode,
  VerifyNode,
  HandoffNode,
  EndNode,
]);

/** How the robot handles silence or answers it cannot place: re-ask, then give up. */
const Recovery = Type.Object(
  {
    reprompts: Type.Array(Text, { minItems: 1, maxItems: 5 }),
    give_up: Text,
  },
  { additionalProperties: false },
);

/** How a custom variable is spoken: as it is, as money (with `currency_unit`), a date, a time. */
export const VariableTypeSchema = Type.Union([
  Type.Literal('text'),
  Type.Literal('amount'),
  Type.Literal('date'),
  Type.Literal('time'),
]);

export const RobotDefinition = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    business_line: Type.Union([
      Type.Literal('collection'),
      Type.Literal('telemarketing'),
      Type.Literal('info_check'),
    ]),
    language: Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }),
    start: NodeId,
    /**
     * Custom variables the robot expects from callees (`extra` items or `extend.variables`),
     * name -> type. The callee fields of the task API and the robot's slots need no declaring.
     */
    variables: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }), VariableTypeSchema, {
        maxProperties: 100,
      }),
    ),
    /** Robot turns before the robot gives up (default 12). */
    max_rounds: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    no_input: Recovery,
    no_match: Recovery,
    /**
     * A request for a person ("agent please", "转人工") at any question goes to this handoff
     * node: the phrases are matched by the NLU like an intent of the question.
     */
    handoff: Type.Optional(
      Type.Object({ phrases: Phrases, node: NodeId }, { additionalProperties: false }),
    ),
    /** Greeting phrases of answering machines, in this language. */
    voicemail_phrases: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 50,
    }),
    /** Labels of the ways a call can end outside an end node. */
    outcomes: Type.Object(
      {
        hung_up: Label,
        no_input: Label,
        no_match: Label,
        voicemail: Label,
        max_rounds: Label,
        no_answer: Label,
        busy: Label,
        invalid: Label,
        interrupted: Label,
      },
      { additionalProperties: false },
    ),
    /** What each intention letter means for this robot (docs and the console show it). */
    intentions: Type.Record(Letter, Type.String({ minLength: 1, maxLength: 200 })),
    nodes: Type.Record(NodeId, RobotNode),
  },
  { additionalProperties: false },
);

export type RobotDefinition = Static<typeof RobotDefinition>;
export type RobotNode = Static<typeof RobotNode>;
export type RobotLabel = Static<typeof Label>;
export type OutcomeName = keyof RobotDefinition['outcomes'];
