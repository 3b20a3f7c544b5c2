// The terminal report of `memreplay leaks`: a pure function of the result.

import { instantHeading, instantText } from './instant-text.js';
import type { LeaksSite, LeaksResult } from '../analyzers/leaks.js';
import {
  freedAfterSamplesText,
  GROWTH_CLASS_NAMES,
  growthSummary,
  noVerdictAdvice,
  noVerdictText,
  slopeText,
  WINDOWS_RULE_TEXT,
} from './growth-text.js';
import { INCOMPLETE_FIGURES, incompleteText } from './completeness-text.js';
import { INEXACT_FIGURES, inexactText } from './exactness-text.js';
import { skippedExampleTexts, skippedRecordsText } from './skipped-records-text.js';
import { STACKLESS_GROUPING } from './site-words.js';
import { nameBudget, terminalSiteName } from './site-name.js';
import { bytes, count, nounFor, plural, terminalSafe, thousands } from '../text/units.js';
/** Evidence values shown per site before eliding the middle. */
const MAX_SERIES_SHOWN = 14;

export interface LeaksTextOptions {
  /** Frames of each listed site's stack to show (innermost first); default 5. */
  frames?: number;
  /** Columns of the terminal: site names are shortened to fit (default: 90 for the table, 110 elsewhere). */
  width?: number;
}

export function formatLeaksText(r: LeaksResult, options: LeaksTextOptions = {}): string {
  const out: string[] = [];
  const frames = options.frames ?? 5;
  out.push(`== ${terminalSafe(r.file)} (CPython ${r.python.version} model, from ${r.python.source})`);
  const incomplete = incompleteText(r.completeness);
  if (incomplete !== null) out.push(`warning: ${terminalSafe(incomplete, 300)}; ${INCOMPLETE_FIGURES}`);
  const inexact = inexactText(r.exactness);
  if (inexact !== null) out.push(`warning: ${inexact}; ${INEXACT_FIGURES}`);
  const skipped = skippedRecordsText(r);
  if (skipped !== null) {
    out.push(`warning: ${skipped}; the figures below leave them out`);
    for (const x of skippedExampleTexts(r, (t) => terminalSafe(t))) out.push(`  ${x}`);
  }
  const when = instantText(r.at, quote);
  const site = siteWord(r);
  out.push(
    `live ${instantHeading(r.at, quote)}: ${count(r.totals.liveBlocks, 'block')}, ${bytes(r.totals.liveRequestedBytes)} requested, ` +
      `in ${count(r.totals.sites, site)} ${groupingText(r)}`,
  );
  out.push(`growth: ${growthSummary(r, quote)}`);
  if (r.growth.basis === 'windows') out.push(`  (${WINDOWS_RULE_TEXT})`);
  out.push(...suppressedLines(r, ''));
  const leaks = r.sites.filter((s) => s.growth.class === 'steady_leak');
  const bounded = r.sites.filter((s) => s.growth.class === 'bounded');
  const others = r.sites.filter((s) => s.growth.class !== 'steady_leak' && s.growth.class !== 'bounded');
  out.push('');
  const noVerdict = noVerdictText(r);
  if (noVerdict !== null) {
    out.push(`${noVerdict}: no site can be called a steady-state leak; ${noVerdictAdvice(r)}`);
  } else if (leaks.length === 0) {
    out.push('no steady-state leak');
  } else {
    out.push(`steady-state leaks (${thousands(r.growth.steadyLeakSites)}):`);
    for (const s of leaks) out.push(...siteDetail(r, s, frames, options.width));
  }
  if (bounded.length > 0) {
    out.push('');
    const shown = bounded.length < r.growth.boundedSites ? `, top ${thousands(bounded.length)} by slope` : '';
    out.push(`bounded (${thousands(r.growth.boundedSites)}${shown}): grew after the warm-up, then levelled off (caches); not leaks:`);
    for (const s of bounded) {
      out.push(`  ${terminalSafe(s.key, 110)}`);
      out.push(`    ${slopeText(r, s.growth.slope)}; ${bytes(s.requestedBytes)} live ${when}; live bytes per sample: ${seriesText(s.growth.liveBytes, r.growth.firstSteadySample)}`);
    }
  }
  if (others.length > 0) {
    out.push('');
    out.push(`other live ${plural(site)} by bytes (top ${thousands(others.length)}):`);
    out.push(`  ${'live'.padStart(10)} ${'blocks'.padStart(9)} ${'pools'.padStart(11)} ${'arenas'.padStart(9)}  ${'growth'.padEnd(13)}  ${site}`);
    // The site column starts after 61 characters of figures.
    const tableName = nameBudget(options.width, 61, 90);
    for (const s of others) {
      out.push(
        `  ${bytes(s.requestedBytes).padStart(10)} ${thousands(s.blocks).padStart(9)} ${aloneOf(s.pools, s.poolsAlone).padStart(11)} ${aloneOf(s.arenas, s.arenasAlone).padStart(9)}  ${GROWTH_CLASS_NAMES[s.growth.class].padEnd(13)}  ${terminalSiteName(s.key, tableName)}`,
      );
    }
    out.push(`  (pools, arenas: holding a block of the ${site} / holding only its blocks)`);
  }
  return out.join('\n') + '\n';
}

