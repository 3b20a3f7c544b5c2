// The difference between a golden file and a run's output, told in a few
// lines: a test failure should show what changed without a 1 MB dump.

/** Lines of context shown around a difference, and the most lines shown of a changed part. */
const CONTEXT = 3;
const SHOWN = 30;

/**
 * Where two texts differ: the part between their longest common first and
 * last lines, with a little context, numbered as in the golden file.
 */
export function describeDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  let head = 0;
  while (head < want.length && head < got.length && want[head] === got[head]) head++;
  let tail = 0;
  while (tail < want.length - head && tail < got.length - head && want[want.length - 1 - tail] === got[got.length - 1 - tail]) tail++;
  const from = Math.max(0, head - CONTEXT);
  const show = (lines: string[], sign: string, start: number, end: number): string[] => {
    const part = lines.slice(start, end).map((l) => `${sign}${l}`);
    return part.length > SHOWN ? [...part.slice(0, SHOWN), `${sign}... ${part.length - SHOWN} more lines`] : part;
  };
  return [
    `first difference at line ${head + 1}: ${want.length - head - tail} golden line(s) became ${got.length - head - tail}`,
    ...show(want, '  ', from, head),
    ...show(want, '- ', head, want.length - tail),
    ...show(got, '+ ', head, got.length - tail),
    ...show(want, '  ', want.length - tail, Math.min(want.length, want.length - tail + CONTEXT)),
  ].join('\n');
}
