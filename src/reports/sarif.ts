// --sarif: SARIF 2.1.0 for code scanning. Each leak site that broke a budget
// (a steady-state leak, or a site over the per-site budget) is a result at
// its innermost in-project frame, with the whole Python stack as a SARIF
// stack; trace-level budgets and baseline increases are results at the trace
// file; a trace without a leak verdict is a result at the trace file (or,
// when no verdict is allowed, a warning notification); traces that could not
// be read are tool execution notifications, and so are (as warnings) bad
// records skipped with --lenient; a trace cut short (no end mark) is a
// result at the trace file, or a warning when allowed, and so is a replay the
// model did not follow exactly. Every message names the instant
// its figures are from (the end of the trace, or the --at mark).
// Paths under the source root are relative to %SRCROOT%, so code scanning
// annotates the line in the repository.

import { instantText } from './instant-text.js';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { LeaksSite } from '../analyzers/leaks.js';
import { BUDGET_DESCRIPTIONS } from '../check/budgets.js';
import type { CheckReport, TraceCheck } from '../check/run-check.js';
import { INCOMPLETE_TRACE, INEXACT_REPLAY, waivableProblems } from './waivable-problem.js';
import { budgetFailureText, formatBudgetValue, freedLeaksNote, instantSuffix } from './check-text.js';
import { intervalUnit, noVerdictAdvice } from './growth-text.js';
import { skippedExampleTexts, skippedRecordsText } from './skipped-records-text.js';
import { visibleControls } from '../text/visible-controls.js';
import { isGeneratedFile, locate, pathUnderRoot, siteLocation } from './source-location.js';
import { bytes, count } from '../text/units.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base id SARIF paths under the source root are relative to. */
export const SRCROOT = 'SRCROOT';

const RULES = [
  {
    id: 'memreplay/steady-state-leak',
    name: 'SteadyStateLeak',
    short: 'Live memory allocated here keeps growing across iterations',
    full: 'The bytes still live from allocations at this call site rose in at least half of the intervals after the warm-up and were higher at the last interval than at any point of the first half: memory that is allocated every iteration and never freed.',
  },
  {
    id: 'memreplay/site-over-budget',
    name: 'SiteOverBudget',
    short: 'A call site holds more live memory than its budget',
    full: 'The bytes live from allocations at this call site exceed the per-site budget (siteLeakedBytes).',
  },
  {
    id: 'memreplay/trace-over-budget',
    name: 'TraceOverBudget',
    short: 'A trace exceeded a memory budget',
    full: 'Live bytes, peak footprint, arena high-water mark or fragmentation of the traced program exceeded its budget.',
  },
  {
    id: 'memreplay/no-leak-verdict',
    name: 'NoLeakVerdict',
    short: 'Too few intervals after the warm-up to tell whether memory leaks',
    full: 'The trace has too few marked iterations (or windows of events) after the warm-up for the growth rule to call any site a steady-state leak, so the steady-state leak budget could not be checked. Lower the warm-up, record more iterations, or allow it with --allow-no-verdict.',
  },
  {
    id: 'memreplay/baseline-increase',
    name: 'BaselineIncrease',
    short: 'A memory figure rose above the baseline',
    full: 'A figure of the traced program rose above the committed baseline by more than the tolerance.',
  },
  {
    id: 'memreplay/incomplete-trace',
    name: 'IncompleteTrace',
    short: 'The trace does not hold the whole run',
    full: 'The trace does not end with the mark its recorder writes when a run ends normally: the program crashed, called os._exit() or was killed, or the file was cut. Its figures are of the run up to where it stops. Allow it with --allow-incomplete.',
  },
  {
    id: 'memreplay/inexact-replay',
    name: 'InexactReplay',
    short: 'The allocator model did not follow the trace exactly',
    full: "Block addresses or arena records of the trace differ from what the pymalloc model did, or the trace has anomalies (e.g. CPython 3.12 sub-interpreters, which allocate from their own state). The model's figures (arenas, footprint, fragmentation, leaks) may not be the program's. Allow it with --allow-inexact.",
  },
] as const;

type RuleId = (typeof RULES)[number]['id'];

