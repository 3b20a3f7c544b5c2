// The terminal summary of `memreplay analyze`: a pure function of the result.

import type { AnalyzeResult, NativeHalf } from '../analyzers/analyze.js';
import type { LiveGroup } from '../analyzers/live-sites.js';
import type { FragmentationSummary } from '../analyzers/fragmentation.js';
import { ANOMALY_KINDS } from '../events/anomaly-kinds.js';
import { HIGH_WATER_METRICS, NATIVE_HIGH_WATER_METRICS } from '../events/high-water-metrics.js';
import { INCOMPLETE_FIGURES, incompleteText } from './completeness-text.js';
import { INEXACT_FIGURES, inexactText } from './exactness-text.js';
import { instantHeading } from './instant-text.js';
import { STACKLESS_GROUPING } from './site-words.js';
import { nameBudget, terminalSiteName } from './site-name.js';
import { churnLines } from './churn-text.js';
import { bytes, count, nounFor, percent, terminalSafe, thousands } from '../text/units.js';

const BYTE_METRICS = new Set(['live_requested_bytes', 'block_bytes', 'system_bytes', 'footprint_bytes']);

export interface AnalyzeTextOptions {
  /** Columns of the terminal: site names are shortened to fit (default: 90 characters for a name). */
  width?: number;
}

/** Where analyze did not count churn: how to have it. */
export const NOT_COUNTED = 'allocation churn: not counted (--churn counts it, for about a fifth more CPU)';

