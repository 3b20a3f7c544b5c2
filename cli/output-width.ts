// How wide the text on stdout may be: $COLUMNS when set (as Python's shutil
// reads it), else the terminal's when stdout is one; undefined in a pipe or a
// file, where the text formatters keep their own default widths so that
// output piped or written to a file does not depend on a terminal.

export function stdoutWidth(): number | undefined {
  const columns = Number(process.env['COLUMNS']);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}
