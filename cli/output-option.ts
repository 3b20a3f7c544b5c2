// `-o FILE` of the commands that print their report on standard output
// without it (leaks, analyze, diff): `-o -` names standard output, so it is
// the same as no -o at all.

/** The file -o names, or undefined for standard output (-o left out, or -o -). */
export function fileOutput(output: string | undefined): string | undefined {
  return output === '-' ? undefined : output;
}
