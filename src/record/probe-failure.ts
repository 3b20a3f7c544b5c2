// What an interpreter said on stderr when it failed to answer the version
// query, cut to the line or lines that explain it. A Python traceback ends
// with its reason; anything else (a pyenv shim: "pyenv: python3.8: command
// not found", then which versions have it) starts with it.

/** Lines kept from a message that is not a traceback. */
const MAX_LINES = 3;
/** Characters kept in all. */
const MAX_CHARS = 300;

export function probeFailureText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return '(nothing on stderr)';
  if (lines.some((l) => l.startsWith('Traceback (most recent call last)'))) return cut(lines[lines.length - 1]!);
  let text = lines[0]!;
  for (const line of lines.slice(1, MAX_LINES)) text += (text.endsWith(':') ? ' ' : '; ') + line;
  return cut(text);
}

function cut(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, MAX_CHARS - 1)}…`;
}
