// What `check` prints of its report, and `fleet report` prints of a merged
// one the same way: the text or --json document on stdout and, under GitHub
// Actions, the annotations and the job summary.

import { appendFileSync } from 'node:fs';
import type { CheckReport } from '../src/check/run-check.js';
import { formatCheckText } from '../src/reports/check-text.js';
import { githubAnnotations, githubSummary } from '../src/reports/github.js';
import { formatCheckJson } from '../src/reports/json/check-json.js';
import { stdoutWidth } from './output-width.js';
import { writeStdout } from './run-command.js';

export function printCheckReport(report: CheckReport, options: { readonly json: boolean; readonly sourceRoot: string }): void {
  if (options.json) writeStdout(formatCheckJson(report));
  else writeStdout(formatCheckText(report, { width: stdoutWidth() }));
  if (process.env['GITHUB_ACTIONS'] === 'true') {
    // Workflow commands are read from stdout and stderr alike; stderr keeps a --json stdout clean.
    const annotations = githubAnnotations(report, options.sourceRoot);
    if (options.json) process.stderr.write(annotations);
    else writeStdout(annotations);
    const summaryFile = process.env['GITHUB_STEP_SUMMARY'];
    if (summaryFile) appendFileSync(summaryFile, githubSummary(report));
  }
}
