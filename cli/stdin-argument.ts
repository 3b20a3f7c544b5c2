// `-` means standard input, but yargs turns a lone `-` positional into an
// empty string. Before parsing, a lone `-` becomes a token no path can be
// (it contains NUL); commands map it back with `traceArgument`.

const STDIN_TOKEN = '\u0000stdin';

export function protectStdinArgument(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((a, i) => (a === '-' && (end < 0 || i < end) ? STDIN_TOKEN : a));
}

export function traceArgument(value: string): string {
  return value === STDIN_TOKEN ? '-' : value;
}
