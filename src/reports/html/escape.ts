// Escaping for HTML reports. Everything that comes from a trace (file and
// function names, mark labels, metadata) is untrusted: it reaches the page
// only through these functions, and only after `clip` has bounded its length.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text safe both as element content and inside a quoted attribute value.
 * Control characters (other than tab and newline) become U+FFFD: they have no
 * business in a report and some are not allowed in HTML at all.
 */
export function escapeHtml(text: string): string {
  return (
    text
      .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd')
  );
}

/** At most `max` characters (an ellipsis marks the cut), so a hostile trace cannot bloat the page. */
export function clip(text: string, max = 160): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** `clip` then `escapeHtml`: the usual way trace text enters the page. */
export function traceText(text: string, max = 160): string {
  return escapeHtml(clip(text, max));
}
