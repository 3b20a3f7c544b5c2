// Every --json document is written the same way: two-space indent, one
// final newline, so documents diff line by line and end like text files.

export function documentText(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
