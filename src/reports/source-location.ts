// Where in the user's code a leak site is: the innermost frame of its stack
// that is in the project (analyzers/project-frames.ts says which are).

import { parseFrame, type PythonFrame } from '../events/frame-text.js';
import { isGeneratedFile, isProjectFile, pathUnderRoot } from '../analyzers/project-frames.js';

export { isGeneratedFile, pathUnderRoot };

export interface SourceLocation {
  readonly frame: PythonFrame;
  /** The file relative to the source root with `/` separators, or null when it is not under it. */
  readonly relativePath: string | null;
  readonly inProject: boolean;
}

export function locate(frameText: string, root: string): SourceLocation {
  const frame = parseFrame(frameText);
  const relativePath = pathUnderRoot(frame.file, root);
  return { frame, relativePath, inProject: isProjectFile(frame.file, relativePath) };
}

/**
 * The innermost in-project Python frame of a stack (oldest first); without
 * one, the innermost Python frame; without one, the innermost frame; null
 * for an empty stack. Native frames (C code) are passed over: a native
 * block is located at the Python line that led to its C function.
 */
export function siteLocation(stack: readonly string[], root: string): SourceLocation | null {
  if (stack.length === 0) return null;
  let python: SourceLocation | null = null;
  for (let i = stack.length - 1; i >= 0; i--) {
    const loc = locate(stack[i]!, root);
    if (loc.frame.native !== undefined) continue;
    if (loc.inProject) return loc;
    python ??= loc;
  }
  return python ?? locate(stack[stack.length - 1]!, root);
}
