// Whole-number options. yargs' `type: 'number'` turns `abc` into NaN before a
// command sees it, so these options are declared as strings and checked here,
// where the message can echo what the user typed.

import { UsageError } from '../src/errors.js';

/** The option's value as a whole number >= min; undefined when it was not given. */
export function wholeNumberOption(flag: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new UsageError(`--${flag} was given ${value.length} times: give it once`);
  const text = String(value);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`--${flag} ${JSON.stringify(text)}: expected a whole number >= ${min}`);
  }
  return Number(text);
}
