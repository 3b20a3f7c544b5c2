// One measurement, run by bench/run.ts in a fresh Node process:
//   node dist/bench/child.js MODE TRACE [REPLAY_ONLY_LIMIT]
// and answered with one JSON line on stdout.
//
// Why a child per measurement: peak RSS (process.resourceUsage().maxRSS) is a
// per-process high-water mark, so each mode needs its own process to report
// its own peak; it also keeps one mode's JIT state and garbage out of the
// next one's timing. The clock covers only the work (not Node start-up or
// module loading). Modes:
//   parse        importTrace into a sink that only counts events
//   replay       importer + Replayer, exactly as replayTrace runs them (no analyzers)
//   replay-only  pre-parse the first LIMIT events (cut just after a mark, or
//                the whole trace) into copied in-memory batches, then time
//                only the Replayer over them: the model/replayer cost alone;
//                its peak RSS includes those batches
//   analyze      analyzeTrace plus the text report, as `memreplay analyze` does
//   leaks        findLeaks plus the text report, as `memreplay leaks` does
//   report       the report task `memreplay report` runs per trace: the
//                report data and the HTML page with its charts (not written)
//   verify       replayTrace, for the correctness check only

// The modules each mode runs, not the library's index: `memreplay analyze`
// loads only these too, and the index would also load the report renderers
// (vega), whose heap every garbage collection in the measured work must mark.
import { analyzeTrace } from '../src/run/analyze.js';
import { importTrace } from '../src/import/index.js';
import { replayTrace } from '../src/run/replay-trace.js';
import { Replayer } from '../src/replay/replayer.js';
import type { ReplayView } from '../src/replay/replay-view.js';
import { EventBatch } from '../src/events/event-batch.js';
import { OP_MARK } from '../src/events/ops.js';
import { ImportContext } from '../src/import/import-context.js';
import type { TraceMeta } from '../src/import/types.js';
import { formatAnalyzeText } from '../src/reports/analyze-text.js';
import type { AnalyzeResult } from '../src/analyzers/analyze.js';
import { findLeaks } from '../src/run/leaks.js';
import { formatLeaksText } from '../src/reports/leaks-text.js';
import { reportTask } from '../src/run/report-task.js';
import { MODES, type ChildResult, type Mode, type ReplayCheck } from './measurement.js';

class StopImport extends Error {}

/** CPU usage when the clock of the measurement started (set beside each t0). */
let cpuAtStart: NodeJS.CpuUsage = process.cpuUsage();
let cpuAtEnd: NodeJS.CpuUsage = cpuAtStart;

function startClock(): number {
  cpuAtStart = process.cpuUsage();
  return performance.now();
}

function stopClock(t0: number): number {
  cpuAtEnd = process.cpuUsage(cpuAtStart);
  return (performance.now() - t0) / 1000;
}


function checkOf(r: ReplayView): ReplayCheck {
  return {
    anomalies: r.anomalies.total,
    blocksChecked: r.addressCheck.checked,
    blocksPredicted: r.addressCheck.predicted,
    addressMismatches: r.addressCheck.mismatched,
    arenasExact: r.arenas.exact,
    arenasFromTrace: r.arenas.arenasFromTrace,
    arenaReleasesConfirmed: r.arenas.releasesConfirmed,
    liveBlocksAtEnd: r.liveBlockCount,
  };
}

/** What analyze's verification says, in the bench's terms. */
function analyzeCheck(result: AnalyzeResult): ReplayCheck {
  const v = result.verification;
  return {
    anomalies: result.anomalies.total,
    blocksChecked: v.blocksChecked,
    blocksPredicted: v.blocksPredicted,
    addressMismatches: v.addressMismatches,
    arenasExact: v.arenas.mismatches === 0 && v.arenas.placedByModel === 0 && v.arenas.traceHasArenaRecords,
    arenasFromTrace: v.arenas.fromTrace,
    arenaReleasesConfirmed: v.arenas.releasesConfirmed,
    liveBlocksAtEnd: result.judged.liveBlocks,
  };
}

function copyBatch(b: EventBatch, n: number): EventBatch {
  const c = new EventBatch(n);
  c.length = n;
  c.op.set(b.op.subarray(0, n));
  c.domain.set(b.domain.subarray(0, n));
  c.addr.set(b.addr.subarray(0, n));
  c.oldAddr.set(b.oldAddr.subarray(0, n));
  c.size.set(b.size.subarray(0, n));
  c.ts.set(b.ts.subarray(0, n));
  c.thread.set(b.thread.subarray(0, n));
  c.stack.set(b.stack.subarray(0, n));
  c.line.set(b.line.subarray(0, n));
  for (let i = 0; i < n; i++) c.label[i] = b.label[i]!;
  return c;
}