export function formatAnalyzeText(r: AnalyzeResult, options: AnalyzeTextOptions = {}): string {
  const out: string[] = [];
  const e = r.events;
  out.push(`== ${terminalSafe(r.file)} (${r.format}${r.gzip ? ', gzip' : ''}; CPython ${r.python.version} model, from ${r.python.source})`);
  const incomplete = incompleteText(r.completeness);
  if (incomplete !== null) out.push(`warning: ${terminalSafe(incomplete, 300)}; ${INCOMPLETE_FIGURES}`);
  const inexact = inexactText(r.exactness);
  if (inexact !== null) out.push(`warning: ${inexact}; ${INEXACT_FIGURES}`);
  out.push('');
  out.push(`events ${thousands(e.total)}: ${callLine(r)}`);
  out.push(`  arena_alloc ${thousands(e.arenaAlloc)}, arena_free ${thousands(e.arenaFree)}, marks ${thousands(e.marks)}, NULL free/realloc ${thousands(e.nullPointerCalls)}, stacks ${thousands(e.stacks)}, threads ${thousands(e.threads)}`);
  if (r.skippedRecords.count > 0) {
    out.push(`skipped bad records (--lenient): ${thousands(r.skippedRecords.count)}`);
    for (const x of r.skippedRecords.examples) out.push(`  line ${x.line}: ${terminalSafe(x.message)}`);
  }
  out.push('');
  out.push(`anomalies: ${r.anomalies.total === 0 ? 'none' : thousands(r.anomalies.total)}`);
  for (const kind of ANOMALY_KINDS) {
    const a = r.anomalies.byKind[kind];
    if (a.count === 0) continue;
    out.push(`  ${kind} ${thousands(a.count)}: ${a.description}`);
    for (const x of a.examples) out.push(`    ${terminalSafe(r.file, 60)}:${x.line} event ${x.event} ${x.address}${x.detail ? ' ' + terminalSafe(x.detail) : ''}`);
  }
  const v = r.verification;
  out.push(
    `model check: ${thousands(v.blocksPredicted)} of ${thousands(v.blocksChecked)} pymalloc addresses predicted; ` +
      (v.arenas.traceHasArenaRecords
        ? `arenas ${thousands(v.arenas.fromTrace)} from trace, ${count(v.arenas.releasesConfirmed, 'release')} confirmed, ${count(v.arenas.mismatches, 'mismatch')}`
        : `no arena records: ${count(v.arenas.placedByModel, 'arena')} placed by the model`),
  );
  const overridden = versionOverride(r);
  if (overridden !== null) out.push(`  ${overridden}`);
  out.push('');
  const states = r.interpreters ?? [];
  if (states.length > 1) {
    // Isolated sub-interpreters (3.12+): one pymalloc state each.
    const shown = states.slice(0, 8).map((s) => `${s.interp === 0 ? 'main' : `interp ${s.interp}`} ${count(s.arenas, 'arena')}, ${count(s.blocksInUse, 'block')}`);
    out.push(`pymalloc states ${instantHeading(r.at, (t) => JSON.stringify(terminalSafe(t, 40)))}: ${thousands(states.length)} (${shown.join('; ')}${states.length > 8 ? '; ...' : ''}); high-water marks are summed over them, fragmentation is the main one's`);
    out.push('');
  }
  out.push('high-water marks:');
  const peakLine = (p: AnalyzeResult['highWater']['arenas'], value: string): string => {
    const when = p.event === 0 ? 'never reached' : `at event ${thousands(p.event)} (line ${thousands(p.line)}${p.ts !== null ? `, ts ${p.ts}` : ''}${p.mark !== null ? `, after mark ${JSON.stringify(terminalSafe(p.mark, 40))}` : ''})`;
    return `  ${p.description.padEnd(58)} ${value.padStart(11)}  ${when}`;
  };
  for (const m of HIGH_WATER_METRICS) {
    const p = r.highWater[m];
    out.push(peakLine(p, BYTE_METRICS.has(m) ? bytes(p.value) : thousands(p.value)));
  }
  // The native half's peaks (traces recorded with --native) in the same table.
  if (r.native !== undefined) for (const m of NATIVE_HIGH_WATER_METRICS) out.push(peakLine(r.native.highWater[m], bytes(r.native.highWater[m].value)));
  out.push('');
  const end = r.judged;
  const when = instantHeading(r.at, (t) => JSON.stringify(terminalSafe(t, 40)));
  out.push(
    `${when}: ${count(end.liveBlocks, 'live block')}, ${bytes(end.liveRequestedBytes)} requested; sys.getallocatedblocks() ${thousands(end.allocatedBlocks)}; ` +
      `C library ${count(end.systemBlocks, 'block')}, ${bytes(end.systemBytes)}; footprint ${bytes(end.footprintBytes)}`,
  );
  out.push('');
  const lb = r.liveBlocks;
  if (lb.totalGroups === 0) out.push(`no live blocks ${when}`);
  else out.push(`live blocks ${when} ${liveGroupingText(r)}:`);
  // The name column starts after 32 characters of figures.
  const nameColumn = nameBudget(options.width, 32, 90);
  for (const g of lb.groups) {
    out.push(`  ${bytes(g.requestedBytes).padStart(10)} ${thousands(g.blocks).padStart(10)} ${nounFor(g.blocks, 'block').padEnd(6)}  ${terminalSiteName(g.key, nameColumn)}`);
  }
  out.push('');
  if (r.native !== undefined) out.push(...nativeLines(r.native, r.liveBlocks.nativeGroups ?? [], when, nameColumn), '');
  out.push(`fragmentation ${when}:`);
  out.push(...fragmentationLines(r.fragmentation.judged));
  const peak = r.fragmentation.arenaPeak;
  if (peak !== null) {
    out.push(`fragmentation at the arena high-water mark (event ${thousands(peak.event)}${peak.mark !== null ? `, after mark ${JSON.stringify(terminalSafe(peak.mark, 40))}` : ''}):`);
    out.push(...fragmentationLines(peak));
  }
  out.push('', ...(r.churn !== undefined ? churnLines(r.churn, options.width) : [NOT_COUNTED]));
  return out.join('\n') + '\n';
}

/**
 * What the live blocks are grouped by, and how many groups are listed. A
 * trace without call stacks has no sites: its blocks are grouped by domain and
 * size class (analyzers/site-table.ts), whatever --by asked for.
 */
