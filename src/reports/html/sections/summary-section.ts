// The summary: the answer in one paragraph (what the arenas held against what
// the program's blocks needed, at the arena peak and at the end), the key
// numbers as cards, and what was replayed (file, model, check, metadata).

import { capitalised, instantHeading, instantText } from '../../instant-text.js';
import type { ReportData } from '../../../analyzers/report-data.js';
import type { Exactness } from '../../../analyzers/analyze.js';
import { INCOMPLETE_FIGURES, incompleteText } from '../../completeness-text.js';
import { INEXACT_FIGURES, inexactText } from '../../exactness-text.js';
import { escapeHtml, traceText } from '../escape.js';
import { bytes, count, instantHtml, percent, shareOf, thousands } from '../format.js';
import { htmlTable, leakVerdictHtml } from '../html-table.js';
import { leakVerdictOf } from '../../leak-verdict.js';
import type { ReportSection } from '../section.js';

/** Metadata entries listed (a trace may carry any number). */
const MAX_META = 24;

export const summarySection: ReportSection = {
  id: 'summary',
  title: 'Summary',
  applies: () => true,
  charts: () => [],
  html: ({ data }) => [lead(data), cards(data), replayed(data)].join('\n'),
};

function lead(d: ReportData): string {
  const a = d.analyze;
  const out: string[] = [];
  const peak = a.fragmentation.arenaPeak;
  const incomplete = incompleteText(a.completeness);
  if (incomplete !== null) out.push(`<p class="lead"><b class="warn">Warning: ${escapeHtml(incomplete)}</b>; ${INCOMPLETE_FIGURES}.</p>`);
  const inexact = inexactText(a.exactness);
  if (inexact !== null) out.push(`<p class="lead"><b class="warn">Warning: ${escapeHtml(inexact)}</b>; ${escapeHtml(INEXACT_FIGURES)}.</p>`);
  if (a.events.total === 0) {
    out.push('<p class="lead">The trace has no event.</p>');
  } else if (peak === null) {
    out.push(`<p class="lead">The trace never used a pymalloc arena: its ${count(a.events.total, 'event')} went to the C library (${bytes(a.highWater.system_bytes.value)} at most).</p>`);
  } else {
    const held = peak.arenaBytes - peak.allocatedBlockBytes;
    out.push(
      `<p class="lead">At the arena high-water mark, ${instantHtml(peak)}, pymalloc held <b>${bytes(peak.arenaBytes)}</b> in ${count(peak.arenas, 'arena')}, ` +
        `of which <b>${bytes(peak.allocatedBlockBytes)}</b> (${percent(peak.utilisation)}) were blocks in use; ` +
        `the other ${bytes(held)} were free blocks in used pools (${bytes(peak.availableBlockBytes)}), unused pools (${bytes(peak.unusedPoolBytes)}), ` +
        `quantization (${bytes(peak.quantizationBytes)}), pool headers (${bytes(peak.poolHeaderBytes)}) and arena alignment (${bytes(peak.arenaAlignmentBytes)}).</p>`,
    );
    const end = a.fragmentation.judged;
    const pin = d.pinning.judged;
    out.push(
      `<p class="lead">${escapeHtml(capitalised(instantHeading(d.at)))}, ${count(end.arenas, 'arena')} (${bytes(end.arenaBytes)}) ${end.arenas === 1 ? 'was' : 'were'} still held, ${percent(end.utilisation)} of the bytes in blocks in use; ` +
        `${thousands(pin.pinnedArenas)} ${pin.pinnedArenas === 1 ? 'holds' : 'hold'} at least one live block and cannot be released${pin.emptyArenas > 0 ? `, ${thousands(pin.emptyArenas)} ${pin.emptyArenas === 1 ? 'is' : 'are'} empty` : ''}.</p>`,
    );
  }
  return out.join('\n');
}

function cards(d: ReportData): string {
  const a = d.analyze;
  const hw = a.highWater;
  const card = (value: string, label: string) => `<div class="card"><div class="value">${value}</div><div class="label">${escapeHtml(label)}</div></div>`;
  const peak = a.fragmentation.arenaPeak;
  return `<div class="cards">${[
    card(bytes(hw.footprint_bytes.value), 'peak footprint (arenas + C library)'),
    card(bytes(hw.live_requested_bytes.value), 'peak live requested bytes'),
    card(thousands(hw.arenas.value), `arena high-water mark (${bytes(peak?.arenaBytes ?? 0)})`),
    card(thousands(hw.pools_in_use.value), 'peak pools in use'),
    card(peak === null ? '–' : percent(peak.utilisation), 'arena utilisation at the arena peak'),
    card(bytes(a.judged.footprintBytes), `footprint ${instantHeading(a.at)}`),
    card(bytes(a.judged.liveRequestedBytes), `live ${instantText(a.at)} (${count(a.judged.liveBlocks, 'block')})`),
    card(thousands(a.anomalies.total), 'trace anomalies'),
    card(a.exactness.state === 'inexact' ? '<span class="warn">inexact</span>' : a.exactness.state, replayCardLabel(a.exactness)),
    card(leakVerdictHtml(leakVerdictOf(d.leaks), d.leaks.growth.steadyLeakSites), 'leak verdict (see Leaks)'),
  ].join('')}</div>`;
}