export interface SarifOptions {
  /** The directory paths are made relative to (the repository root). */
  sourceRoot: string;
  toolVersion: string;
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  const results: unknown[] = [];
  for (const t of report.traces) results.push(...traceResults(t, options.sourceRoot, report));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'memreplay',
            version: options.toolVersion,
            rules: RULES.map(sarifRule),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.sourceRoot) } },
        invocations: [
          {
            executionSuccessful: report.failures.length === 0,
            toolExecutionNotifications: [
              ...report.failures.map((f) => ({ level: 'error', message: { text: f.error } })),
              ...report.traces.flatMap((t) =>
                t.budgets
                  .filter((b) => b.noVerdict !== null && b.passed)
                  .map((b) => ({ level: 'warning', message: { text: `${t.file}: no leak verdict (allowed): ${b.noVerdict}.` } })),
              ),
              // Allowed problems are no results; they are still worth a warning. All incomplete traces come first.
              ...[INCOMPLETE_TRACE, INEXACT_REPLAY].flatMap((rule) =>
                report.traces.flatMap((t) =>
                  waivableProblems(t, report)
                    .filter((w) => w.allowed && w.rule === rule)
                    .map((w) => ({ level: 'warning', message: { text: `${t.file}: ${w.problem} (allowed).` } })),
                ),
              ),
              ...report.traces.flatMap((t) => {
                const skipped = skippedRecordsText(t.leaks);
                if (skipped === null) return [];
                const first = skippedExampleTexts(t.leaks, (s) => s, 1)[0];
                return [{ level: 'warning', message: { text: `${t.file}: ${skipped}${first !== undefined ? `, first at ${first}` : ''}.` } }];
              }),
            ],
          },
        ],
        results,
      },
    ],
  };
  return sarifText(log);
}

/** A rule of the driver, as SARIF describes it. */
export function sarifRule(r: { readonly id: string; readonly name: string; readonly short: string; readonly full: string }): unknown {
  return { id: r.id, name: r.name, shortDescription: { text: r.short }, fullDescription: { text: r.full }, defaultConfiguration: { level: 'error' } };
}

/** The log as written: every string, trace text included, with its control characters as visible escapes (LF and TAB stay). */
export function sarifText(log: unknown): string {
  return JSON.stringify(log, (_key, value: unknown) => (typeof value === 'string' ? visibleControls(value, true) : value), 2) + '\n';
}

function traceResults(t: TraceCheck, root: string, report: CheckReport): unknown[] {
  const out: unknown[] = waivableProblems(t, report)
    .filter((w) => !w.allowed)
    .map((w) => traceResult(w.rule.id, `${t.file}: ${w.problem}; ${w.advice}.`, t.file, root, w.rule.metric));
  const quote = (text: string): string => JSON.stringify(text.slice(0, 60));
  const when = instantText(t.leaks.at, quote);
  const reported = new Set<string>();
  for (const b of t.budgets) {
    if (b.passed) continue;
    if (b.noVerdict !== null) {
      const text = `${t.file}: no leak verdict: ${b.noVerdict}. The steady-state leak budget could not be checked; ${noVerdictAdvice(t.leaks)}; or pass --allow-no-verdict.`;
      out.push(traceResult('memreplay/no-leak-verdict', text, t.file, root, 'leakVerdict'));
      if (b.actual <= b.limit) continue;
    }
    if (b.budget === 'steadyLeakSites' || b.budget === 'siteLeakedBytes') {
      const ruleId: RuleId = b.budget === 'steadyLeakSites' ? 'memreplay/steady-state-leak' : 'memreplay/site-over-budget';
      for (const key of b.sites) {
        if (reported.has(`${ruleId}\0${key}`)) continue;
        reported.add(`${ruleId}\0${key}`);
        const site = t.leaks.sites.find((s) => s.key === key)!;
        const freed = site.blocks === 0 ? ` (${freedLeaksNote(t, [key]) ?? 'freed after the last sample'})` : '';
        const text =
          ruleId === 'memreplay/steady-state-leak'
            ? `Steady-state leak at ${key}: live bytes grew by ${bytes(Math.round(site.growth.slope))} per ${intervalUnit(t.leaks)} after the warm-up; ${bytes(site.requestedBytes)} in ${count(site.blocks, 'block')} live ${when} of ${t.file}${freed}.`
            : `${key} holds ${bytes(site.requestedBytes)} in ${count(site.blocks, 'live block')} ${when} of ${t.file}, over the per-site budget of ${bytes(b.limit)}.`;
        out.push(siteResult(ruleId, text, site, t.file, root));
      }
      continue;
    }
    const text = `${t.file}: ${budgetFailureText(t, b, quote)}.`;
    out.push(traceResult('memreplay/trace-over-budget', text, t.file, root, b.budget));
  }
  for (const b of t.baseline?.outcomes ?? []) {
    if (b.passed) continue;
    const text = `${t.file}: ${BUDGET_DESCRIPTIONS[b.metric]}${instantSuffix(t, b.metric, quote)} rose to ${formatBudgetValue(b.metric, b.actual)} from ${formatBudgetValue(b.metric, b.baseline)} in the baseline (limit ${formatBudgetValue(b.metric, b.limit)}).`;
    out.push(traceResult('memreplay/baseline-increase', text, t.file, root, b.metric));
  }
  return out;
}

