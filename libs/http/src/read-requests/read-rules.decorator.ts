import { ValidateBy, ValidationArguments } from 'class-validator';
import { RuleContext } from '../validation/field-rules.decorator';
import { timeBoundError, timeBoundProblem, TimeBoundProblem } from './time-window';

/**
 * The field rules of the read routes' inputs (query strings and JSON bodies), beside the write
 * rules of `validation/field-rules.decorator.ts` and reported the same way: each carries a `step`,
 * and `firstFailure` reports the failing rule with the lowest one. The read routes check their
 * fields one after the other, so a read DTO numbers its rules in that order.
 *
 * Absent and `null` are "not given" (the rule passes), and so is `""` for every value rule.
 */

/** More values than this in one list filter is a mistake, and would only bloat the SQL. */
export const MAX_FILTER_VALUES = 100;

type Message = string | ((value: any, field: string, object: object) => string);

export interface ReadRuleSpec {
  name: string;
  step: number;
  hint?: string;
  message: Message;
  /** Never called with an absent value (nor `null`, unless `nullIsValue`). */
  valid(value: any, object: object): boolean;
  /** `null` is a value to check (the forget body's JSON types), not "not given". */
  nullIsValue?: boolean;
  /**
   * Runs on an absent field too (a rule across fields): named `isDefined`, class-validator's one
   * rule that runs on absent values under `skipMissingProperties` (one such rule per field).
   */
  always?: boolean;
}

export function readRule(spec: ReadRuleSpec): PropertyDecorator {
  const context: RuleContext = spec.hint === undefined ? { step: spec.step } : { step: spec.step, hint: spec.hint };
  const absent = (value: unknown) => !spec.always && (value === undefined || (!spec.nullIsValue && value === null));
  return ValidateBy(
    {
      name: spec.always ? 'isDefined' : spec.name,
      validator: {
        validate: (value, args) => absent(value) || spec.valid(value, (args as ValidationArguments).object),
        defaultMessage: (args) => {
          const { message } = spec;
          const { value, property, object } = args as ValidationArguments;
          return typeof message === 'string' ? message : message(value, property, object);
        },
      },
    },
    { context },
  );
}

