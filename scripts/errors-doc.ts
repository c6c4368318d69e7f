// Writes docs/errors.md from the error table in src/shared/errors.ts and the registered API
// families of src/api/families/index.ts (--write), or fails when the committed copy differs from
// what they generate (--check).
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { Family } from '../src/api/families/family-definition.ts';
import { families as registered, fallbackFamily } from '../src/api/families/index.ts';
import { AppError, errorTable, type ErrorKey, type ErrorSpec } from '../src/shared/errors.ts';
import { generatedFileCli } from './generated-file.ts';

const FILE = new URL('../docs/errors.md', import.meta.url);

const HEAD = `# Errors

<!-- Generated from errorTable in src/shared/errors.ts and the API families of src/api/families/ by "node scripts/errors-doc.ts --write". Do not edit by hand. -->

Every error the API answers with comes from one table (\`src/shared/errors.ts\`). Each entry has
an HTTP status and a message; each API family (docs/api-families.md) declares the \`code\` it puts
in its envelope for it. The HTTP status is the same in every family; the body is the family's
envelope.
`;

const TAIL = `
- \`message\` is the message below, often followed by \`: \` and a detail that names the field or
  value at fault.
- \`request_id\` is also in the \`x-request-id\` response header and in the server log. Send an
  \`X-Request-Id\` header (1–64 letters, digits, \`_\` or \`-\`) to choose it yourself.
- A request that fails writes nothing: a task with one bad number is refused whole.

## Error table
`;

const REQUEST_ID = '8f1c2b0a9d4e4f6a8b7c6d5e4f3a2b1c';
const EXAMPLE = new AppError('invalid_phone', 'callees[3].callee_number "+62 12"');

/** Text in a table cell: a pipe would end the cell and `<x>` would be read as an HTML tag. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '\\<');
}

/** A family's section: where it answers, what `code` means, an error and a success, from its envelope. */
function section(family: Family<unknown>): string {
  const where = family.prefixes.map((prefix) => `\`${prefix}/...\``).join(', ');
  const error = JSON.stringify(family.wire.error(EXAMPLE, REQUEST_ID), null, 2);
  const ok = JSON.stringify(family.wire.ok({ '...': '...' }, REQUEST_ID)).replace(
    '{"...":"..."}',
    '{...}',
  );
  return [
    `**${family.title}** (${where}): ${family.errorCodeDoc}`,
    '',
    '```json',
    error,
    '```',
    '',
    `Success is \`${ok}\`, with HTTP 200.`,
    '',
  ].join('\n');
}

export async function generateErrorsDoc(
  table: Readonly<Record<string, ErrorSpec>> = errorTable,
  families: readonly Family<unknown>[] = registered as readonly Family<unknown>[],
): Promise<string> {
  const columns = families.map((family) => `${family.title} code`);
  const rows = Object.entries(table).map(([key, e]) => {
    const codes = families.map((family) => family.wire.codeOf(key as ErrorKey));
    return `| \`${key}\` | ${e.http} | ${codes.join(' | ')} | ${cell(e.message)} | ${cell(e.when)} |`;
  });
  const fallback = families.includes(fallbackFamily as Family<unknown>)
    ? `Any path outside the families answers in the ${fallbackFamily.title} envelope.\n`
    : '';
  const text = [
    HEAD,
    ...families.map(section),
    fallback,
    TAIL,
    `| Key | HTTP status | ${columns.join(' | ')} | Message | When |`,
    `| --- | ---: | ${columns.map(() => '---:').join(' | ')} | --- | --- |`,
    ...rows,
    '',
  ].join('\n');
  // Formatted as `prettier --check .` expects, so the generated file passes the lint step as is.
  const options = (await resolveConfig(fileURLToPath(FILE))) ?? {};
  return format(text, { ...options, parser: 'markdown' });
}

if (import.meta.main) await generatedFileCli(FILE, generateErrorsDoc, 'npm run docs');