function liveGroupingText(r: AnalyzeResult): string {
  const lb = r.liveBlocks;
  const stackless = r.events.stacks === 0;
  const groups = count(lb.totalGroups, stackless ? 'group' : 'site');
  const listed = lb.groups.length < lb.totalGroups ? `top ${thousands(lb.groups.length)} of ${groups}` : groups;
  return stackless
    ? `${STACKLESS_GROUPING} (the trace has no call stacks; ${listed})`
    : `by ${lb.groupedBy} (${lb.depth !== null ? `depth ${lb.depth}; ` : ''}${listed})`;
}

/**
 * "the trace says python 3.11.2, but --python 3.8 chose the model": a model
 * check with mismatches most often means the wrong version was asked for, so
 * it is said next to the check; null when --python agrees with the trace or
 * the trace does not say.
 */
function versionOverride(r: AnalyzeResult): string | null {
  const said = r.meta['python'];
  if (r.python.overridesTrace !== true || said === undefined) return null;
  return `the trace says python ${terminalSafe(said, 20)}, but --python ${r.python.version} chose the model: mismatches may come from the version, not the trace`;
}

function callLine(r: AnalyzeResult): string {
  return (['alloc', 'calloc', 'realloc', 'free'] as const)
    .map((op) => {
      const c = r.events.calls[op];
      return `${op} ${thousands(c.total)} (obj ${thousands(c.obj)}, mem ${thousands(c.mem)}, raw ${thousands(c.raw)})`;
    })
    .join(', ');
}

/** The native half (traces recorded with --native): calls, footprint by domain and its largest sites (its peaks are in the high-water table). */
function nativeLines(n: NativeHalf, groups: readonly LiveGroup[], when: string, nameColumn: number): string[] {
  const c = n.calls;
  const m = n.mappingOps;
  const f = n.footprint;
  const out = [
    `native half: alloc ${thousands(c.alloc)}, calloc ${thousands(c.calloc)}, realloc ${thousands(c.realloc)}, free ${thousands(c.free)}; mmap ${thousands(m.mmap)}, munmap ${thousands(m.munmap)}, mremap ${thousands(m.mremap)}`,
    `footprint by domain ${when}: pymalloc arenas ${bytes(f.pymallocArenaBytes)} + Python's C-library blocks ${bytes(f.pythonCLibraryBytes)} + native heap ${bytes(f.nativeHeapBytes)} (${count(f.nativeHeapBlocks, 'block')}) + mappings ${bytes(f.mmapBytes)} (${thousands(f.mappings)}) = ${bytes(f.totalBytes)}`,
  ];
  const anomalies = ANOMALY_KINDS.filter((k) => n.anomalies[k] > 0).map((k) => `${k} ${thousands(n.anomalies[k])}`);
  if (anomalies.length > 0) out.push(`  native anomalies: ${anomalies.join(', ')}`);
  if (groups.length > 0) {
    out.push(`native sites ${when} (the C function that called malloc <- the Python line that led there):`);
    for (const g of groups) out.push(`  ${bytes(g.requestedBytes).padStart(10)} ${thousands(g.blocks).padStart(10)} ${nounFor(g.blocks, 'block').padEnd(6)}  ${terminalSiteName(g.key, nameColumn)}`);
  }
  return out;
}

function fragmentationLines(f: FragmentationSummary): string[] {
  const share = (x: number): string => (f.arenaBytes === 0 ? '' : ` (${percent(x / f.arenaBytes)})`);
  return [
    `  ${count(f.arenas, 'arena')} = ${bytes(f.arenaBytes)}; ${count(f.poolsInUse, 'pool')} in use, ${thousands(f.unusedPools)} unused; utilisation ${percent(f.utilisation)}`,
    `  blocks in use ${bytes(f.allocatedBlockBytes)}${share(f.allocatedBlockBytes)}, free blocks in used pools ${bytes(f.availableBlockBytes)}${share(f.availableBlockBytes)}, unused pools ${bytes(f.unusedPoolBytes)}${share(f.unusedPoolBytes)}`,
    `  pool headers ${bytes(f.poolHeaderBytes)}, quantization ${bytes(f.quantizationBytes)}, arena alignment ${bytes(f.arenaAlignmentBytes)}`,
  ];
}
