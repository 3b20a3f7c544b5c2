// Plain-text table of bench results, so the terminal output and the numbers
// pasted into reviews have one fixed layout (the JSON report holds the same rows).

export interface BenchRow {
  mode: string;
  input: string;
  format: string;
  events: number;
  /** Runs measured; the row shows the median one. */
  runs: number;
  seconds: number;
  eventsPerSecond: number;
  /** Events/s of the slowest and the fastest run. */
  slowest: number;
  fastest: number;
  cpuSeconds: number;
  peakRssBytes: number;
  note: string;
}

/** One column of a fixed-layout text table: its title, alignment and the text of a row's cell. */
export interface TableColumn<Row> {
  readonly title: string;
  readonly right: boolean;
  readonly cell: (r: Row) => string;
}

/** Rows as a fixed-layout text table: a title line, a rule, then a line per row (the bench and compare tables). */
export function formatColumns<Row>(columns: readonly TableColumn<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const COLUMNS: readonly TableColumn<BenchRow>[] = [
  { title: 'mode', right: false, cell: (r) => r.mode },
  { title: 'input', right: false, cell: (r) => r.input },
  { title: 'format', right: false, cell: (r) => r.format },
  { title: 'events', right: true, cell: (r) => r.events.toLocaleString('en-US') },
  { title: 'seconds', right: true, cell: (r) => r.seconds.toFixed(2) },
  { title: 'M events/s', right: true, cell: (r) => (r.eventsPerSecond / 1e6).toFixed(2) },
  { title: 'runs: slowest-fastest', right: true, cell: (r) => `${r.runs}: ${(r.slowest / 1e6).toFixed(2)}-${(r.fastest / 1e6).toFixed(2)}` },
  { title: 'CPU s', right: true, cell: (r) => r.cpuSeconds.toFixed(2) },
  { title: 'peak RSS MB', right: true, cell: (r) => (r.peakRssBytes / 1e6).toFixed(0) },
  { title: 'note', right: false, cell: (r) => r.note },
];

export function formatTable(rows: readonly BenchRow[]): string {
  return formatColumns(COLUMNS, rows);
}
