import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The GS1 EPCIS 2.0 JSON schema (schema/README.md says where it comes from), compiled once with ajv
 * (draft-07, as the schema declares) and the `uri` and `date-time` formats it uses. For tests: ajv is a
 * development dependency, and the service does not validate what it builds at run time.
 */
const schema = JSON.parse(readFileSync(new URL('./schema/epcis-json-schema.json', import.meta.url), 'utf8')) as object;
// strict off: the standard's schema is taken as published, and strict mode lints schema authoring
// (e.g. `required` beside no `properties`), which is not ours to change. Formats stay enforced.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** One schema error in words: where in the document, what rule, and the value found. */
function describe(error: ErrorObject, document: unknown): string {
  let value: unknown = document;
  for (const part of error.instancePath.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  const shown = JSON.stringify(value);
  return `${error.instancePath || '(document)'} ${error.message ?? error.keyword} (schema ${error.schemaPath}; ${JSON.stringify(error.params)}) — found ${shown === undefined ? 'nothing' : shown.slice(0, 120)}`;
}

/** Validates a document against the EPCIS 2.0 JSON schema: the errors in words, none when valid. */
export function checkEpcisSchema(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => describe(error, document));
}
