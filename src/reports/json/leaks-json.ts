// `memreplay leaks --json` (docs/json-output.md): the leak result itself.

import type { LeaksResult } from '../../analyzers/leaks.js';
import { documentText } from './document-text.js';

export const LEAKS_SCHEMA = 'memreplay.leaks/1';

export function formatLeaksJson(result: LeaksResult): string {
  return documentText({ schema: LEAKS_SCHEMA, ...result });
}
