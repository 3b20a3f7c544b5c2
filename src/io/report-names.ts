// File names of the reports of a batch: derived from each trace's file name
// (`traces/startup-3.11.csv.gz` -> `startup-3.11`), made safe for any file
// system, and made unique within the batch (`run`, `run-2`, ... in input
// order, compared without case for case-insensitive disks). `index` is kept
// for the batch's index page.

import { basename } from 'node:path';
import { isTraceUrl, urlDisplayName } from '../import/trace-url.js';

const TRACE_SUFFIXES = /(\.(csv|jsonl|json|txt|trace))?(\.gz)?$/i;
const MAX_NAME = 80;

/** The report name of one trace, before de-duplication. */
export function reportBaseName(tracePath: string): string {
  if (tracePath === '-') return 'stdin';
  // A URL is named after its path: its query (a presigned signature) is no name.
  const name = basename(isTraceUrl(tracePath) ? urlDisplayName(tracePath) : tracePath)
    .replace(TRACE_SUFFIXES, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_NAME);
  return name === '' ? 'trace' : name;
}

/** One distinct name per input, in input order; none equal to a reserved name. */
export function uniqueReportNames(inputs: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved.map((r) => r.toLowerCase()));
  return inputs.map((input) => {
    const base = reportBaseName(input);
    let name = base;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
