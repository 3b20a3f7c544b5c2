// What a "site" is, for every command that groups live blocks (analyze,
// leaks, check, report, diff): what `--by` asks for — the innermost frame,
// its function, its file, or the innermost `--depth` frames of the traceback.
// Blocks without a stack (the trace has none, or the block was allocated
// before the interpreter had Python frames) are grouped by domain and size
// class, so they still say where they live.
//
// A block is mapped to its site once per distinct stack (a cached typed-array
// lookup afterwards), so a walk of the live blocks costs one array read per
// block; a suppression hook decides per stack whether its blocks are left out
// (counted per rule), and each site remembers whether any of its stacks ran
// outside the import machinery (the windows growth rule asks). Site ids are
// small integers from 0, in first-seen order.
//
// A traceback site is keyed by its frame ids, not by its text: the text of
// 256 frames of 1 KiB is 263 K characters, so 80 k distinct deep stacks
// would keep gigabytes, and V8 hashes strings past 16,383 characters by
// length alone (long-keys.ts), which makes a Map of them quadratic. Its
// frame ids take 4 bytes a frame, looked up by a numeric hash; the text is
// built only when a site's key is read, for the sites a command shows.
//
// Blame goes to the user's code. Import-machinery frames (importlib's
// bootstrap) are folded into the frame that caused the import: dropping them
// leaves the `import` line below them, or the `<module>` frame of the module
// being executed above them, as the innermost frame (`keepImportFrames`
// keeps them). With a `projectRoot`, the frame a site is named by is the
// innermost one inside the project (as SARIF locates results), when the
// stack has one; else the innermost frame left after folding.
//
// A native block (the native contract: its innermost frame is a C frame)
// is named by two frames: the innermost native frame, the C function that
// called malloc, and the innermost Python frame of its stack, the Python line
// that led there (`copy_item [_ring.so+0x11a0] <- main.py:3`). Its `frame`
// is that Python frame, so that locations (SARIF, annotations) point at the
// user's Python line; `nativeFrame` is the C one. `traceback` keys stay the
// whole mixed stack.

import { DOMAIN_COUNT, DOMAIN_NAMES, DOMAIN_NATIVE, DOMAIN_RAW } from '../events/ops.js';
import type { StackTable } from '../events/stack-table.js';
import { blockSize, type PymallocGeometry } from '../models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../models/pymalloc/pymalloc-view.js';
import { isNativeFrame, parseFrame } from '../events/frame-text.js';
import { isProjectFrame } from './project-frames.js';

import type { SiteGroupingOptions } from '../options/site-options.js';

export { DEFAULT_SITE_GROUPING, SITE_GROUPINGS, type SiteGrouping, type SiteGroupingOptions } from '../options/site-options.js';

/** siteOf() for a block whose stack a suppression rule matched. */
export const SUPPRESSED = -1;

/** The pseudo size class of blocks the C library served (sizes 0 and > 512, raw domain). */
export const C_LIBRARY_CLASS = -1;

export interface SiteTableOptions extends SiteGroupingOptions {
  /** The index of the suppression rule matching a stack (frames oldest first), or -1. */
  readonly suppressionOf?: (frames: readonly string[]) => number;
}

export interface SiteInfo {
  readonly key: string;
  /** A stack of one of the site's blocks (the first seen), or -1 for no-stack sites. */
  readonly exampleStack: number;
  /**
   * The frame the site is named by (with `traceback`: the one the other
   * groupings would name it by), or null for no-stack sites; for a native
   * site, the Python frame that led to the C function (null when its stack has none).
   */
  readonly frame: string | null;
  /** For a native site: the innermost native frame (the C function that called malloc); else null. */
  readonly nativeFrame: string | null;
  /** For no-stack sites: the domain and size class (C_LIBRARY_CLASS for the C library). */
  readonly noStack: { readonly domain: number; readonly sizeClass: number } | null;
}

/** stackSite entries: 0 not seen yet, IS_SUPPRESSED, or site + OFFSET. */
const IS_SUPPRESSED = 1;
const OFFSET = 2;
/** No-stack cache slots per domain: 32 size classes at most (3.8+: 32) plus the C library. */
const CLASS_SLOTS = 65;
/** frameKind bits. */
const FRAME_PLAIN = 1;
const FRAME_IMPORT = 2;
const FRAME_PROJECT = 4;
const FRAME_NATIVE = 8;

