// Writes docs/errors.md from the error table in src/shared/errors.ts (--write), or fails when the
// committed copy differs from what the table generates (--check).
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { errorTable, type ErrorSpec } from '../src/shared/errors.ts';
import { generatedFileCli } from './generated-file.ts';

const FILE = new URL('../docs/errors.md', import.meta.url);

const INTRO = `# Errors

<!-- Generated from errorTable in src/shared/errors.ts by "node scripts/errors-doc.ts --write". Do not edit by hand. -->

Every error the API answers with comes from one table (\`src/shared/errors.ts\`). Each entry has
an HTTP status, a code for each API family and a message. The HTTP status is the same in every
family; the body is the family's envelope.

**Cloud** (\`/service/cloud/...\`) and **Tiller** (\`/v1/...\`), and any path outside the families:
\`code\` is the cloud code, which mirrors the HTTP status, and \`status\` is the HTTP reason phrase.

\`\`\`json
{
  "code": 400,
  "status": "Bad Request",
  "message": "Incorrect phone number: callees[3].callee_number \\"+62 12\\"",
  "request_id": "8f1c2b0a9d4e4f6a8b7c6d5e4f3a2b1c",
  "data": null
}
\`\`\`

**PDS** (\`/service/callcenter/call/predict/...\`): \`code\` is the platform code AIRudder's PDS
clients know. \`-1\` means no platform code is known for that error; rely on the HTTP status.

\`\`\`json
{
  "code": 10812,
  "message": "Invalid authorization token",
  "request_id": "8f1c2b0a9d4e4f6a8b7c6d5e4f3a2b1c",
  "body": null
}
\`\`\`

For comparison, success is \`{"code": 200, "status": "OK", "data": {...}}\` in the cloud and Tiller
families and \`{"code": 0, "message": "successfully", "body": {...}}\` in the PDS family, always
with HTTP 200.

- \`message\` is the message below, often followed by \`: \` and a detail that names the field or
  value at fault.
- \`request_id\` is also in the \`x-request-id\` response header and in the server log. Send an
  \`X-Request-Id\` header (1–64 letters, digits, \`_\` or \`-\`) to choose it yourself.
- A request that fails writes nothing: a task with one bad number is refused whole.

## Error table
`;

/** Text in a table cell: a pipe would end the cell and `<x>` would be read as an HTML tag. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('<', '\\<');
}

export async function generateErrorsDoc(
  table: Readonly<Record<string, ErrorSpec>> = errorTable,
): Promise<string> {
  const rows = Object.entries(table).map(
    ([key, e]) =>
      `| \`${key}\` | ${e.http} | ${e.cloud} | ${e.pds} | ${cell(e.message)} | ${cell(e.when)} |`,
  );
  const text = [
    INTRO,
    '| Key | HTTP status | Cloud code | PDS code | Message | When |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  // Formatted as `prettier --check .` expects, so the generated file passes the lint step as is.
  const options = (await resolveConfig(fileURLToPath(FILE))) ?? {};
  return format(text, { ...options, parser: 'markdown' });
}

if (import.meta.main) await generatedFileCli(FILE, generateErrorsDoc, 'npm run docs');
