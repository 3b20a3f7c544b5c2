// `memreplay report --format md`: the report as Markdown, for a pull request,
// an issue or a terminal. A pure function of ReportData; the numbers of the
// HTML report, with tables instead of charts and text sparklines for growth.

import { capitalised, instantHeading, instantText, type Quote } from './instant-text.js';
import { INCOMPLETE_FIGURES, incompleteText } from './completeness-text.js';
import { INEXACT_FIGURES, inexactText } from './exactness-text.js';
import type { FragmentationSummary } from '../analyzers/fragmentation.js';
import { PEAK_SITE_METRICS, type ReportData } from '../analyzers/report-data.js';
import { ANOMALY_KINDS } from '../events/anomaly-kinds.js';
import { HIGH_WATER_METRICS } from '../events/high-water-metrics.js';
import type { TraceInstant } from '../analyzers/report-data.js';
import { freedNote, GROWTH_CLASS_NAMES, growthSummary, leakInstantSentence, noVerdictText, slopeText, WINDOWS_RULE_TEXT } from './growth-text.js';
import { leakVerdictOf, leakVerdictText } from './leak-verdict.js';
import { MAX_CORE, shortSiteName } from './site-name.js';
import { siteNoun, STACKLESS_GROUPING } from './site-words.js';
import { bytes, count, percent, thousands } from '../text/units.js';
import { visibleControls } from '../text/visible-controls.js';

const ROWS = 10;
const BYTE_METRICS = new Set(['live_requested_bytes', 'block_bytes', 'system_bytes', 'footprint_bytes']);
const SPARK = '▁▂▃▄▅▆▇█';

/**
 * Trace text made inert in Markdown, and shown as it is: one line, bounded,
 * with a backslash before exactly what Markdown (CommonMark and GitHub's
 * extensions) would read as syntax in a table cell or a list item — `\`,
 * backticks, emphasis (`*`, `_`, `~`), brackets (links, images), `<` (HTML
 * and autolinks), `|` (table cells), an `&` that starts an entity, and the
 * `://`, `//`, `www.` and `@` of bare links GitHub would turn into links (and a
 * leading `-`, `+`, `#`, `>`, `=` or `1.` that would start a block). No HTML
 * entities: "C library (size 0 or > 512)" stays as it is. Line breaks become
 * spaces, other control characters visible `\x1b` escapes.
 */
/** A site name in a table cell: shortened in its path, never in its function, file name or line (site-name.ts). */
function mdSiteName(key: string): string {
  return mdText(shortSiteName(key, 120), MAX_CORE);
}