/** Between a native site's C frame and its Python frame in the site's key. */
export const NATIVE_SITE_SEPARATOR = ' <- ';

/** The key of the site of blocks without a stack: `(no stack) obj size class 3 (64-byte blocks)`. */
export function noStackSiteKey(domain: number, sizeClass: number, g: PymallocGeometry): string {
  if (domain === DOMAIN_RAW) return '(no stack) raw domain';
  if (domain === DOMAIN_NATIVE) return '(no stack) native domain';
  const d = DOMAIN_NAMES[domain] ?? 'obj';
  if (sizeClass === C_LIBRARY_CLASS) return `(no stack) ${d} C library (size 0 or > 512)`;
  return `(no stack) ${d} size class ${sizeClass} (${blockSize(g, sizeClass)}-byte blocks)`;
}

/**
 * A frame of the import machinery: importlib's bootstrap (frozen, as CPython
 * names it in tracebacks, or from its source file) or zipimport.
 */
export function isImportFrame(frame: string): boolean {
  return (
    frame.includes('importlib._bootstrap') ||
    frame.includes('importlib/_bootstrap') ||
    frame.includes('importlib\\_bootstrap') ||
    frame.includes('<frozen zipimport>')
  );
}

export class SiteTable {
  private readonly ids = new Map<string, number>();
  /** Traceback sites: hash of the key's frame ids -> the last site with that hash. */
  private readonly tracebackIds = new Map<number, number>();
  /** Per traceback site: the earlier site with the same hash, or -1 (a chain per hash). */
  private sameHash = new Int32Array(256);
  private readonly infos: SiteInfo[] = [];
  /** Per site: 1 once a stack outside the import machinery maps to it. */
  private outsideImport = new Uint8Array(256);
  private stackSite = new Int32Array(1024);
  private stackRule = new Int32Array(1024).fill(-1);
  private readonly noStackSite = new Int32Array(DOMAIN_COUNT * CLASS_SLOTS).fill(-1);
  /** Per frame id: 0 not looked at yet, else FRAME_PLAIN plus FRAME_IMPORT / FRAME_PROJECT bits. */
  private frameKind = new Uint8Array(1024);
  /** The frame ids a stack is named from, reused for every stack (innermost last). */
  private kept: number[] = [];

  constructor(
    private readonly stacks: StackTable,
    private readonly geometry: PymallocGeometry,
    readonly options: SiteTableOptions,
  ) {}

  get count(): number {
    return this.infos.length;
  }

  info(site: number): SiteInfo {
    return this.infos[site]!;
  }

  /**
   * True when every stack seen for this site runs inside the import
   * machinery (a frame of importlib's bootstrap): allocations made while a
   * module is imported, once per import. False for no-stack sites.
   */
  importOnly(site: number): boolean {
    return this.infos[site]!.noStack === null && (site >= this.outsideImport.length || this.outsideImport[site] === 0);
  }

  /** The frames of the site's example stack, oldest first ([] for blocks without a stack). */
  exampleFrames(site: number): string[] {
    const stack = this.infos[site]!.exampleStack;
    return stack >= 0 ? this.stacks.frames(stack) : [];
  }

  /** The site of a live block, or SUPPRESSED. `pool` is its pool slot (NOT_PYMALLOC: C library). */
  siteOf(stack: number, domain: number, pool: number, sizeClassOfPool: (pool: number) => number): number {
    if (stack >= 0) {
      if (stack >= this.stackSite.length) this.growStacks(stack);
      const cached = this.stackSite[stack]!;
      if (cached >= OFFSET) return cached - OFFSET;
      if (cached === IS_SUPPRESSED) return SUPPRESSED;
      const site = this.siteOfStack(stack);
      if (site !== undefined) return site;
    }
    const cls = pool === NOT_PYMALLOC || domain >= DOMAIN_RAW ? C_LIBRARY_CLASS : sizeClassOfPool(pool);
    const slot = domain * CLASS_SLOTS + cls + 1;
    const known = this.noStackSite[slot]!;
    if (known >= 0) return known;
    // Not interned by key: a frame of a (hostile) trace spelled like this key
    // must not merge its blocks with these. The cache keeps it unique.
    const site = this.infos.length;
    this.infos.push({ key: noStackSiteKey(domain, cls, this.geometry), exampleStack: -1, frame: null, nativeFrame: null, noStack: { domain, sizeClass: cls } });
    this.noStackSite[slot] = site;
    return site;
  }

