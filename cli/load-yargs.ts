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
// - Each yargs instance guesses a version at its creation from the
//   package.json nearest its main module, which for an ES module is the
//   working directory: it lists every directory from there up to / (and
//   `require('yargs')` makes one such instance at once). memreplay gives its
//   own version, so the guess is sent to yargs' own package.json (one small
//   directory read), and the instance-less `yargs/yargs` is loaded.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';

interface Line {
  text: string;
  span?: boolean;
  hidden?: boolean;
}
type RenderInline = (this: unknown, source: string, previousLine: Line) => string;

const require = createRequire(import.meta.url);
const yargsPackage = require.resolve('yargs/package.json');
// The platform layer yargs' factory reads its main file name from (by path: the package does not export it).
const shim = (require(join(dirname(yargsPackage), 'build', 'index.cjs')) as { cjsPlatformShim?: { mainFilename?: string } }).cjsPlatformShim;
if (shim) shim.mainFilename = yargsPackage;
const yargs = require('yargs/yargs') as (args: string[]) => Argv;

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
