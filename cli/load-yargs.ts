// yargs, loaded so that its help reads well at any width.
//
// - yargs 17's ES-module build lays out help with cliui's stand-in wrapper,
//   which cuts lines every N characters, mid-word (yargs/yargs#2112); its
//   CommonJS build wraps at word boundaries (wrap-ansi). Same API, same
//   version, so it is loaded through `require`.
// - cliui then puts an option's tags ([string] [default: ...]) at the end of
//   the description's last line when they fit. When they fit exactly, nothing
//   is left between them ("files written[boolean]"); such tags go on a line of
//   their own instead, as they do when they do not fit.

import { createRequire } from 'node:module';
import type { Argv } from 'yargs';

interface Line {
  text: string;
  span?: boolean;
  hidden?: boolean;
}
type RenderInline = (this: unknown, source: string, previousLine: Line) => string;

const require = createRequire(import.meta.url);
const yargs = require('yargs') as (args: string[]) => Argv;

// The cliui that yargs requires (resolved from yargs' own folder).
const cliui = createRequire(require.resolve('yargs'))('cliui') as (opts: { width: number }) => object;
const layout = Object.getPrototypeOf(cliui({ width: 80 })) as { renderInline?: RenderInline };
const renderInline = layout.renderInline;
if (typeof renderInline === 'function') {
  layout.renderInline = function (source, previousLine) {
    const out = renderInline.call(this, source, previousLine);
    if (out === source || out !== previousLine.text.trimEnd() + source.trimStart()) return out;
    previousLine.hidden = false;
    return source;
  };
}

export { yargs };