/**
 * What the suppressions hid: "suppressed: 10 blocks, 640 B", then every rule
 * with its blocks and bytes (shared with `check`, which indents it under its
 * trace); nothing when no suppression rule was read.
 */
export function suppressedLines(r: LeaksResult, indent: string): string[] {
  if (r.suppressions.length === 0) return [];
  const out = [`${indent}suppressed: ${count(r.totals.suppressedBlocks, 'block')}, ${bytes(r.totals.suppressedBytes)}`];
  for (const s of r.suppressions) {
    out.push(
      `${indent}  ${thousands(s.blocks).padStart(8)} ${nounFor(s.blocks, 'block').padEnd(6)} ${bytes(s.bytes).padStart(10)}  leak:${terminalSafe(s.pattern, 80)}  (${terminalSafe(s.file, 60)}:${s.line})`,
    );
  }
  return out;
}

function siteDetail(r: LeaksResult, s: LeaksSite, frames: number, width: number | undefined): string[] {
  const out: string[] = [];
  const g = s.growth;
  out.push(`  ${terminalSiteName(s.key, nameBudget(width, 2, 110))}`);
  const when = instantText(r.at, quote);
  const now = s.blocks > 0 ? `${bytes(s.requestedBytes)} in ${count(s.blocks, 'block')} live ${when}` : `0 B live ${when}: ${freedAfterSamplesText(r)}`;
  // A site born after the warm-up is judged over its own life: say from where.
  const judged =
    g.from > r.growth.firstSteadySample
      ? `rose in ${g.rises} of ${count(r.growth.samples.length - 1 - g.from, 'interval')} since it first held bytes (after sample ${g.from}, past the warm-up)`
      : `rose in ${g.rises} of ${count(r.growth.steadyIntervals, 'interval')} after the warm-up`;
  out.push(`    ${slopeText(r, g.slope)}; ${now}; ${judged}`);
  // The first sample is the start of the trace (event 0), where nothing is live yet: said, so a leading 0 B reads as a start, not a reading.
  out.push(`    live bytes per sample, from the start of the trace${r.growth.firstSteadySample > 0 ? ' (| ends the warm-up)' : ''}: ${seriesText(g.liveBytes, r.growth.firstSteadySample)}`);
  if (s.blocks > 0) {
    const classes = s.sizeClasses.map((c) => `${c.blockSize} B x ${thousands(c.blocks)}`);
    if (s.systemBlocks > 0) classes.push(`C library x ${thousands(s.systemBlocks)}`);
    out.push(`    size classes: ${classes.join(', ')}; pools ${aloneOf(s.pools, s.poolsAlone)}, arenas ${aloneOf(s.arenas, s.arenasAlone)} (holding / only this ${siteWord(r)})`);
    out.push(`    allocated from event ${thousands(s.first!.event)}${tsText(s.first!.ts)} to event ${thousands(s.last!.event)}${tsText(s.last!.ts)}`);
  }
  if (s.stack.length > 0) {
    const shown = s.stack.slice(-frames).reverse();
    out.push(`    stack, innermost first${s.stack.length > shown.length ? ` (${shown.length} of ${s.stack.length})` : ''}:`);
    for (const f of shown) out.push(`      ${terminalSiteName(f, nameBudget(width, 6, 110))}`);
  }
  return out;
}

/** What this text calls a site: "group" when there is no call stack to name sites by. */
function siteWord(r: LeaksResult): string {
  return r.hasStacks ? 'site' : 'group';
}

/**
 * "by lineno", "by traceback (depth 3)"; for blocks without any call stack
 * "by domain and size class", with why: --by has no frames to go by.
 */
function groupingText(r: LeaksResult): string {
  if (!r.hasStacks) return `${STACKLESS_GROUPING} (${r.at.end ? 'the trace has no call stacks' : 'no call stacks up to this mark'})`;
  return `by ${r.groupedBy}${r.depth !== null ? ` (depth ${r.depth})` : ''}`;
}

function quote(text: string): string {
  return JSON.stringify(terminalSafe(text, 40));
}

function seriesText(values: readonly number[], firstSteady: number): string {
  const cells = values.map((v, i) => (i === firstSteady && i > 0 ? '| ' : '') + bytes(v));
  if (cells.length <= MAX_SERIES_SHOWN) return cells.join('  ');
  const half = MAX_SERIES_SHOWN / 2;
  return [...cells.slice(0, half), '…', ...cells.slice(-half)].join('  ');
}

function aloneOf(n: number, alone: number): string {
  return `${thousands(n)}/${thousands(alone)}`;
}

function tsText(ts: number | null): string {
  return ts === null ? '' : ` (ts ${ts})`;
}