async function measure(mode: Mode, trace: string, limit: number): Promise<ChildResult> {
  const base = { mode, trace };
  switch (mode) {
    case 'parse': {
      let events = 0;
      const t0 = startClock();
      const summary = await importTrace(trace, {}, {
        meta: () => undefined,
        batch: (b) => {
          events += b.length;
        },
      });
      const seconds = stopClock(t0);
      return { ...base, events, seconds, peakRssBytes: 0, cpuSeconds: 0, bytesRead: summary.bytesRead, bytesDecoded: summary.bytesDecoded, check: null };
    }
    case 'replay':
    case 'verify': {
      const t0 = startClock();
      const { replayer, summary } = await replayTrace(trace);
      const seconds = stopClock(t0);
      return {
        ...base,
        events: replayer.events,
        seconds,
        peakRssBytes: 0,
        cpuSeconds: 0,
        bytesRead: summary?.bytesRead ?? null,
        bytesDecoded: summary?.bytesDecoded ?? null,
        check: checkOf(replayer),
      };
    }
    case 'replay-only': {
      const ctx = new ImportContext(trace);
      const batches: EventBatch[] = [];
      let meta: TraceMeta = {};
      let loaded = 0;
      let cutting = false;
      const p0 = performance.now();
      try {
        await importTrace(trace, { context: ctx }, {
          meta: (m) => {
            meta = m;
          },
          batch: (b) => {
            let n = b.length;
            if (loaded + n >= limit) {
              // Cut right after the first mark at or past the limit: marks never
              // sit inside a call's arena records, so the prefix replays exactly.
              const from = Math.max(0, limit - loaded - 1);
              for (let i = cutting ? 0 : from; i < n; i++) {
                if (b.op[i] === OP_MARK) {
                  batches.push(copyBatch(b, i + 1));
                  loaded += i + 1;
                  throw new StopImport();
                }
              }
              cutting = true;
            }
            batches.push(copyBatch(b, n));
            loaded += n;
          },
        });
      } catch (e) {
        if (!(e instanceof StopImport)) throw e;
      }
      const preloadSeconds = (performance.now() - p0) / 1000;
      const t0 = startClock();
      const replayer = new Replayer(ctx.addresses);
      replayer.meta(meta);
      for (const b of batches) replayer.batch(b);
      replayer.finish();
      const seconds = stopClock(t0);
      return {
        ...base,
        events: replayer.events,
        seconds,
        peakRssBytes: 0,
        cpuSeconds: 0,
        bytesRead: null,
        bytesDecoded: null,
        preloadedEvents: loaded,
        preloadSeconds,
        check: checkOf(replayer),
      };
    }
    case 'analyze': {
      const t0 = startClock();
      const result = await analyzeTrace(trace, { instant: { atEnd: true } });
      const text = formatAnalyzeText(result);
      const seconds = stopClock(t0);
      return { ...base, events: result.events.total, seconds, peakRssBytes: 0, cpuSeconds: 0, bytesRead: null, bytesDecoded: null, reportChars: text.length, check: analyzeCheck(result) };
    }
    case 'leaks': {
      const t0 = startClock();
      const result = await findLeaks(trace);
      const text = formatLeaksText(result);
      const seconds = stopClock(t0);
      return { ...base, events: null, seconds, peakRssBytes: 0, cpuSeconds: 0, bytesRead: null, bytesDecoded: null, reportChars: text.length, check: null };
    }
    case 'report': {
      const t0 = startClock();
      const { entry, files } = await reportTask.run(trace, { report: {}, format: 'html', names: { [trace]: 'bench' } }, { progress: () => undefined });
      const seconds = stopClock(t0);
      const reportChars = files.reduce((n, f) => n + f.content.length, 0);
      return { ...base, events: entry.events, seconds, peakRssBytes: 0, cpuSeconds: 0, bytesRead: null, bytesDecoded: null, reportChars, check: null };
    }
  }
}

async function main(): Promise<void> {
  const [mode, trace, limitText] = process.argv.slice(2);
  if (mode === undefined || trace === undefined || !(MODES as readonly string[]).concat('verify').includes(mode)) {
    process.stderr.write(`usage: node dist/bench/child.js (${MODES.join('|')}|verify) TRACE [REPLAY_ONLY_LIMIT]\n`);
    process.exit(2);
  }
  const limit = limitText === undefined ? 5_000_000 : Number(limitText);
  const result = await measure(mode as Mode, trace, limit);
  result.cpuSeconds = (cpuAtEnd.user + cpuAtEnd.system) / 1e6;
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
