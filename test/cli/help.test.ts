// `--help` of every command, laid out at terminal widths: lines are wrapped
// between words, never inside one. The unwrapped help (YARGS_DISABLE_WRAP)
// is the reference: wrapping may only change whitespace, so both must hold
// the same words in the same order.

import { describe, expect, it } from 'vitest';
import { memreplay } from './helpers.js';

const COMMANDS = ['', 'stats', 'analyze', 'leaks', 'check', 'report', 'diff', 'record', 'convert', 'fleet'];
const WIDTHS = [80, 110];

function help(command: string, env: Record<string, string>): string {
  const r = memreplay([...(command ? [command] : []), '--help'], undefined, undefined, env);
  expect(r.code).toBe(0);
  return r.stdout;
}

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

describe('memreplay --help', () => {
  it('says where --gen-suppressions may write per command, and how byte budgets are written', () => {
    const check = help('check', { YARGS_DISABLE_WRAP: '1' });
    expect(check).toContain('write suppression entries for the sites that failed a budget to FILE');
    expect(check).not.toContain('- for stdout');
    expect(check).toMatch(/--max-peak-footprint +peak footprint, arenas plus C-library bytes: 1048576, 64MiB, 1\.5GB/);
    expect(check).toMatch(/--max-leaked-bytes +[^\n]*: 1048576, 64MiB, 1\.5GB/);
    expect(check).toMatch(/--max-fragmentation +[^\n]*at most 1 \(100%\)/);
    expect(help('leaks', { YARGS_DISABLE_WRAP: '1' })).toContain('write suppression entries for the findings to FILE, or - for stdout');
  });

  for (const command of COMMANDS) {
    it(`${command || '(no command)'}: wraps between words at widths ${WIDTHS.join(' and ')}`, () => {
      const unwrapped = help(command, { YARGS_DISABLE_WRAP: '1' });
      for (const width of WIDTHS) {
        const text = help(command, { COLUMNS: String(width) });
        expect(words(text), `width ${width}`).toEqual(words(unwrapped));
        for (const line of text.split('\n')) expect(line.length, `width ${width}: ${line}`).toBeLessThanOrEqual(width);
      }
    });
  }

  it('record: the usage keeps [options] whole and says what the command does', () => {
    const text = help('record', { COLUMNS: '80' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('memreplay record -o OUT.mrt|OUT.csv[.gz] [options] -- script.py [args]');
    expect(lines[1]).toBe('memreplay record -o OUT.mrt|OUT.csv[.gz] [options] -- -m module [args]');
    expect(text).toMatch(/^run a Python program and record every allocation/m);
    expect(lines).toContain('  memreplay record -o t.csv --python python3.12 -- -m mypackage.cli');
  });

  it('--version is listed by memreplay, not by its commands', () => {
    expect(help('', { COLUMNS: '110' })).toMatch(/^\s+--version\s/m);
    for (const command of COMMANDS.filter((c) => c !== '')) expect(help(command, { COLUMNS: '110' }), command).not.toMatch(/--version/);
  });

  it('labels whole-number options [number] and gives required variadic positionals no [] default', () => {
    const numbers: Record<string, string[]> = {
      stats: ['--at-event'],
      analyze: ['--top', '--jobs', '--depth'],
      leaks: ['--top', '--depth'],
      check: ['--top', '--jobs', '--depth'],
      report: ['--jobs', '--depth'],
      diff: ['--top', '--depth'],
      record: ['--frames'],
    };
    for (const [command, options] of Object.entries(numbers)) {
      // Unwrapped, an option's tags end its line.
      const lines = help(command, { YARGS_DISABLE_WRAP: '1' }).split('\n');
      for (const option of options) {
        const line = lines.find((l) => new RegExp(`^\\s+(-\\w, )?${option}\\s`).test(l));
        expect(line, `${command} ${option}`).toMatch(/\[number\]( \[default: \d+\])?$/);
      }
      // Required variadic positionals (<traces..>); record's [program..] is optional and empty by default.
      if (command !== 'record') expect(lines.join('\n'), command).not.toContain('[default: []]');
    }
  });
});
