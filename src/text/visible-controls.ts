// Control characters in text from a trace (frames, labels, thread names, file
// names) made visible before any output writes them: `\x1b`, `\x07`, `\x9b`.
//
// Why every output needs this: ESC and the C1 CSI (0x9b) start terminal
// sequences that recolour, move the cursor, rewrite the title or forge
// hyperlinks, in a terminal and in CI logs that render them; BEL rings; CR
// rewrites the log line a reader sees; XML 1.0 cannot carry C0 controls at
// all (a JUnit file with one is rejected whole); Markdown and SARIF viewers
// pass them on. Replacing them with `?` or a space would hide what the trace
// holds; an escape shows it and stays one token. A backslash in the text is
// left as it is: the output is for reading, not for parsing back.

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escape(ch: string): string {
  return '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
}

/**
 * C0 controls, DEL and C1 controls as `\xNN`. With `keepLines`, LF and TAB
 * stay (for outputs whose own layout is several lines, such as a JUnit
 * failure body); everything else is escaped.
 */
export function visibleControls(text: string, keepLines = false): string {
  return text.replace(keepLines ? CONTROLS_BUT_NEWLINE_AND_TAB : CONTROLS, escape);
}
