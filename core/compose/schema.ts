import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

let validator: ValidateFunction | undefined;

/** The Compose Specification's JSON schema, as dclint bundles it; compiled once. */
function composeValidator(): ValidateFunction {
  if (validator) return validator;
  // dclint's `exports` hide the schema; its package.json is exported and sits beside it.
  const packageJson = createRequire(import.meta.url).resolve('dclint/package.json');
  const text = readFileSync(join(dirname(packageJson), 'schemas', 'compose.schema.json'), 'utf8');
  // It names draft-07 by an https URL ajv has no meta-schema for; draft-07 is ajv's own default.
  const { $schema: _draft, ...schema } = JSON.parse(text) as Record<string, unknown>;
  validator = new Ajv({ strict: false, allErrors: true, verbose: true }).compile(schema);
  return validator;
}

/** Every way `data` breaks the schema, as ajv reports them (empty when it is valid). */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = composeValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
