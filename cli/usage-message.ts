// yargs' usage messages, made one line each. Its "Invalid values:" message
// for an option with choices spans a line per argument
// ("  Argument: format, Given: "csv", Choices: "html", "json", "md"");
// ours names the option as typed and the values it takes, and for a
// command's --format given a trace format, says where that goes.

const INVALID_VALUE = /^\s*Argument: (.+?), Given: (.+?), Choices: (.+)$/;

/** What a command's --format is not, and where to put that value instead. */
const FORMAT_HINTS: Record<string, Record<string, string>> = {
  report: { '"csv"': '--trace-format csv', '"jsonl"': '--trace-format jsonl' },
};

function flag(name: string): string {
  return name.length === 1 ? `-${name}` : `--${name}`;
}

/** One line for a usage message of yargs; `command` is the command named, if any. */
export function usageMessage(message: string, command: string | undefined): string {
  const lines = message.split('\n');
  if (lines[0]?.trim() === 'Invalid values:') {
    const parts = lines.slice(1).flatMap((line) => {
      const m = INVALID_VALUE.exec(line);
      if (!m) return [];
      const [, name, given, choices] = m as unknown as [string, string, string, string];
      const hint = name === 'format' && command !== undefined ? FORMAT_HINTS[command]?.[given] : undefined;
      const expected = `${flag(name)} ${given}: expected one of ${choices.replace(/"/g, '')}`;
      return [hint === undefined ? expected : `${expected} (the report's format; ${hint} is for the input format)`];
    });
    if (parts.length > 0) return parts.join('; ');
  }
  return lines.map((l) => l.trim()).filter((l) => l !== '').join(' ');
}