  /** The suppression rule that matched a stack, or -1. */
  suppressionOfStack(stack: number): number {
    return stack >= 0 && stack < this.stackRule.length ? this.stackRule[stack]! : -1;
  }

  /** First look at a stack: its site, SUPPRESSED, or undefined when it has no frames. */
  private siteOfStack(stack: number): number | undefined {
    const ids = this.stacks.frameIdsOf(stack);
    if (ids.length === 0) return undefined;
    const rule = this.options.suppressionOf?.(this.stacks.frames(stack)) ?? -1;
    if (rule >= 0) {
      this.stackSite[stack] = IS_SUPPRESSED;
      this.stackRule[stack] = rule;
      return SUPPRESSED;
    }
    const kept = this.keptFrames(ids);
    const innermost = kept[kept.length - 1]!;
    let site: number;
    if ((this.kindOf(innermost) & FRAME_NATIVE) !== 0) {
      const native = this.stacks.frameString(innermost);
      const python = this.pythonFrame(kept);
      const frame = python === -1 ? null : this.stacks.frameString(python);
      site =
        this.options.by === 'traceback'
          ? this.internTraceback(kept, stack, frame, native)
          : this.intern(this.nativeKeyOf(native, frame), stack, frame, native);
    } else {
      const named = this.stacks.frameString(this.namingFrame(kept));
      site = this.options.by === 'traceback' ? this.internTraceback(kept, stack, named, null) : this.intern(this.keyOf(named), stack, named, null);
    }
    this.stackSite[stack] = site + OFFSET;
    if (!this.underImport(ids)) this.markOutsideImport(site);
    return site;
  }

  /** The stack's frame ids (oldest first) with import frames folded away, unless kept or all there is. */
  private keptFrames(ids: Int32Array): number[] {
    const kept = this.kept;
    kept.length = 0;
    const fold = this.options.keepImportFrames !== true;
    for (let i = 0; i < ids.length; i++) if (!fold || (this.kindOf(ids[i]!) & FRAME_IMPORT) === 0) kept.push(ids[i]!);
    if (kept.length === 0) kept.push(ids[ids.length - 1]!);
    return kept;
  }

  /** The innermost kept frame in the project, else the innermost kept frame. */
  private namingFrame(kept: readonly number[]): number {
    if (this.options.projectRoot !== undefined) {
      for (let i = kept.length - 1; i >= 0; i--) if ((this.kindOf(kept[i]!) & FRAME_PROJECT) !== 0) return kept[i]!;
    }
    return kept[kept.length - 1]!;
  }

  /** The innermost Python frame of the kept frames (the innermost in the project, with a project root), or -1. */
  private pythonFrame(kept: readonly number[]): number {
    let any = -1;
    for (let i = kept.length - 1; i >= 0; i--) {
      const kind = this.kindOf(kept[i]!);
      if ((kind & FRAME_NATIVE) !== 0) continue;
      if (this.options.projectRoot === undefined || (kind & FRAME_PROJECT) !== 0) return kept[i]!;
      if (any === -1) any = kept[i]!;
    }
    return any;
  }

  /**
   * A native site's key: the C frame as the grouping names it (by lineno the
   * whole frame, by function `function [object]`, by filename its source
   * file or else its object), then the Python frame that led there, as
   * written (the Python line), or its file by filename.
   */
  private nativeKeyOf(native: string, python: string | null): string {
    const f = parseFrame(native);
    const object = f.native?.object ?? '';
    const by = this.options.by;
    const c = by === 'function' ? `${f.func} [${object}]` : by === 'filename' ? f.file || object : native;
    if (python === null) return c;
    return c + NATIVE_SITE_SEPARATOR + (by === 'filename' ? parseFrame(python).file : python);
  }

  /** The key of a site by lineno, function or filename (short: a frame is at most MAX_FRAME_CHARS). */
  private keyOf(named: string): string {
    if (this.options.by === 'function') {
      const f = parseFrame(named);
      return f.func === '' ? named : `${f.func} (${f.file})`;
    }
    return this.options.by === 'filename' ? parseFrame(named).file : named;
  }

