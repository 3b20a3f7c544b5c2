// The names served to a --native launcher (src/record/frame-name-server.ts)
// over a real socket, as the launcher talks (recorder/src/native-names.c):
// module lines, then `name,0xADDR` questions, cut anywhere; one answer line
// per question, in the order asked, even when a later name is known first.

import { spawnSync } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveFrameNames } from '../../src/record/frame-name-server.js';
import { FrameNamer } from '../../src/record/native-symbols.js';
import { tempDir } from '../cli/helpers.js';
import { buildAlign } from './native-helpers.js';

/** Two connected ends of a Unix socket: [the launcher's, memreplay's]. */
async function socketPair(): Promise<[Socket, Socket]> {
  const path = join(tempDir(), 'names.sock');
  return new Promise((resolve) => {
    const server = createServer((served) => {
      server.close();
      resolve([client, served]);
    });
    let client: Socket;
    server.listen(path, () => (client = connect(path)));
  });
}

/** The launcher's side: writes `pieces` one by one, then reads `lines` answer lines. */
async function ask(launcher: Socket, pieces: string[], lines: number): Promise<string[]> {
  let text = '';
  const answered = new Promise<string[]>((resolve) => {
    launcher.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const got = text.split('\n');
      if (got.length > lines) resolve(got.slice(0, lines));
    });
  });
  for (const p of pieces) {
    launcher.write(p);
    await new Promise((r) => setTimeout(r, 5));
  }
  return answered;
}

describe('frame names served to the launcher', () => {
  it('answers each question in order, module lines and questions cut anywhere', async () => {
    const lib = buildAlign();
    const nm = spawnSync('nm', [lib], { encoding: 'utf8' }).stdout;
    const fn = BigInt(`0x${/^([0-9a-f]+) T align_block$/m.exec(nm)![1]}`);
    const bias = 0x7f1200000000n;
    const ret = (bias + fn + 4n).toString(16);
    const [launcher, ours] = await socketPair();
    const namer = new FrameNamer();
    const serving = serveFrameNames(ours, namer);
    const text = `module,0x${bias.toString(16)},1048576,0x${bias.toString(16)},,,,,,"${lib}"\nname,0x${ret}\nname,0x99\nname,0x${ret}\n`;
    // An unknown address (answered at once) after one addr2line must look up: still in order.
    const answers = await ask(launcher, [text.slice(0, 17), text.slice(17, text.length - 9), text.slice(text.length - 9)], 3);
    expect(answers[0]).toMatch(new RegExp(`^align_block \\(.*align\\.c:\\d+\\) \\[libalign\\.so\\+0x${(fn + 4n).toString(16)}\\]$`));
    expect(answers.slice(1)).toEqual(['?? [??+0x99]', answers[0]]);
    launcher.end();
    await serving;
    expect(await namer.close()).toEqual({ addresses: 2, named: 1, modules: 1 });
  });

  it('ends when the launcher closes its end, answering nothing more', async () => {
    const [launcher, ours] = await socketPair();
    const serving = serveFrameNames(ours, new FrameNamer());
    launcher.end('module,garbage\n');
    await expect(serving).resolves.toBeUndefined();
  });
});
