import { graphError, type GraphError } from './graph-errors.ts';

// What the Cloud API refuses in a `POST /{phone-number-id}/messages` body before accepting it:
// structure (100), missing parameters (131008), values over Meta's limits (131009). Templates
// are checked against the fake's registered ones separately (template-check.ts).

type Json = Record<string, unknown>;

const TYPES = new Set([
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'template',
  'reaction',
]);
const MEDIA = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** Undefined when the send is well formed; else the error Meta answers. */
export function validateSend(body: Json): GraphError | undefined {
  try {
    check(body);
    return undefined;
  } catch (error) {
    if (error instanceof Invalid) return error.graph;
    throw error;
  }
}

/** A mark-as-read body: `{messaging_product, status:"read", message_id}`. */
export function validateRead(body: Json): GraphError | undefined {
  if (body.messaging_product !== 'whatsapp')
    return graphError(100, 'The parameter messaging_product is required.');
  if (typeof body.message_id !== 'string' || body.message_id === '')
    return graphError(131008, 'The parameter message_id is required.');
  return undefined;
}

class Invalid extends Error {
  readonly graph: GraphError;
  constructor(graph: GraphError) {
    super(graph.details);
    this.graph = graph;
  }
}

function fail(code: 100 | 131008 | 131009, details: string): never {
  throw new Invalid(graphError(code, details));
}

function check(body: Json): void {
  if (body.messaging_product !== 'whatsapp')
    fail(100, 'The parameter messaging_product is required.');
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
    fail(100, 'Param recipient_type must be one of {INDIVIDUAL}');
  if (typeof body.to !== 'string' || body.to === '') fail(131008, 'The parameter to is required.');
  if (!/^\+?\d{7,15}$/.test(body.to)) fail(100, `Param to is not a valid phone number`);
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !TYPES.has(type))
    fail(100, `Param type must be one of {${[...TYPES].join(', ').toUpperCase()}}`);
  if (body.context !== undefined) {
    const context = obj(body.context, 'context');
    str(context.message_id, 'context.message_id', 1, 256);
  }
  const value = body[type];
  if (type === 'contacts') return contacts(value);
  const o = obj(value, type);
  if (type === 'text') {
    str(o.body, 'text.body', 1, 4096);
    if (o.preview_url !== undefined && typeof o.preview_url !== 'boolean')
      fail(100, 'Param text.preview_url must be a boolean');
  } else if (MEDIA.has(type)) media(type, o);
  else if (type === 'location') {
    for (const k of ['latitude', 'longitude'] as const)
      if (typeof o[k] !== 'number' || !Number.isFinite(o[k]))
        fail(131008, `The parameter location.${k} is required.`);
  } else if (type === 'interactive') interactive(o);
  else if (type === 'template') template(o);
  else if (type === 'reaction') str(o.message_id, 'reaction.message_id', 1, 256);
}

