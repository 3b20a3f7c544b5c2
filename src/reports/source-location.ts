// Where in the user's code a leak site is: the innermost frame of its stack
// that is in the project — under the source root (or a relative path), not
// the standard library, not an installed package, not a frozen or generated
// module. CI annotations and SARIF results point there, so the line a
// reviewer sees is the user's own call, not json/decoder.py.

import { isAbsolute, posix, relative, sep, win32 } from 'node:path';
import { parseFrame, type PythonFrame } from '../analyzers/frame-text.js';

export interface SourceLocation {
  readonly frame: PythonFrame;
  /** The file relative to the source root with `/` separators, or null when it is not under it. */
  readonly relativePath: string | null;
  readonly inProject: boolean;
}

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

export function locate(frameText: string, root: string): SourceLocation {
  const frame = parseFrame(frameText);
  const relativePath = pathUnderRoot(frame.file, root);
  const normalized = frame.file.replace(/\\/g, '/');
  const inProject = relativePath !== null && !relativePath.startsWith('../') && !THIRD_PARTY.test(normalized) && !STDLIB.test(normalized);
  return { frame, relativePath, inProject };
}

/**
 * The innermost in-project frame of a stack (oldest first); without one, the
 * innermost frame; null for an empty stack.
 */
export function siteLocation(stack: readonly string[], root: string): SourceLocation | null {
  if (stack.length === 0) return null;
  for (let i = stack.length - 1; i >= 0; i--) {
    const loc = locate(stack[i]!, root);
    if (loc.inProject) return loc;
  }
  return locate(stack[stack.length - 1]!, root);
}
