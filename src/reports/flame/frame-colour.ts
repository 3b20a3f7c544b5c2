// Colours of flame graph frames, by file or by package, so that the frames
// of one file (or one package) read as one patch. The colour is a hash of
// the name, so it is the same in every picture of every trace; hues are
// kept warm (red to yellow, as flame graphs are usually drawn) and light
// enough for black labels.
//
// A frame's package (docs/flame-graphs.md says the same):
// - under `site-packages/` or `dist-packages/`: the first path component
//   after it (`numpy`, `requests`; a top-level module loses its `.py`);
// - a frame of `<frozen importlib._bootstrap>` or any `<...>` file: that name;
// - under a `lib/pythonX.Y/` folder otherwise: `stdlib`;
// - else the file's folder (the program's own code), or the file itself at
//   the top.

import { parseFrame } from '../../events/frame-text.js';

export const COLOUR_BY = ['file', 'package'] as const;
export type ColourBy = (typeof COLOUR_BY)[number];

/** Frames that are no frame of the trace: the root, and merged "other" frames. */
export const ROOT_COLOUR = 'hsl(0,0%,82%)';
export const OTHER_COLOUR = 'hsl(0,0%,90%)';

const INSTALLED = /(?:^|[\\/])(?:site|dist)-packages[\\/]([^\\/]+)/;
const STDLIB = /(?:^|[\\/])lib[\\/]python\d+(?:\.\d+)?t?[\\/]/;

/** The package a file belongs to, by the rules above. */
export function packageOf(file: string): string {
  const installed = INSTALLED.exec(file);
  if (installed !== null) return installed[1]!.replace(/\.py$/, '');
  if (file.startsWith('<')) return file;
  if (STDLIB.test(file)) return 'stdlib';
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return slash > 0 ? file.slice(0, slash) : file;
}

/** What a frame is coloured by: its file, or its file's package. */
export function colourKey(frame: string, by: ColourBy): string {
  const { file } = parseFrame(frame);
  return by === 'file' ? file : packageOf(file);
}

/** A warm, light colour for a key: hue 0-60 (red to yellow), 55-80% saturation, 62-74% lightness. */
export function colourOf(key: string): string {
  // FNV-1a over UTF-16 code units: cheap, and spreads close names apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const hue = h % 61;
  const saturation = 55 + ((h >>> 8) % 26);
  const lightness = 62 + ((h >>> 16) % 13);
  return `hsl(${hue},${saturation}%,${lightness}%)`;
}
