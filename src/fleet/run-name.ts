// A fleet run's name: what submit, status and report agree on. It becomes
// part of Redis keys and BullMQ job ids, so it is kept to a plain alphabet
// (no `:`, which BullMQ refuses in ids and Redis tools read as a separator).

import { UsageError } from '../errors.js';

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkRunName(name: string): string {
  if (!RUN_NAME.test(name)) {
    throw new UsageError(`--run ${JSON.stringify(name)}: a run name is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. nightly-2026-12-07)`);
  }
  return name;
}
