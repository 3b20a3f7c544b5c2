// Shrinking a failing fuzz input down to what still fails.

import { expect, test } from 'vitest';
import { shrinkBytes, signature } from '../../fuzz/minimize.js';

test('drops every byte the failure does not need', async () => {
  const input = Buffer.from('op,addr,size\nalloc,0x10,16\nfree,0x10,\nalloc,0x20,"unterminated\nmark,,,\n');
  const fails = async (b: Uint8Array): Promise<boolean> => Buffer.from(b).includes('"un');
  expect(Buffer.from(await shrinkBytes(input, fails, 10_000)).toString()).toBe('"un');
});

test('keeps the input whole when no smaller part fails', async () => {
  const input = Buffer.from('abc');
  expect(Buffer.from(await shrinkBytes(input, async (b) => b.length === 3, 10_000)).toString()).toBe('abc');
});

test('a failure is known again by its problem and message with the numbers left out', () => {
  expect(signature('mismatch', '<stdin>:12: bad size 7\nmore')).toBe(signature('mismatch', '<stdin>:3: bad size 100'));
  expect(signature('mismatch', '<stdin>:12: bad size')).not.toBe(signature('internal-error', '<stdin>:12: bad size'));
});
