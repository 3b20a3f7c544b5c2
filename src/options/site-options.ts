// What a site is (--by, --depth, --keep-import-frames, --project-root) and
// how many are listed (--top), for every command that groups live blocks,
// declared once with their defaults.

export const SITE_GROUPINGS = ['lineno', 'function', 'filename', 'traceback'] as const;
export type SiteGrouping = (typeof SITE_GROUPINGS)[number];

/** How sites are named: `--by`, and with `traceback` the `--depth`. */
export interface SiteGroupingOptions {
  readonly by: SiteGrouping;
  /** With `traceback`: how many innermost frames make the key (absent: all). */
  readonly depth?: number | undefined;
  /** Keep importlib's frames (absent: folded into the frame that caused the import). */
  readonly keepImportFrames?: boolean | undefined;
  /** A site is named by its innermost frame under this directory, when its stack has one. */
  readonly projectRoot?: string | undefined;
}

/** The site grouping and how many sites (or groups, or statistics) a result lists. */
export interface SiteOptions extends SiteGroupingOptions {
  readonly top: number;
}

export const DEFAULT_SITE_GROUPING: SiteGroupingOptions = { by: 'lineno' };

/** The one default of --top: sites, live-block groups and diff rows listed. */
export const DEFAULT_TOP = 20;

export const DEFAULT_SITE_OPTIONS: SiteOptions = { ...DEFAULT_SITE_GROUPING, top: DEFAULT_TOP };