/** Several rules as one decorator (class-validator keeps one constraint per name and field). */
export function rules(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

// ---- query strings: values are strings, or arrays when a parameter is repeated ----

/**
 * One value: a repeated parameter is refused rather than silently reduced to its first value
 * (Go's behaviour), which would drop a filter and answer more than the caller asked for.
 */
export function QueryValue(step: number, repeatedHint?: string): PropertyDecorator {
  return rules(
    readRule({ name: 'queryOnce', step, hint: repeatedHint, message: (value: unknown[], field) => `invalid ${field}: given ${value.length} times, expected once`, valid: (value) => !Array.isArray(value) }),
    readRule({ name: 'querySingle', step, message: (_value, field) => `invalid ${field}: expected a single value`, valid: (value) => typeof value === 'string' || Array.isArray(value) }),
  );
}

/**
 * An integer as Go's `strconv.Atoi` reads it (optional sign, decimal digits, nothing else), or
 * undefined. Values beyond the safe-integer range count as unreadable, as Atoi's range error did.
 */
export function parseAtoi(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** An integer parameter in Atoi syntax, or 400 where upstream silently used its default (`limit=abc`). */
export function QueryInteger(step: number): PropertyDecorator {
  return readRule({ name: 'queryInteger', step, message: (_value, field) => `invalid ${field}: must be an integer`, valid: (value) => typeof value !== 'string' || value === '' || parseAtoi(value) !== undefined });
}

/** `tags=a, b,c` on the query string: comma-separated, each trimmed. */
export function splitTags(csv: string): string[] {
  return csv.split(',').map((tag) => tag.trim());
}

// ---- JSON bodies ----

/** An integer (Go `int`: `5.5` or `"5"` failed to decode). */
export function JsonInteger(step: number): PropertyDecorator {
  return readRule({ name: 'jsonInteger', step, message: (_value, field) => `invalid request body: ${field} must be an integer`, valid: (value) => typeof value === 'number' && Number.isSafeInteger(value) });
}

// ---- values (of either) ----

/** An integer value: a number as it is, a string in Atoi syntax; anything else is left to the type rules. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? parseAtoi(value) : undefined;
}

export function AtLeast(step: number, min: number, message: Message, hint?: string): PropertyDecorator {
  return readRule({ name: 'atLeast', step, hint, message, valid: (value) => (integerOf(value) ?? min) >= min });
}

/**
 * A list filter's values without its empty entries ("not given"): a JSON array, or for `csv` a
 * comma-separated query value. Anything else is no list (its type rule reports it).
 */
function listValues(value: unknown, options: ListRuleOptions): string[] {
  const one = typeof value === 'string' ? (options.csv ? splitTags(value) : options.oneOrMany ? [value] : []) : undefined;
  const items = one ?? (Array.isArray(value) ? value : []);
  return items.filter((item): item is string => typeof item === 'string' && item !== '');
}

/** A validated list filter: its non-empty values, or undefined when none ("not given"). */
export function filterValues(value: unknown, options: ListRuleOptions = {}): string[] | undefined {
  const values = listValues(value, options);
  return values.length > 0 ? values : undefined;
}

export interface ListRuleOptions {
  /** The value is a comma-separated query value (`tags=a,b`), not a JSON array. */
  csv?: boolean;
  /** A JSON string is one value, an array several (the forget body's `memory_type`). */
  oneOrMany?: boolean;
}

/** At most `MAX_FILTER_VALUES` non-empty values. */
export function MaxFilterValues(step: number, options: ListRuleOptions = {}): PropertyDecorator {
  const count = (value: unknown) => listValues(value, options).length;
  return readRule({ name: 'maxFilterValues', step, message: (value, field) => `invalid ${field}: ${count(value)} values, at most ${MAX_FILTER_VALUES} allowed`, valid: (value) => count(value) <= MAX_FILTER_VALUES });
}

/** Every non-empty value matches `pattern`; the message names the first that does not. */
export function EachValueMatches(step: number, pattern: RegExp, message: (item: string) => string, options: ListRuleOptions = {}): PropertyDecorator {
  const firstBad = (value: unknown) => listValues(value, options).find((item) => !pattern.test(item));
  return readRule({ name: 'eachValueMatches', step, message: (value) => message(firstBad(value) ?? ''), valid: (value) => firstBad(value) === undefined });
}

/**
 * `since`/`until`: a relative window in range or a timestamp (`until` also `now`); `""` is not
 * given. The two ways to fail are two rules, as only the unreadable one has a hint.
 */
export function TimeBound(step: number, options: { allowNow?: boolean } = {}): PropertyDecorator {
  const problem = (value: unknown) => (typeof value === 'string' ? timeBoundProblem(value, options.allowNow === true) : undefined);
  const failing = (kind: TimeBoundProblem, name: string) => {
    const { hint } = timeBoundError('', '', kind);
    return readRule({ name, step, hint, message: (value, field) => timeBoundError(field, value, kind).message, valid: (value) => problem(value) !== kind });
  };
  return rules(failing('out-of-range', 'timeInRange'), failing('unreadable', 'timeReadable'));
}

/** `order`: `asc` or `desc` exactly (`""`: desc). Upstream read anything else as desc, hiding typos. */
export function SortOrder(step: number): PropertyDecorator {
  return readRule({ name: 'sortOrder', step, message: 'invalid order: must be asc or desc', valid: (value) => typeof value !== 'string' || value === '' || value === 'asc' || value === 'desc' });
}

/** `asc` or `desc`, `""` (and absent) meaning desc. Call after validation. */
export function orderOf(value: string | null | undefined): 'asc' | 'desc' {
  return value === 'asc' ? 'asc' : 'desc';
}
