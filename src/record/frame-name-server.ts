// The names of a --native recording's frames, served to the launcher as it
// runs (recorder/src/native-names.h): on one socket it sends its module map
// as `module` lines and asks `name,0xADDR`; each asked name is answered with
// the frame's text on a line of its own, in the order asked. The launcher
// writes the trace itself, its stack records named: only these few lines
// (one question per new return address) pass through here.

import type { Duplex } from 'node:stream';
import { parseModuleLine, type FrameNamer } from './native-symbols.js';

const NAME = 'name,0x';

/** Answers the launcher on `socket` until it closes its end. */
export async function serveFrameNames(socket: Duplex, namer: FrameNamer): Promise<void> {
  let partial = '';
  // Answers go out in order: each batch after the one before.
  let answered: Promise<void> = Promise.resolve();
  socket.setEncoding('utf8');
  socket.on('error', () => undefined); // the launcher gone: nothing more to answer
  for await (const chunk of socket) {
    const lines = (partial + (chunk as string)).split('\n');
    partial = lines.pop()!;
    const names: (string | Promise<string>)[] = [];
    for (const line of lines) {
      if (line.startsWith(NAME)) names.push(namer.name(line.slice(NAME.length)));
      else {
        const m = parseModuleLine(line);
        if (m !== null) namer.addModule(m);
      }
    }
    if (names.length === 0) continue;
    answered = answered.then(async () => {
      const texts = await Promise.all(names);
      if (!socket.destroyed) socket.write(texts.join('\n') + '\n');
    });
  }
  await answered;
}