function siteResult(ruleId: RuleId, text: string, site: LeaksSite, trace: string, root: string): unknown {
  const loc = siteLocation(site.stack, root);
  const location = loc === null ? traceLocation(trace, root) : physical(loc.frame.file, loc.frame.line, root);
  // Without line numbers, so an alert survives edits that move the line.
  const python = loc === null ? site.key : `${loc.frame.func}\0${loc.relativePath ?? loc.frame.file}`;
  // A native site is its C function too: two C functions reached from one Python line are two alerts.
  const identity = site.native === undefined ? python : `${site.native.function}\0${site.native.object}\0${python}`;
  return {
    ruleId,
    ruleIndex: RULES.findIndex((r) => r.id === ruleId),
    level: 'error',
    message: { text },
    locations: [location],
    partialFingerprints: { 'memreplaySite/v1': fingerprint(ruleId, identity, trace) },
    ...(site.stack.length > 0
      ? {
          stacks: [
            {
              message: { text: 'allocating stack, innermost frame first' },
              frames: [...site.stack].reverse().map((f) => {
                const l = locate(f, root);
                const at = physical(l.frame.file, l.frame.line, root) as { physicalLocation?: unknown };
                return { location: { ...at, message: { text: f } } };
              }),
            },
          ],
        }
      : {}),
    properties: {
      trace,
      site: site.key,
      growth: site.growth.class,
      slopeBytesPerInterval: site.growth.slope,
      liveBytes: site.requestedBytes,
      liveBlocks: site.blocks,
    },
  };
}

function traceResult(ruleId: RuleId, text: string, trace: string, root: string, metric: string): unknown {
  return {
    ruleId,
    ruleIndex: RULES.findIndex((r) => r.id === ruleId),
    level: 'error',
    message: { text },
    locations: [traceLocation(trace, root)],
    partialFingerprints: { 'memreplaySite/v1': fingerprint(ruleId, metric, trace) },
    properties: { trace, metric },
  };
}

function traceLocation(trace: string, root: string): unknown {
  return physical(trace === '-' ? 'stdin' : trace, 1, root);
}

/** A physicalLocation when the file can be named by a URI; else an empty location. */
export function physical(file: string, line: number, root: string): unknown {
  // (A native frame without debug information has no file.)
  if (file === '' || isGeneratedFile(file)) return {};
  const rel = pathUnderRoot(file, root);
  const region = line > 0 ? { region: { startLine: line } } : {};
  if (rel !== null && !rel.startsWith('../')) {
    return { physicalLocation: { artifactLocation: { uri: encodePath(rel), uriBaseId: SRCROOT }, ...region } };
  }
  if (isAbsolute(file)) return { physicalLocation: { artifactLocation: { uri: pathToFileURL(file).href }, ...region } };
  return {};
}

function encodePath(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

export function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : href + '/';
}

export function fingerprint(ruleId: string, identity: string, trace: string): string {
  return createHash('sha256').update(`${ruleId}\0${identity}\0${trace.replace(/\\/g, '/').split('/').pop()}`).digest('hex').slice(0, 32);
}
