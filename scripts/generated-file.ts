import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The command line of a file generated from the code and committed: `--write` regenerates it,
 * `--check` (CI) exits 1 when the committed copy has drifted from what the code generates.
 */
export async function generatedFileCli(
  file: URL,
  generate: () => Promise<string>,
  howToFix: string,
) {
  const mode = process.argv[2];
  const name = fileURLToPath(file).replace(`${process.cwd()}/`, '');
  const generated = await generate();
  if (mode === '--write') {
    writeFileSync(file, generated);
    console.log(`${name} written`);
  } else if (mode === '--check') {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      // a missing file counts as drift
    }
    if (committed !== generated) {
      console.error(`${name} is out of date with the code: run "${howToFix}" and commit it`);
      process.exit(1);
    }
    console.log(`${name} matches the code`);
  } else {
    console.error(`usage: ${process.argv[1]} --write | --check`);
    process.exit(2);
  }
}
