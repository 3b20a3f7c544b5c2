// What `memreplay record` does with the termination signals it receives
// while the program runs: it stays alive to finish the trace, and the
// program gets the signal, exactly once.
//
// Ctrl-C at a terminal goes to the whole foreground process group, which
// holds the program (the launcher is not detached: it must be able to read
// the terminal): passing it on as well would give the program a second
// KeyboardInterrupt, in its cleanup. A SIGINT sent to this process alone
// (`kill -INT`, a supervisor, a CI runner's cancel) reaches nobody else, and
// is passed on. Which one it was cannot be told from the signal; it can be
// told from where we stand: only a process in its terminal's foreground
// group gets the terminal's Ctrl-C. SIGTERM and SIGHUP are always passed on.
// (SIGKILL cannot be caught: the launcher asks the kernel to kill it when
// this process dies, PR_SET_PDEATHSIG.)

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * True when this process is in the foreground process group of its
 * controlling terminal (so a Ctrl-C there also reached the program). From
 * /proc/self/stat: field 5 is the process group, field 8 the terminal's
 * foreground group (-1 without a terminal).
 */
export function inTerminalForeground(statText: string): boolean {
  // The command name (field 2) is in parentheses and may hold spaces or ')'.
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const tpgid = Number(fields[5]);
  return tpgid > 0 && tpgid === pgrp;
}

function readOwnStat(): string {
  try {
    return readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return '';
  }
}

/** Passes SIGINT (unless from the terminal), SIGTERM and SIGHUP on to `child` until the returned function is called. */
export function forwardTermination(child: ChildProcess, ownStat: () => string = readOwnStat): () => void {
  const onInt = () => {
    if (!inTerminalForeground(ownStat())) child.kill('SIGINT');
  };
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
  };
}
