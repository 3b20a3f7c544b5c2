// usageMessage: yargs' multi-line usage messages as one line.

import { describe, expect, it } from 'vitest';
import { usageMessage } from '../../cli/usage-message.js';

const INVALID = 'Invalid values:\n  Argument: format, Given: "csv", Choices: "html", "json", "md"';

describe('usageMessage', () => {
  it('names the option, the value given and the choices', () => {
    expect(usageMessage(INVALID.replace('csv', 'pdf'), 'report')).toBe('--format "pdf": expected one of html, json, md');
  });

  it("points report's --format csv/jsonl at --trace-format, and only report's", () => {
    expect(usageMessage(INVALID, 'report')).toBe(
      '--format "csv": expected one of html, json, md (the report\'s format; --trace-format csv is for the input format)',
    );
    expect(usageMessage(INVALID, 'diff')).toBe('--format "csv": expected one of html, json, md');
  });

  it('joins any other message onto one line', () => {
    expect(usageMessage('Unknown argument: x', undefined)).toBe('Unknown argument: x');
    expect(usageMessage('first\n  second\n', undefined)).toBe('first second');
  });
});