function media(type: string, o: Json): void {
  const hasLink = o.link !== undefined;
  const hasId = o.id !== undefined;
  if (hasLink === hasId) fail(100, `Param ${type} must have either id or link, not both`);
  if (hasLink && (typeof o.link !== 'string' || !/^https?:\/\//.test(o.link)))
    fail(131009, `Param ${type}.link is not a valid URL`);
  if (o.caption !== undefined) {
    if (type === 'audio' || type === 'sticker') fail(100, `Param ${type}.caption is not allowed`);
    str(o.caption, `${type}.caption`, 0, 1024);
  }
  if (o.filename !== undefined && type !== 'document')
    fail(100, `Param ${type}.filename is not allowed`);
}

function contacts(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0)
    fail(131008, 'The parameter contacts is required.');
  for (const c of value as unknown[]) {
    const name = obj(obj(c, 'contacts[]').name, 'contacts[].name');
    str(name.formatted_name, 'contacts[].name.formatted_name', 1, 1024);
  }
}

function interactive(o: Json): void {
  const body = obj(o.body, 'interactive.body');
  str(body.text, 'interactive.body.text', 1, 1024);
  if (o.footer !== undefined)
    str(obj(o.footer, 'interactive.footer').text, 'interactive.footer.text', 1, 60);
  const action = obj(o.action, 'interactive.action');
  if (o.type === 'button') {
    const buttons = arr(action.buttons, 'interactive.action.buttons');
    if (buttons.length < 1 || buttons.length > 3)
      fail(131009, `Buttons count is ${buttons.length}. Min count: 1, Max count: 3`);
    const ids = new Set<string>();
    for (const b of buttons) {
      const button = obj(b, 'interactive.action.buttons[]');
      if (button.type !== 'reply')
        fail(100, 'Param interactive.action.buttons[].type must be reply');
      const reply = obj(button.reply, 'interactive.action.buttons[].reply');
      str(reply.title, 'button title', 1, 20);
      ids.add(str(reply.id, 'button id', 1, 256));
    }
    if (ids.size !== buttons.length) fail(131009, 'Button ids must be unique');
    return;
  }
  if (o.type !== 'list') fail(100, 'Param interactive.type must be one of {BUTTON, LIST, ...}');
  str(action.button, 'interactive.action.button', 1, 20);
  const sections = arr(action.sections, 'interactive.action.sections');
  if (sections.length < 1 || sections.length > 10)
    fail(131009, `Sections count is ${sections.length}. Min count: 1, Max count: 10`);
  const ids = new Set<string>();
  let rows = 0;
  for (const s of sections) {
    const section = obj(s, 'interactive.action.sections[]');
    if (sections.length > 1 || section.title !== undefined)
      str(section.title, 'section title', 1, 24);
    for (const r of arr(section.rows, 'interactive.action.sections[].rows')) {
      const row = obj(r, 'row');
      rows++;
      ids.add(str(row.id, 'row id', 1, 200));
      str(row.title, 'row title', 1, 24);
      if (row.description !== undefined) str(row.description, 'row description', 0, 72);
    }
  }
  if (rows < 1 || rows > 10)
    fail(131009, `Total row count is ${rows}. Min count: 1, Max count: 10`);
  if (ids.size !== rows) fail(131009, 'Row ids must be unique');
}

function template(o: Json): void {
  str(o.name, 'template.name', 1, 512);
  str(obj(o.language, 'template.language').code, 'template.language.code', 2, 15);
  if (o.components === undefined) return;
  for (const c of arr(o.components, 'template.components')) {
    const component = obj(c, 'template.components[]');
    const type = component.type;
    if (type !== 'header' && type !== 'body' && type !== 'button')
      fail(100, 'Param template.components[].type must be one of {HEADER, BODY, BUTTON}');
    const parameters = arr(component.parameters, `template ${type} parameters`);
    if (type === 'button') {
      if (component.sub_type !== 'quick_reply' && component.sub_type !== 'url')
        fail(100, 'Param template button sub_type must be one of {QUICK_REPLY, URL}');
      if (typeof component.index !== 'string' || !/^\d+$/.test(component.index))
        fail(100, 'Param template button index must be a numeric string');
      for (const p of parameters) {
        const parameter = obj(p, 'button parameter');
        if (parameter.type === 'payload') str(parameter.payload, 'button payload', 0, 256);
        else if (parameter.type !== 'text') fail(100, 'Param button parameter type is not valid');
      }
    }
    if (type === 'body')
      for (const p of parameters) {
        const parameter = obj(p, 'body parameter');
        if (parameter.type !== 'text') continue;
        const value = str(parameter.text, 'body parameter text', 0, 32768);
        if (value.trim() === '') fail(131008, 'Parameter text can not be empty.');
        if (/[\n\t]| {5}/.test(value))
          throw new Invalid(
            graphError(
              132018,
              'Param text cannot have new-line/tab characters or more than 4 consecutive spaces',
            ),
          );
      }
  }
}

function obj(value: unknown, name: string): Json {
  if (value === undefined) fail(131008, `The parameter ${name} is required.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(100, `Param ${name} must be a JSON object`);
  return value as Json;
}

function arr(value: unknown, name: string): unknown[] {
  if (value === undefined) fail(131008, `The parameter ${name} is required.`);
  if (!Array.isArray(value)) fail(100, `Param ${name} must be an array`);
  return value;
}

function str(value: unknown, name: string, min: number, max: number): string {
  if (value === undefined) fail(131008, `The parameter ${name} is required.`);
  if (typeof value !== 'string') fail(100, `Param ${name} must be a string`);
  const length = [...value].length;
  if (length < min || length > max)
    fail(131009, `Param ${name} length is ${length}. Min length: ${min}, Max length: ${max}`);
  return value;
}
