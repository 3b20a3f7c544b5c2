// memreplay record passes SIGINT on only when the terminal's Ctrl-C has not
// already reached the program (it is in the same foreground group).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inTerminalForeground } from '../../src/record/signal-forwarding.js';

/** A /proc/PID/stat line with this process group and terminal foreground group. */
function stat(comm: string, pgrp: number, tpgid: number): string {
  return `4242 (${comm}) S 1 ${pgrp} ${pgrp} 34816 ${tpgid} 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123 0 0`;
}

describe('terminal foreground', () => {
  it('is the process group the terminal sends Ctrl-C to', () => {
    expect(inTerminalForeground(stat('node', 500, 500))).toBe(true);
    expect(inTerminalForeground(stat('node', 500, 777))).toBe(false);
  });

  it('is never the case without a controlling terminal (tpgid -1), nor for an unreadable stat', () => {
    expect(inTerminalForeground(stat('node', 500, -1))).toBe(false);
    expect(inTerminalForeground('')).toBe(false);
  });

  it('reads past a command name holding spaces and parentheses', () => {
    expect(inTerminalForeground(stat('a) b (c', 9, 9))).toBe(true);
    expect(inTerminalForeground(stat('a) 1 2 3 4 5 (c', 9, 8))).toBe(false);
  });

  it('parses this process\'s own stat', () => {
    const own = readFileSync('/proc/self/stat', 'utf8');
    const fields = own.slice(own.lastIndexOf(')') + 2).split(' ');
    expect(inTerminalForeground(own)).toBe(Number(fields[5]) > 0 && fields[5] === fields[2]);
  });
});