/** Under the replay card: what was checked, in a few words. */
function replayCardLabel(e: Exactness): string {
  if (e.state === 'unverified') return 'replay (no arena records to check)';
  const arenas = e.arenaMismatches > 0 ? `, ${thousands(e.arenaMismatches)} arena records disagree` : '';
  return `replay (${thousands(e.addressMismatches)} of ${thousands(e.blocksChecked)} addresses differ${arenas})`;
}

function replayed(d: ReportData): string {
  const a = d.analyze;
  const v = a.verification;
  const check = v.arenas.traceHasArenaRecords
    ? `${thousands(v.blocksPredicted)} of ${count(v.blocksChecked, 'pymalloc block address')} predicted exactly; ${count(v.arenas.fromTrace, 'arena')} from the trace, ${count(v.arenas.releasesConfirmed, 'release')} confirmed, ${count(v.arenas.mismatches, 'mismatch')}${v.exact ? ' — the replay is exact' : ''}`
    : `no arena records in the trace: the model placed ${count(v.arenas.placedByModel, 'arena')} itself (counts, pools and fragmentation are the modelled allocator’s; block addresses cannot match)`;
  const rows: [string, string][] = [
    ['trace', `<code>${traceText(a.file, 300)}</code> (${escapeHtml(a.format)}${a.gzip ? ', gzip' : ''})`],
    ['model', `CPython ${escapeHtml(a.python.version)} pymalloc (${a.python.source === 'option' ? 'from --python' : a.python.source === 'trace' ? 'from the trace’s metadata' : 'the default'})`],
    ['events', `${thousands(a.events.total)}: ${thousands(a.events.calls.alloc.total)} alloc, ${thousands(a.events.calls.calloc.total)} calloc, ${thousands(a.events.calls.realloc.total)} realloc, ${thousands(a.events.calls.free.total)} free, ${thousands(a.events.arenaAlloc)} arena_alloc, ${thousands(a.events.arenaFree)} arena_free, ${count(a.events.marks, 'mark')}`],
    ['stacks, threads', `${count(a.events.stacks, 'distinct stack')}, ${count(a.events.threads, 'thread')}`],
    ['model check', check],
    [instantHeading(a.at), `${count(a.judged.liveBlocks, 'live block')}, ${bytes(a.judged.liveRequestedBytes)} requested; C library ${count(a.judged.systemBlocks, 'block')}, ${bytes(a.judged.systemBytes)}; footprint ${bytes(a.judged.footprintBytes)}${a.highWater.footprint_bytes.value > 0 ? ` (${shareOf(a.judged.footprintBytes, a.highWater.footprint_bytes.value)} of its peak)` : ''}`],
  ];
  rows.push(['exactness', `${a.exactness.state === 'inexact' ? '<span class="warn">inexact</span>' : escapeHtml(a.exactness.state)}: ${escapeHtml(a.exactness.reason)}`]);
  rows.push(['completeness', `${a.completeness.state === 'incomplete' ? '<span class="warn">incomplete</span>' : escapeHtml(a.completeness.state)}: ${escapeHtml(a.completeness.reason)}`]);
  if (a.skippedRecords.count > 0) rows.push(['skipped records', `<span class="warn">${count(a.skippedRecords.count, 'bad record')} skipped (--lenient)</span>`]);
  const meta = Object.entries(a.meta);
  for (const [k, value] of meta.slice(0, MAX_META)) rows.push([`# ${k}`, traceText(value, 200)]);
  if (meta.length > MAX_META) rows.push(['', `… ${count(meta.length - MAX_META, 'more metadata entry')}`]);
  return htmlTable(rows, [
    { header: 'replayed', cell: (r) => (r[0].startsWith('# ') ? `<code>${traceText(r[0], 60)}</code>` : `<span class="key">${escapeHtml(r[0])}</span>`) },
    { header: '', cell: (r) => r[1] },
  ]);
}
