// What a pickle may name and build: the safety rules of the pickle reader,
// apart from its mechanics. A policy lists the classes (`module.name`) whose
// instances may exist; an instance is an inert record (class name + the
// state BUILD gives it) - no constructor, __setstate__ or __reduce__ runs.
// Everything else a pickle can ask for - importing a name, calling it - is
// refused with a PickleRefusal, which the reader reports with the byte
// offset of the opcode.

import { DictKeys, PyDict, PyGlobal, PyInstance, typeName, type PickleValue } from './values.js';

export interface PicklePolicy {
  /** What the file should be, for messages ("a tracemalloc Snapshot.dump() file"). */
  readonly purpose: string;
  /** `module.name` of the classes whose instances may be built (state only, no constructor runs). */
  readonly classes: ReadonlySet<string>;
}

/** A request of the pickle that the policy refuses; its message is the whole explanation. */
export class PickleRefusal extends Error {}

/**
 * The two helpers protocols 0 and 1 use to rebuild any plain object:
 * `copyreg._reconstructor(cls, object, None)` is object.__new__(cls), so it
 * is allowed exactly in that form. Protocols below 3 write the Python 2
 * module names; Python's unpickler maps them (fix_imports), and so do we.
 */
const RECONSTRUCTOR = 'copyreg._reconstructor';
const OBJECT = 'builtins.object';
const PY2_MODULES: Readonly<Record<string, string>> = { copy_reg: 'copyreg', __builtin__: 'builtins' };

export function refusal(policy: PicklePolicy, what: string): PickleRefusal {
  return new PickleRefusal(`${what}: refused, ${policy.purpose} never does this and this reader runs no code`);
}

/** GLOBAL / STACK_GLOBAL: a name, never an import. */
export function resolveGlobal(policy: PicklePolicy, module: string, name: string, protocol: number): PyGlobal {
  const mapped = protocol < 3 ? (PY2_MODULES[module] ?? module) : module;
  const qualified = `${mapped}.${name}`;
  if (policy.classes.has(qualified) || qualified === RECONSTRUCTOR || qualified === OBJECT) return new PyGlobal(mapped, name);
  throw new PickleRefusal(
    `forbidden global ${JSON.stringify(`${module}.${name}`.slice(0, 120))}: ${policy.purpose} may refer only to ` +
      `${[...policy.classes].join(', ')}; nothing was imported or run`,
  );
}

function isAllowedClass(policy: PicklePolicy, v: PickleValue | undefined): v is PyGlobal {
  return v instanceof PyGlobal && policy.classes.has(v.qualifiedName);
}

/** NEWOBJ / NEWOBJ_EX: cls.__new__(cls) of an allowed class, without arguments. */
export function instantiate(
  policy: PicklePolicy,
  what: string,
  cls: PickleValue,
  args: PickleValue,
  kwargs: PickleValue | null,
  keys: DictKeys,
): PyInstance {
  if (!isAllowedClass(policy, cls)) {
    throw new PickleRefusal(`${what} of ${typeName(cls)} refused: only ${[...policy.classes].join(', ')} may be created`);
  }
  const noArgs = Array.isArray(args) && args.length === 0;
  const noKwargs = kwargs === null || (kwargs instanceof PyDict && kwargs.size === 0);
  if (!noArgs || !noKwargs) throw new PickleRefusal(`${what} of ${cls.qualifiedName} with arguments refused: its pickles never pass any`);
  return new PyInstance(cls, keys);
}

/** REDUCE calls fn(*args); the only call allowed is copyreg._reconstructor(AllowedClass, object, None). */
export function reduce(policy: PicklePolicy, fn: PickleValue, args: PickleValue, keys: DictKeys): PyInstance {
  if (fn instanceof PyGlobal && fn.qualifiedName === RECONSTRUCTOR && Array.isArray(args) && args.length === 3) {
    const [cls, base, state] = args as readonly PickleValue[];
    if (isAllowedClass(policy, cls) && base instanceof PyGlobal && base.qualifiedName === OBJECT && state === null) {
      return new PyInstance(cls, keys);
    }
  }
  throw refusal(policy, `REDUCE would call ${fn instanceof PyGlobal ? fn.qualifiedName : typeName(fn)}(...)`);
}

/** BUILD: store a dict state, or a (dict, slots) state, on an allowed instance. */
export function build(target: PickleValue, state: PickleValue): void {
  if (!(target instanceof PyInstance)) throw new PickleRefusal(`BUILD on ${typeName(target)} refused: only instances of allowed classes take state`);
  let dictState: PickleValue = state;
  let slotState: PickleValue = null;
  if (Array.isArray(state) && state.length === 2) [dictState, slotState] = state as readonly PickleValue[];
  for (const [part, into] of [[dictState, target.dict], [slotState, target.slots]] as const) {
    if (part === null || part === undefined) continue;
    if (!(part instanceof PyDict)) throw new PickleRefusal(`BUILD state of ${typeName(part)} refused: expected a dict`);
    for (const [k, v] of part.items()) {
      if (typeof k !== 'string') throw new PickleRefusal(`BUILD state with a ${typeName(k)} attribute name`);
      into.set(k, v);
    }
  }
}
