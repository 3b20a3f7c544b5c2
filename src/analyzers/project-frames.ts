// Which frames are the user's own: under the project root (or a relative
// path), not the standard library, not an installed package, not a frozen or
// generated module. Sites are named by such a frame when their stack has one,
// and CI annotations and SARIF results point there, so the line a reviewer
// sees is the user's own call, not json/decoder.py.

import { isAbsolute, posix, relative, sep, win32 } from 'node:path';
import { parseFrame } from '../events/frame-text.js';

const THIRD_PARTY = /(^|\/)(site-packages|dist-packages)\//;
const STDLIB = /(^|\/)lib\/python\d+(\.\d+)?t?\//i;

export function isGeneratedFile(file: string): boolean {
  return file.startsWith('<') || file === '';
}

/** The file relative to `root` (forward slashes), or null when it lies outside. */
export function pathUnderRoot(file: string, root: string): string | null {
  if (isGeneratedFile(file)) return null;
  const absolute = isAbsolute(file) || win32.isAbsolute(file);
  if (!absolute) return posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '');
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

/** A file of the project: `relativePath` is pathUnderRoot's answer for it. */
export function isProjectFile(file: string, relativePath: string | null): boolean {
  const normalized = file.replace(/\\/g, '/');
  return relativePath !== null && !relativePath.startsWith('../') && !THIRD_PARTY.test(normalized) && !STDLIB.test(normalized);
}

/** A frame (`function (file:line)` or `file:line`) whose file is the project's. */
export function isProjectFrame(frameText: string, root: string): boolean {
  const file = parseFrame(frameText).file;
  return isProjectFile(file, pathUnderRoot(file, root));
}
