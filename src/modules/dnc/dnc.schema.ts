import { Type } from 'typebox';
import { MAX_ADD_NUMBERS, MAX_REASON_LENGTH } from './dnc.service.ts';

// Request and response shapes of the do-not-call endpoints (`data` only: the family adds the
// envelope). Numbers are checked by the service (libphonenumber-js), not by a pattern here, so
// every bad number gets the same `invalid_phone` answer whichever route it came through.

const PhoneText = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'International number starting with + (spaces, dashes and brackets allowed)',
});
const Reason = Type.String({
  maxLength: MAX_REASON_LENGTH,
  description: 'Why the number is listed (free text, kept for audit)',
});

export const DncSource = Type.Union(
  [
    Type.Literal('api'),
    Type.Literal('cli'),
    Type.Literal('import'),
    Type.Literal('verbal'),
    Type.Literal('whatsapp_button'),
    Type.Literal('stop_keyword'),
  ],
  {
    description:
      'How the number was listed; "verbal": the callee asked during a call; "whatsapp_button", "stop_keyword": the person opted out of a message',
  },
);

export const DncEntry = Type.Object({
  number: Type.String({ description: 'E.164' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  source: DncSource,
  create_time: Type.String({
    description: 'When it was listed, YYYY-MM-DD HH:MM:SS in the app zone',
  }),
});

export const ListDncQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
  prefix: Type.Optional(
    Type.String({
      maxLength: 32,
      description: 'Only numbers starting with these digits ("+62", "62812")',
    }),
  ),
});

export const DncList = Type.Object({
  total: Type.Integer({ description: 'Numbers matching the query' }),
  page: Type.Integer(),
  page_size: Type.Integer(),
  list: Type.Array(DncEntry, { description: 'In number order' }),
});

export const AddDnc = Type.Object(
  {
    numbers: Type.Array(PhoneText, { minItems: 1, maxItems: MAX_ADD_NUMBERS }),
    reason: Type.Optional(Type.Union([Reason, Type.Null()])),
  },
  { additionalProperties: false },
);

export const AddDncResult = Type.Object({
  added: Type.Array(Type.String(), { description: 'Numbers newly listed (E.164)' }),
  already_listed: Type.Array(Type.String(), {
    description: 'Numbers listed before; their first reason and source are kept',
  }),
});

export const DncNumberParams = Type.Object({
  number: Type.String({
    minLength: 1,
    maxLength: 60,
    description: 'The number, URL-encoded: %2B for the leading +',
  }),
});

export const RemoveDncResult = Type.Object({ removed: Type.Boolean() });

export const ImportDnc = Type.Object(
  {
    csv: Type.String({
      description:
        'One number per line, optionally ",reason"; a header line, blank lines and # comments are ignored',
    }),
  },
  { additionalProperties: false },
);

export const ImportDncResult = Type.Object({
  numbers: Type.Integer({ description: 'Distinct numbers in the file' }),
  added: Type.Integer({ description: 'Numbers newly listed' }),
  already_listed: Type.Integer({ description: 'Numbers that were listed before' }),
});

export const DncSettings = Type.Object(
  {
    auto_dnc_on_optout: Type.Boolean({
      description:
        'List a number automatically when the callee says not to call again (robot intent "dnc"). On by default; when off, the robot does not promise it (its say_when_not_listed line)',
    }),
  },
  { additionalProperties: false },
);
