// The glob of suppression patterns and --marks: `*` matches any run of
// characters (`/` included), `?` one character; everything else is literal.
// Compiled once to an anchored regular expression with only `.*` and `.` (no
// nested quantifiers); the text it meets is bounded (the stack table cuts
// frames at 1 KiB), which bounds the cost of the stars.

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += source.endsWith('.*') ? '' : '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

export function globMatcher(glob: string): (text: string) => boolean {
  const re = globToRegExp(glob);
  return (text) => re.test(text);
}
