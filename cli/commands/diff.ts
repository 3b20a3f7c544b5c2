// `memreplay diff OLD NEW`: compare two tracemalloc snapshots (Snapshot.dump()
// pickles or JSONL snapshots) exactly as Snapshot.compare_to does, or two
// event traces (live blocks at the end, high-water marks, fragmentation).
// What each input is comes from its first bytes; both must be of one kind.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DIFF_KEYS, diffSnapshots, SNAPSHOT_DIFF_SCHEMA, type DiffKey } from '../../src/analyzers/snapshot-diff.js';
import { diffTraces, TRACE_DIFF_SCHEMA } from '../../src/analyzers/trace-diff.js';
import { replayForDiff } from '../../src/run/diff.js';
import { UsageError } from '../../src/errors.js';
import { readDiffInput, type DiffInput } from '../../src/import/snapshot-source.js';
import { refuseInputsAsOutputs } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { snapshotDiffDocument, traceDiffDocument } from '../../src/reports/diff-json.js';
import { formatSnapshotDiffText, formatTraceDiffText } from '../../src/reports/diff-text.js';
import { formatTracemallocLines } from '../../src/reports/diff-tracemalloc.js';
import { wholeNumberOption } from '../number-options.js';
import { reportWrote, withQuietOption, type QuietArgs } from '../quiet-option.js';
import { runCommand, writeStdout } from '../run-command.js';
import { depthOption } from '../site-options.js';
import { traceArgument } from '../stdin-argument.js';
import { pythonOption } from '../trace-options.js';

interface DiffArgs extends QuietArgs {
  old: string;
  new: string;
  by: string;
  cumulative: boolean;
  json: boolean;
  format: string;
  top?: string;
  depth?: string;
  oldLabel?: string;
  newLabel?: string;
  at?: string;
  atEnd?: boolean;
  python?: string;
  lenient: boolean;
  output?: string;
  force: boolean;
}

/** Rows listed by the text table unless --top says otherwise (JSON and tracemalloc lines list all). */
const TEXT_TOP = 20;

export const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <old> <new>',
  describe: 'compare two tracemalloc snapshots (as Snapshot.compare_to) or two event traces',
  builder: (y: Argv) =>
    withQuietOption(y)
      .positional('old', { type: 'string', demandOption: true, describe: 'the earlier snapshot or trace, or - for stdin' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the later snapshot or trace, or - for stdin' })
      .option('by', { type: 'string', choices: DIFF_KEYS, default: 'lineno', describe: "group by the innermost frame's line, its file, or the whole traceback (compare_to's key_type)" })
      .option('cumulative', { type: 'boolean', default: false, describe: 'count each block under every frame of its traceback (with --by lineno or filename)' })
      .option('json', { type: 'boolean', default: false, describe: `print one JSON document (${SNAPSHOT_DIFF_SCHEMA} or ${TRACE_DIFF_SCHEMA})` })
      .option('format', { type: 'string', choices: ['text', 'tracemalloc'], default: 'text', describe: "output: a table, or exactly the lines Python prints for each of compare_to's statistics" })
      .option('top', { type: 'string', describe: `statistics to list (default: ${TEXT_TOP} in the table, all with --json or --format tracemalloc)` })
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
      .option('lenient', { type: 'boolean', default: false, describe: 'event traces: skip bad records instead of stopping at the first' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the report to this file instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the --output file if it exists' }) as unknown as Argv<DiffArgs>,
  handler: (args: ArgumentsCamelCase<DiffArgs>) =>
    runCommand(async () => {
      const by = args.by as DiffKey;
      if (args.cumulative && by === 'traceback') throw new UsageError('--cumulative works with --by lineno or --by filename, not traceback (as in tracemalloc)');
      if (args.json && args.format !== 'text') throw new UsageError('--json and --format tracemalloc are two different outputs: choose one');
      const depth = depthOption(args.depth);
      const oldPath = traceArgument(args.old);
      const newPath = traceArgument(args.new);
      if (oldPath === '-' && newPath === '-') throw new UsageError('only one of OLD and NEW can be - (standard input)');
      const python = pythonOption(args.python);
      const top = wholeNumberOption('top', args.top, 0) ?? (args.json || args.format === 'tracemalloc' ? Infinity : TEXT_TOP);

      // OLD and NEW are never written over, not even with --force.
      const inputs = [oldPath, newPath];
      refuseInputsAsOutputs([args.output], inputs);
      const older = await readDiffInput(oldPath, { label: args.oldLabel, labelOption: '--old-label' });
      const newer = await readDiffInput(newPath, { label: args.newLabel, labelOption: '--new-label' });
      let report: string;
      if (older.kind === 'snapshot' && newer.kind === 'snapshot') {
        if (args.at !== undefined) throw new UsageError('--at names a mark of an event trace; snapshots are one instant already');
        if (args.atEnd === true) throw new UsageError('--at-end applies to event traces; snapshots are one instant already');
        if (depth !== undefined) throw new UsageError('--depth applies to event traces; a snapshot kept the frames tracemalloc was asked for (its traceback_limit)');
        const d = diffSnapshots(older.snapshot, newer.snapshot, by, args.cumulative);
        report = args.json
          ? JSON.stringify(snapshotDiffDocument(d, top), null, 2) + '\n'
          : args.format === 'tracemalloc'
            ? formatTracemallocLines(d.statistics.slice(0, top))
            : formatSnapshotDiffText(d, top);
      } else if (older.kind === 'trace' && newer.kind === 'trace') {
        const replay = (input: typeof older) =>
          replayForDiff(input.path, {
            python,
            lenient: args.lenient,
            ...(args.at !== undefined ? { stopAtMark: args.at } : {}),
            ...(args.atEnd === true ? { atEnd: true } : {}),
            ...(depth !== undefined ? { depth } : {}),
            ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
          });
        const d = diffTraces(await replay(older), await replay(newer), by, args.cumulative);
        report = args.json
          ? JSON.stringify(traceDiffDocument(d, top), null, 2) + '\n'
          : args.format === 'tracemalloc'
            ? formatTracemallocLines(d.statistics.slice(0, top))
            : formatTraceDiffText(d, top);
      } else {
        throw new UsageError(`${args.old} is ${kindName(older)} and ${args.new} is ${kindName(newer)}: diff compares two snapshots or two event traces`);
      }
      if (args.output !== undefined) {
        writeReportFile(args.output, report, { force: args.force, inputs });
        reportWrote(args, args.output);
      } else {
        writeStdout(report);
      }
    }),
};

function kindName(input: DiffInput): string {
  return input.kind === 'snapshot' ? 'a snapshot' : 'an event trace';
}
