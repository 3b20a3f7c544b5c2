// `memreplay diff OLD NEW`: compare two tracemalloc snapshots (Snapshot.dump()
// pickles or JSONL snapshots) exactly as Snapshot.compare_to does, or two
// event traces (live blocks at the end, high-water marks, fragmentation).
// What each input is comes from its first bytes; both must be of one kind.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DIFF_KEYS, type DiffKey } from '../../src/analyzers/snapshot-diff.js';
import { runDiff } from '../../src/run/diff.js';
import { UsageError } from '../../src/errors.js';
import { refuseInputsAsOutputs } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { formatSnapshotDiffJson, formatTraceDiffJson, SNAPSHOT_DIFF_SCHEMA, TRACE_DIFF_SCHEMA } from '../../src/reports/json/diff-json.js';
import { formatSnapshotDiffText, formatTraceDiffText } from '../../src/reports/diff-text.js';
import { formatTracemallocLines } from '../../src/reports/diff-tracemalloc.js';
import { wholeNumberOption } from '../number-options.js';
import { reportWrote, withQuietOption, type QuietArgs } from '../quiet-option.js';
import { runCommand, writeStdout } from '../run-command.js';
import { depthOption } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { noteRenamed, pythonOption, withLenientOption } from '../trace-options.js';
import { instantOptionsOf } from '../at-end-option.js';
import { fileOutput } from '../output-option.js';
import { DEFAULT_TOP } from '../../src/options/site-options.js';
import { DEFAULT_TRACE_OPTIONS } from '../../src/options/trace-options.js';

interface DiffArgs extends QuietArgs {
  old: string;
  new: string;
  by: string;
  cumulative: boolean;
  json: boolean;
  style?: string;
  /** The old name of --style (hidden; taken with a note until 1.0). */
  format?: string;
  top?: string;
  depth?: string;
  oldLabel?: string;
  newLabel?: string;
  at?: string;
  atEnd?: boolean;
  python?: string;
  lenient?: boolean;
  output?: string;
  force: boolean;
}

const DIFF_STYLES = ['text', 'tracemalloc'] as const;

export const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <old> <new>',
  describe: 'compare two tracemalloc snapshots (as Snapshot.compare_to) or two event traces',
  builder: (y: Argv) =>
    withLenientOption(withQuietOption(y), 'event traces: skip bad records instead of stopping at the first')
      .positional('old', { type: 'string', demandOption: true, describe: 'the earlier snapshot or trace, or - for stdin' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the later snapshot or trace, or - for stdin' })
      .option('by', { type: 'string', choices: DIFF_KEYS, default: 'lineno', describe: "group by the innermost frame's line, its file, or the whole traceback (compare_to's key_type)" })
      .option('cumulative', { type: 'boolean', default: false, describe: 'count each block under every frame of its traceback (with --by lineno or filename)' })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (${SNAPSHOT_DIFF_SCHEMA} or ${TRACE_DIFF_SCHEMA})` })
      .option('style', { type: 'string', choices: DIFF_STYLES, defaultDescription: DIFF_STYLES[0], describe: "output: a table, or exactly the lines Python prints for each of compare_to's statistics" })
      .option('format', { type: 'string', choices: DIFF_STYLES, hidden: true })
      .option('top', { type: 'string', describe: `statistics to list (default: ${DEFAULT_TOP} in the table, all with --json or --style tracemalloc)` })
      .option('depth', { type: 'string', describe: "event traces: keep the innermost N frames of each stack (as tracemalloc's traceback_limit)" })
      .option('old-label', { type: 'string', describe: 'the label of the snapshot to read from OLD (a JSONL file with several snapshots)' })
      .option('new-label', { type: 'string', describe: 'the label of the snapshot to read from NEW' })
      .option('at', {
        type: 'string',
        describe: 'event traces: compare at the first mark with this label in each (default: the stats mark of each trace that has one, else its end)',
      })
      .option('at-end', { type: 'boolean', describe: 'event traces: compare at the ends, after the interpreter shutdown, even when the traces have a stats mark' })
      .conflicts('at', 'at-end')
      .option('python', { type: 'string', describe: "event traces: the CPython version to model; default: each trace's metadata, else 3.11" })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' }) as unknown as Argv<DiffArgs>,
  handler: (args: ArgumentsCamelCase<DiffArgs>) =>
    runCommand(async () => {
      const by = args.by as DiffKey;
      const style = styleOption(args);
      if (args.json && style !== 'text') throw new UsageError('--json and --style tracemalloc are two different outputs: choose one');
      const depth = depthOption(args.depth);
      const oldPath = traceArgument(args.old);
      const newPath = traceArgument(args.new);
      // The table lists the default --top; JSON and Python's lines list every statistic.
      const top = wholeNumberOption('top', args.top, 0) ?? (args.json || style === 'tracemalloc' ? Infinity : DEFAULT_TOP);

      // OLD and NEW are never written over, not even with --force.
      const inputs = [oldPath, newPath];
      const output = fileOutput(args.output);
      refuseInputsAsOutputs([output], inputs);
      const diff = await runDiff(oldPath, newPath, {
        by,
        cumulative: args.cumulative,
        oldLabel: args.oldLabel,
        newLabel: args.newLabel,
        side: { trace: { python: pythonOption(args.python), lenient: args.lenient ?? DEFAULT_TRACE_OPTIONS.lenient }, instant: instantOptionsOf(args), depth },
        names: { old: args.old, new: args.new },
      });
      const report = args.json
        ? diff.kind === 'snapshot' ? formatSnapshotDiffJson(diff.result, top) : formatTraceDiffJson(diff.result, top)
        : style === 'tracemalloc'
          ? formatTracemallocLines(diff.result.statistics.slice(0, top))
          : diff.kind === 'snapshot'
            ? formatSnapshotDiffText(diff.result, top)
            : formatTraceDiffText(diff.result, top);
      if (output !== undefined) {
        writeReportFile(output, report, { force: args.force, inputs });
        reportWrote(args, output);
      } else {
        writeStdout(report);
      }
    }),
};

/** --style, or its old name --format with a note on stderr. */
function styleOption(args: DiffArgs): string {
  if (args.format === undefined) return args.style ?? DIFF_STYLES[0];
  if (args.style !== undefined) throw new UsageError('--format is the old name of --style: give --style only');
  noteRenamed('format', 'style');
  return args.format;
}