export function mdText(text: string, max = 120): string {
  const clipped = text.length > max ? text.slice(0, max - 1) + '…' : text;
  return visibleControls(clipped.replace(/[\r\n\u2028\u2029]/g, ' '))
    .replace(/[\\`*_~[\]<|@]/g, '\\$&')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\/(?=\/)/g, '/\\')
    .replace(/\b(www)\./gi, '$1\\.')
    // At the start of a list item's text, these would open a nested list, quote or heading.
    .replace(/^([-+#>=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A sparkline of `values` in eight block heights, scaled to their maximum. */
export function textSparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => SPARK[max === 0 ? 0 : Math.min(7, Math.floor((v / max) * 7.999))]).join('');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const align = header.map((_, i) => (numeric[i] ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function when(i: TraceInstant): string {
  if (i.event === 0) return 'never';
  return `event ${thousands(i.event)} (line ${thousands(i.line)}${i.ts !== null ? `, ts ${i.ts}` : ''}${i.mark !== null ? `, after mark “${mdText(i.mark, 60)}”` : ''})`;
}

/** Mark labels in Markdown prose: typographic quotes, cut to 40 characters. */
const quote: Quote = (text) => `“${text.slice(0, 40)}”`;

export function formatReportMarkdown(d: ReportData): string {
  const a = d.analyze;
  const out: string[] = [];
  out.push(`# memreplay report: \`${a.file.replace(/`/g, "'").replace(/[\r\n]/g, ' ')}\``, '');
  out.push(
    `CPython ${a.python.version} pymalloc model (${a.python.source}); ${count(a.events.total, 'event')}, ${count(a.events.marks, 'mark')}; ` +
      (a.verification.arenas.traceHasArenaRecords
        ? `${thousands(a.verification.blocksPredicted)} of ${thousands(a.verification.blocksChecked)} block addresses predicted${a.verification.exact ? ' (exact replay)' : ''}.`
        : `no arena records: arenas placed by the model.`),
    '',
  );
  const incomplete = incompleteText(a.completeness);
  if (incomplete !== null) out.push(`**Warning: ${mdText(incomplete, 400)}**; ${INCOMPLETE_FIGURES}.`, '');
  const inexact = inexactText(a.exactness);
  if (inexact !== null) out.push(`**Warning: ${mdText(inexact, 400)}**; ${mdText(INEXACT_FIGURES)}.`, '');
  const peak = a.fragmentation.arenaPeak;
  out.push('## Summary', '');
  if (peak === null) {
    out.push('The trace never used a pymalloc arena.', '');
  } else {
    out.push(
      `At the arena high-water mark, ${when(peak)}, pymalloc held **${bytes(peak.arenaBytes)}** in ${count(peak.arenas, 'arena')}, of which **${bytes(peak.allocatedBlockBytes)}** (${percent(peak.utilisation)}) were blocks in use.`,
      `${capitalised(instantHeading(d.at, quote))}, ${count(a.fragmentation.judged.arenas, 'arena')} (${bytes(a.fragmentation.judged.arenaBytes)}) ${a.fragmentation.judged.arenas === 1 ? 'was' : 'were'} held, ${percent(a.fragmentation.judged.utilisation)} in blocks in use; ${thousands(d.pinning.judged.pinnedArenas)} pinned by live blocks.`,
      '',
    );
  }
  out.push(`Leak verdict: **${leakVerdictText(leakVerdictOf(d.leaks), d.leaks.growth.steadyLeakSites)}** (see Leaks).`, '');
  out.push('## High-water marks', '');
  out.push(
    table(
      ['quantity', 'peak', 'first reached at'],
      HIGH_WATER_METRICS.map((m) => {
        const p = a.highWater[m];
        return [p.description, BYTE_METRICS.has(m) ? bytes(p.value) : thousands(p.value), when(p)];
      }),
      [false, true, false],
    ),
    '',
  );
  // A trace without call stacks has groups by domain and size class, not sites (site-words.ts).
  const hasStacks = a.events.stacks > 0;
  for (const m of PEAK_SITE_METRICS) {
    const p = d.highWater[m];
    if (p.event === 0) continue;
    const by = siteNoun(p.live.groupedBy, hasStacks);
    out.push(
      `### Live at the peak of ${p.description}`,
      '',
      `${when(p)}: ${count(p.live.totalBlocks, 'block')}, ${bytes(p.live.totalRequestedBytes)} requested, in ${count(p.live.totalGroups, by)}${hasStacks ? '' : ` ${STACKLESS_GROUPING} (the trace has no call stacks)`}.`,
      '',
    );
    out.push(table([by, 'blocks', 'requested'], p.live.groups.slice(0, ROWS).map((g) => [mdSiteName(g.key), thousands(g.blocks), bytes(g.requestedBytes)]), [false, true, true]), '');
  }
  if (d.timeline.marks.length > 0) {
    out.push('## Marks', '');
    out.push(
      table(
        ['#', 'label', 'event', 'live requested', 'arenas', 'footprint'],
        d.timeline.marks.slice(0, 30).map((m, i) => [String(i + 1), mdText(m.mark ?? ''), thousands(m.event), bytes(m.at.liveRequestedBytes), thousands(m.at.arenas), bytes(m.at.footprintBytes)]),
        [true, false, true, true, true, true],
      ),
      '',
    );
  }
  out.push(`## Fragmentation ${mdText(instantHeading(d.at, quote), 120)}`, '');
  const splits: [string, FragmentationSummary][] = [...(peak === null ? [] : [['arena peak', peak] as [string, FragmentationSummary]]), [instantText(d.at, quote), a.fragmentation.judged]];
  const parts: [string, keyof FragmentationSummary][] = [
    ['blocks in use', 'allocatedBlockBytes'],
    ['free blocks in used pools', 'availableBlockBytes'],
    ['unused pools', 'unusedPoolBytes'],
    ['quantization', 'quantizationBytes'],
    ['pool headers', 'poolHeaderBytes'],
    ['arena alignment', 'arenaAlignmentBytes'],
    ['arena bytes', 'arenaBytes'],
  ];
  out.push(table(['', ...splits.map((s) => s[0])], parts.map(([label, key]) => [label, ...splits.map((s) => bytes(s[1][key] as number))]), [false, ...splits.map(() => true)]), '');
  const sc = d.sizeClasses.arenaPeak ?? d.sizeClasses.judged;
  if (sc.classes.length > 0) {
    out.push(`## Size classes ${d.sizeClasses.arenaPeak !== null ? `at the arena peak (event ${thousands(d.sizeClasses.arenaPeak.event)})` : mdText(instantHeading(d.at, quote), 120)}`, '');
    out.push(
      table(
        ['block size', 'pools', 'blocks in use', 'capacity', 'used'],
        sc.classes.map((c) => [`${c.blockSizeBytes} B`, thousands(c.pools), thousands(c.blocksInUse), thousands(c.blockCapacity), percent(c.utilisation)]),
        [true, true, true, true, true],
      ),
      '',
    );
  }
  const pin = d.pinning.judged;
  if (pin.sitesByArenasPinned.length > 0) {
    out.push(`## Arena pinning ${mdText(instantHeading(d.at, quote), 120)}`, '', `${count(pin.pinnedArenas, 'arena')} ${pin.pinnedArenas === 1 ? 'holds' : 'hold'} live blocks; besides them ${pin.pinnedArenas === 1 ? 'it holds' : 'they hold'} ${bytes(pin.heldBytes)}.`, '');
    out.push(
      table(
        [siteNoun(pin.groupedBy, hasStacks), 'arenas pinned', 'alone', 'pools pinned', 'kept unusable', 'quantization waste'],
        pin.sitesByArenasPinned.slice(0, ROWS).map((s) => [mdSiteName(s.site), thousands(s.arenasPinned), thousands(s.arenasSolelyPinned), thousands(s.poolsPinned), bytes(s.keptUnusableBytes), bytes(s.quantizationWasteBytes)]),
        [false, true, true, true, true, true],
      ),
      '',
    );
  }
  const leaks = d.leaks;
  if (leaks.sites.length > 0) {
    out.push(`## Leaks ${mdText(instantHeading(d.at, quote), 120)}`, '', `Leak verdict: **${leakVerdictText(leakVerdictOf(leaks), leaks.growth.steadyLeakSites)}**. Growth: ${mdText(growthSummary(leaks, quote), 400)}. ${mdText(leakInstantSentence(leaks, quote), 400)}`, '');
    if (leaks.growth.basis === 'windows') out.push(`Windows basis: ${mdText(WINDOWS_RULE_TEXT, 400)}.`, '');
    const noVerdict = noVerdictText(leaks);
    if (noVerdict !== null) out.push(`**${mdText(noVerdict, 400)}**: no site can be called a steady-state leak.`, '');
    out.push(
      table(
        [siteNoun(leaks.groupedBy, leaks.hasStacks), 'verdict', 'live bytes per sample', 'slope', mdText(`live ${instantText(leaks.at, quote)}`, 80), 'blocks'],
        leaks.sites
          .slice(0, ROWS)
          .map((s) => {
            const note = freedNote(leaks, s);
            const live = bytes(s.requestedBytes) + (note === null ? '' : ` (${note})`);
            return [mdSiteName(s.key), GROWTH_CLASS_NAMES[s.growth.class], textSparkline(s.growth.liveBytes), slopeText(leaks, s.growth.slope), live, thousands(s.blocks)];
          }),
        [false, false, false, true, true, true],
      ),
      '',
    );
  }
  if (d.whatIf !== null && d.whatIf.length > 0) {
    out.push(`## What if (judged ${mdText(instantHeading(d.at, quote), 120)})`, '');
    out.push(
      table(
        ['version', 'arena / pool', 'peak footprint', 'arena peak', 'utilisation at arena peak', mdText(`footprint ${instantText(d.at, quote)}`, 80)],
        d.whatIf.map((v) => [
          `CPython ${v.version}`,
          `${bytes(v.arenaSizeBytes)} / ${bytes(v.poolSizeBytes)}`,
          bytes(v.footprintPeak.value),
          thousands(v.arenasPeak.value),
          v.arenaPeak === null ? '–' : percent(v.arenaPeak.utilisation),
          bytes(v.judged.footprintBytes),
        ]),
        [false, true, true, true, true, true],
      ),
      '',
    );
  }
  out.push('## Anomalies', '');
  if (a.anomalies.total === 0 && a.skippedRecords.count === 0) out.push('None.', '');
  else {
    const kinds = ANOMALY_KINDS.filter((k) => a.anomalies.byKind[k].count > 0);
    if (kinds.length > 0) {
      out.push(
        table(
          ['kind', 'count', 'first at'],
          kinds.map((k) => [k, thousands(a.anomalies.byKind[k].count), a.anomalies.byKind[k].examples.map((x) => `line ${x.line}`).join(', ')]),
          [false, true, false],
        ),
        '',
      );
    }
    if (a.skippedRecords.count > 0) out.push(`${count(a.skippedRecords.count, 'bad record')} skipped (--lenient).`, '');
  }
  return out.join('\n');
}
