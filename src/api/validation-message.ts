/** The fields of an Ajv error this reads. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params?: Record<string, unknown>;
  message?: string;
}

/**
 * One line per problem, `querystring/status must be one of "Waiting", "Running"`. Ajv reports
 * a union of literals as one "must be equal to constant" per literal plus "must match a schema
 * in anyOf", which names no allowed value; those become one message listing the values once.
 */
export function validationMessage(errors: SchemaError[], context: string | undefined): string {
  const where = (e: SchemaError) => `${context ?? ''}${e.instancePath}`;
  const folded = new Set<SchemaError>();
  const lines: string[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branches = errors.filter(
      (e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`),
    );
    if (branches.length === 0 || !branches.every((e) => e.keyword === 'const')) continue;
    for (const branch of [error, ...branches]) folded.add(branch);
  }
  for (const error of errors) {
    let line: string;
    if (error.keyword === 'anyOf' && folded.has(error)) {
      const values = errors
        .filter((e) => e.keyword === 'const' && e.schemaPath.startsWith(`${error.schemaPath}/`))
        .map((e) => JSON.stringify(e.params?.allowedValue));
      line = `${where(error)} must be one of ${values.join(', ')}`;
    } else if (folded.has(error)) {
      continue;
    } else if (error.keyword === 'enum' && Array.isArray(error.params?.allowedValues)) {
      const values = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      line = `${where(error)} must be one of ${values.join(', ')}`;
    } else {
      line = `${where(error)} ${error.message ?? 'is not valid'}`;
    }
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.join(', ');
}
