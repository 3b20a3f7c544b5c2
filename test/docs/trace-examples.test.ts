// The example traces in README.md and docs/trace-format.md claim to be
// complete traces of a real allocator: each must replay with every address
// predicted, or the documentation teaches a format the model disagrees with.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memreplay, ROOT } from '../cli/helpers.js';

/** The fenced blocks of a Markdown file that are traces (a `# python:` preamble or a JSONL meta line). */
function exampleTraces(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks = [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.filter((b) => b.startsWith('# python:') || b.startsWith('{"op":"meta"'));
}

describe.each(['README.md', 'docs/trace-format.md'])('the example traces of %s', (file) => {
  const examples = exampleTraces(file);

  it('exist', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e, i) => [i + 1, e]))('example %i replays exactly (stats --verify)', (_n, example) => {
    const r = memreplay(['stats', '--verify', '-'], example as string);
    expect(r.stderr).toMatch(/EXACT/);
    expect(r.code).toBe(0);
  });
});
