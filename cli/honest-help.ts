// What each command's --help says about its options, made true:
// - --version is memreplay's, not a command's: commands do not list it.
// - Whole-number options are declared as strings, so that their check can
//   echo what was typed (number-options.ts); yargs labels them [string].
//   Also declared as numbers, they are labelled [number] (yargs shows the
//   last type it knows) and still read as text (a string is never coerced).
// - yargs gives variadic positionals a default of [], which for a required
//   one (<traces..>) shows as `[required] [default: []]`: it has none. (An
//   optional one, [program..], keeps it: yargs fills it from the default.)

import type { Argv, CommandModule } from 'yargs';

/** Options that take a whole number, checked by wholeNumberOption, in any command that has them. */
export const WHOLE_NUMBER_OPTIONS = ['top', 'jobs', 'depth', 'at-event', 'frames', 'max-frames'] as const;

/** The names of the required variadic positionals of a command (`check <traces..>` -> traces). */
export function requiredVariadicPositionals(command: string): string[] {
  return [...command.matchAll(/<([^\s<>.]+)\.\.>/g)].map((m) => m[1]!);
}

export function withHonestHelp<T, U>(command: CommandModule<T, U>): CommandModule<T, U> {
  const builder = command.builder;
  return {
    ...command,
    builder: (y: Argv<T>) => {
      let built = ((typeof builder === 'function' ? builder(y) : y.options(builder ?? {})) ?? y) as Argv<U>;
      built = built.version(false);
      // getOptions() is yargs' own view of the declarations (not in its typings).
      const declared = (built as unknown as { getOptions(): { key: Record<string, boolean> } }).getOptions().key;
      for (const name of WHOLE_NUMBER_OPTIONS) if (declared[name]) built = built.number(name);
      for (const name of requiredVariadicPositionals(String(command.command))) built = built.default(name, undefined);
      return built;
    },
  };
}
