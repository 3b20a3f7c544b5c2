// The live blocks of steady-state leak sites by full stack (`flamegraph
// --leaks`, `tree --leaks`): one replay with LeaksAnalysis riding it, as
// `memreplay leaks` runs it, stopped at the same instant (the `stats` mark
// when the trace has one, else the end; a mark; the end), then one walk of
// the live set that keeps only the blocks whose site (as `leaks` names
// sites) the analysis calls a steady-state leak.

import { ImportContext } from '../import/import-context.js';
import { traceDisplayName } from '../import/source.js';
import { replayTrace } from './replay-trace.js';
import { instantOf } from '../analyzers/instant.js';
import { LeaksAnalysis } from '../analyzers/leaks.js';
import { liveStacksOf, type LiveStacksAt } from '../analyzers/live-stacks.js';
import { SiteTable } from '../analyzers/site-table.js';
import { DEFAULT_GROWTH_OPTIONS } from '../options/growth-options.js';
import { DEFAULT_SITE_OPTIONS, type SiteOptions } from '../options/site-options.js';
import { DEFAULT_TRACE_OPTIONS, type TraceOptions } from '../options/trace-options.js';
import type { PymallocView } from '../models/pymalloc/pymalloc-view.js';
import { exactnessOf } from '../replay/exactness.js';
import { resolvedKind, stopOf } from './live-stacks.js';

export interface LeakStacksOptions {
  /** How the trace is read (absent: the declared defaults). */
  readonly trace?: TraceOptions;
  /** How sites are named, as `leaks` names them (absent: its defaults). */
  readonly sites?: SiteOptions;
  readonly instant: { readonly kind: 'judged' } | { readonly kind: 'mark'; readonly label: string } | { readonly kind: 'end' };
}

export async function leakStacksAt(path: string, options: LeakStacksOptions): Promise<LiveStacksAt> {
  const trace = options.trace ?? DEFAULT_TRACE_OPTIONS;
  const ctx = new ImportContext(traceDisplayName(path), trace.lenient);
  const grouping = options.sites ?? DEFAULT_SITE_OPTIONS;
  // Every steady-state leak listed, however many: the filter needs them all.
  const analysis = new LeaksAnalysis(ctx, { sites: grouping, growth: DEFAULT_GROWTH_OPTIONS, listing: { maxListedLeaks: Number.MAX_SAFE_INTEGER } });
  const stop = stopOf(options.instant);
  const { replayer: r, stoppedEarly, completeness } = await replayTrace(path, {
    ...trace,
    ...stop,
    context: ctx,
    observers: [analysis],
  });
  const leaks = analysis.result(r, stoppedEarly ? (stop.stopAtMark ?? null) : null);
  const leaking = new Set(leaks.sites.filter((s) => s.growth.class === 'steady_leak').map((s) => s.key));
  // The sites as the analysis named them (same stacks, geometry and grouping), each judged once.
  const table = new SiteTable(ctx.stacks, r.geometry, grouping);
  const verdicts = new Map<number, boolean>();
  const isLeak = (stack: number, domain: number, pool: number, model: PymallocView): boolean => {
    const site = table.siteOf(stack, domain, pool, (p) => model.poolSizeClass(p));
    let leak = verdicts.get(site);
    if (leak === undefined) {
      leak = leaking.has(table.info(site).key);
      verdicts.set(site, leak);
    }
    return leak;
  };
  return {
    file: traceDisplayName(path),
    python: r.geometry.version,
    instant: resolvedKind(options.instant, stoppedEarly),
    at: instantOf(r),
    footprintBytes: null,
    leakSites: leaking.size,
    completeness,
    exactness: exactnessOf(r),
    live: leaking.size === 0 ? { total: { blocks: 0, requestedBytes: 0, blockBytes: 0 }, stacks: [] } : liveStacksOf(r, ctx.stacks, isLeak),
  };
}