  /** The site of the innermost `depth` kept frames, found by their ids (equal ids: equal frame text). */
  private internTraceback(kept: readonly number[], exampleStack: number, frame: string | null, nativeFrame: string | null): number {
    const from = Math.max(0, kept.length - (this.options.depth ?? kept.length));
    let hash = 0x811c9dc5;
    for (let i = from; i < kept.length; i++) hash = Math.imul(hash ^ kept[i]!, 0x01000193);
    const head = this.tracebackIds.get(hash);
    for (let s = head ?? -1; s >= 0; s = this.sameHash[s]!) {
      const known = (this.infos[s] as TracebackSite).frameIds;
      if (known.length !== kept.length - from) continue;
      let same = true;
      for (let i = 0; i < known.length && same; i++) same = known[i] === kept[from + i];
      if (same) return s;
    }
    const site = this.infos.length;
    this.infos.push(new TracebackSite(this.stacks, Int32Array.from(kept.slice(from)), exampleStack, frame, nativeFrame));
    if (site >= this.sameHash.length) {
      const bigger = new Int32Array(this.sameHash.length * 2);
      bigger.set(this.sameHash);
      this.sameHash = bigger;
    }
    this.sameHash[site] = head ?? -1;
    this.tracebackIds.set(hash, site);
    return site;
  }

  /** What a frame is (cached per frame id: stacks share frames). */
  private kindOf(frameId: number): number {
    if (frameId >= this.frameKind.length) {
      let n = this.frameKind.length;
      while (n <= frameId) n *= 2;
      const bigger = new Uint8Array(n);
      bigger.set(this.frameKind);
      this.frameKind = bigger;
    }
    let kind = this.frameKind[frameId]!;
    if (kind === 0) {
      const text = this.stacks.frameString(frameId);
      kind = FRAME_PLAIN;
      if (isNativeFrame(text)) kind |= FRAME_NATIVE;
      else if (isImportFrame(text)) kind |= FRAME_IMPORT;
      else if (this.options.projectRoot !== undefined && isProjectFrame(text, this.options.projectRoot)) kind |= FRAME_PROJECT;
      this.frameKind[frameId] = kind;
    }
    return kind;
  }

  private underImport(ids: Int32Array): boolean {
    for (let i = 0; i < ids.length; i++) if ((this.kindOf(ids[i]!) & FRAME_IMPORT) !== 0) return true;
    return false;
  }

  private markOutsideImport(site: number): void {
    if (site >= this.outsideImport.length) {
      let n = this.outsideImport.length;
      while (n <= site) n *= 2;
      const bigger = new Uint8Array(n);
      bigger.set(this.outsideImport);
      this.outsideImport = bigger;
    }
    this.outsideImport[site] = 1;
  }

  private intern(key: string, exampleStack: number, frame: string | null, nativeFrame: string | null): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const site = this.infos.length;
    this.infos.push({ key, exampleStack, frame, nativeFrame, noStack: null });
    this.ids.set(key, site);
    return site;
  }

  private growStacks(stack: number): void {
    let n = this.stackSite.length;
    while (n <= stack) n *= 2;
    const sites = new Int32Array(n);
    sites.set(this.stackSite);
    this.stackSite = sites;
    const rules = new Int32Array(n).fill(-1);
    rules.set(this.stackRule);
    this.stackRule = rules;
  }
}

/** A site by traceback: its frame ids, its text (`frame; frame; ...`, innermost last) built when read. */
class TracebackSite implements SiteInfo {
  readonly noStack = null;

  constructor(
    private readonly stacks: StackTable,
    /** The frame ids of the key, oldest first. */
    readonly frameIds: Int32Array,
    readonly exampleStack: number,
    readonly frame: string | null,
    readonly nativeFrame: string | null,
  ) {}

  /** Not kept: the text can be 263 K characters, and only the sites a command shows are read. */
  get key(): string {
    let text = '';
    for (let i = 0; i < this.frameIds.length; i++) text += (i === 0 ? '' : '; ') + this.stacks.frameString(this.frameIds[i]!);
    return text;
  }
}
