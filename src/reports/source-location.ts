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
