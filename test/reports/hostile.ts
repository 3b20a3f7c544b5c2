// Checks shared by the tests of every report format: no trace text may turn
// into markup, script or a fetch.

import { expect } from 'vitest';

/** Fail when `html` holds anything active that a trace could have put there. */
export function expectInertHtml(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/<iframe|<object|<embed|<link|<base|<form/i);
  // An event-handler attribute inside any tag.
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/javascript:/i);
  // Only one <style> (ours) and one </svg> per <svg>.
  expect(html.match(/<style/g)?.length ?? 0).toBe(1);
  expect((html.match(/<svg/g) ?? []).length).toBe((html.match(/<\/svg>/g) ?? []).length);
}
