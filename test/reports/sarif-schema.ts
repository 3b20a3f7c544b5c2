// The official SARIF 2.1.0 schema (test/fixtures/sarif), compiled once for the SARIF tests.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

export function sarifValidator(): ValidateFunction {
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(schema: object): ValidateFunction };
  const addFormats = require('ajv-formats') as (ajv: unknown) => void;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]`, legal only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  return ajv.compile(schema);
}
