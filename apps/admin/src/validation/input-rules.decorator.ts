import { applyDecorators } from '@nestjs/common';
import { RuleContext } from '@memtrace/http';
import { InvalidScopesError, parseScopes } from '@memtrace/tenancy';
import { ValidateBy } from 'class-validator';

/**
 * The field rules of the admin's request DTOs (HTTP API and CLI). Unlike the gateway, which
 * reports upstream's first failure, the admin names every problem of a request in one 400, in
 * the words and order its clients have always had (they were zod's):
 *
 * - each rule carries a `step`; a field's rules run in step order, fields in declaration order;
 * - a rule that `aborts` (a wrong JSON type, a value outside an enum, a fraction) ends its field's
 *   checks, so the later rules of that field are not reported, but for length rules
 *   (`afterAbort`), which measure anything with a `length`;
 * - an `object` rule looks at the request as a whole and runs only once every field has passed
 *   its aborting rules (zod's refinements of an object); it is reported after unknown fields.
 *
 * Every rule must accept any value: a rule on a value of the wrong type passes and leaves the
 * problem to the field's type rule.
 */
export interface InputRuleContext extends RuleContext {
  aborts?: boolean;
  afterAbort?: boolean;
  object?: boolean;
  /** Reported without the field's name: a problem of the whole request, or of a bare value. */
  pathless?: boolean;
}

type Message = string | ((value: any) => string);

interface InputRuleSpec extends Omit<InputRuleContext, 'step' | 'hint'> {
  name: string;
  step: number;
  message: Message;
  valid(value: any, object: Record<string, unknown>): boolean;
}

function inputRule({ name, message, valid, ...context }: InputRuleSpec): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value, args) => valid(value, (args?.object ?? {}) as Record<string, unknown>),
        defaultMessage: (args) => (typeof message === 'string' ? message : message(args?.value)),
      },
    },
    { context },
  );
}

/** How a value's type is named in "received …" (`NaN` and `Infinity` by name, as zod did). */
export function receivedType(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype && 'constructor' in value && value.constructor) {
    return (value.constructor as { name: string }).name;
  }
  return typeof value;
}

export interface TypeOptions {
  /** `undefined` (the field left out) is accepted. */
  optional?: boolean;
  /** `null` is accepted (it means "back to the default" where a field allows it). */
  nullable?: boolean;
}

function typeRule(step: number, type: 'string' | 'number', options: TypeOptions): PropertyDecorator {
  return inputRule({
    name: `${type}Type`,
    step,
    aborts: true,
    message: (value) => `Invalid input: expected ${type}, received ${receivedType(value)}`,
    valid: (value) =>
      (value === undefined && options.optional === true) ||
      (value === null && options.nullable === true) ||
      (typeof value === type && (type !== 'number' || Number.isFinite(value))),
  });
}

export const StringType = (step: number, options: TypeOptions = {}) => typeRule(step, 'string', options);

/** A finite number. */
export const NumberType = (step: number, options: TypeOptions = {}) => typeRule(step, 'number', options);

/** One of `values` (left out is fine when `optional`); the default message lists them. */
export function OneOfValues(step: number, values: readonly string[], options: { optional?: boolean; message?: string } = {}): PropertyDecorator {
  const message = options.message ?? `Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`;
  return inputRule({ name: 'oneOfValues', step, aborts: true, message, valid: (value) => (value === undefined && options.optional === true) || values.includes(value) });
}

/** A length, as zod measured one: strings in code points, anything else by its `length`. */
function lengthOf(value: { length: unknown }): unknown {
  if (typeof value !== 'string') return value.length;
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length--;
      i++;
    }
  }
  return length;
}

/** Rules on a length run on every value that has one, even after the field's type rule failed. */
const hasLength = (value: any): boolean => value !== undefined && value !== null && value.length !== undefined;

export function MinLength(step: number, min: number, message: string): PropertyDecorator {
  return inputRule({ name: 'minLength', step, afterAbort: true, message, valid: (value) => !hasLength(value) || (lengthOf(value) as number) >= min });
}

const sized: Record<string, string> = { string: 'characters', array: 'items' };

export function MaxLength(step: number, max: number, message?: string): PropertyDecorator {
  const tooLong = (value: unknown) => {
    const origin = typeof value === 'string' ? 'string' : Array.isArray(value) ? 'array' : 'unknown';
    return sized[origin] ? `Too big: expected ${origin} to have <=${max} ${sized[origin]}` : `Too big: expected ${origin} to be <=${max}`;
  };
  return inputRule({ name: 'maxLength', step, afterAbort: true, message: message ?? tooLong, valid: (value) => !hasLength(value) || (lengthOf(value) as number) <= max });
}

export function MatchesPattern(step: number, pattern: RegExp, message: string): PropertyDecorator {
  return inputRule({ name: 'matchesPattern', step, message, valid: (value) => typeof value !== 'string' || pattern.test(value) });
}

/** RFC 3339 date-time with seconds and a `Z` or `±hh:mm` offset, real calendar dates only (zod's `iso.datetime({ offset: true })`). */
const DATE = '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d))';
export const ISO_DATE_TIME = new RegExp(`^${DATE}T(?:${TIME})$`);

export function IsoDateTime(step: number): PropertyDecorator {
  return MatchesPattern(step, ISO_DATE_TIME, 'Invalid ISO datetime');
}

/**
 * A whole number: a fraction aborts the field's checks; an integer beyond ±2^53 is named too, and
 * the range rules still run. `message` replaces both messages.
 */
export function WholeNumber(step: number, message?: string): PropertyDecorator {
  const isFraction = inputRule({
    name: 'wholeNumber',
    step,
    aborts: true,
    message: message ?? 'Invalid input: expected int, received number',
    valid: (value) => typeof value !== 'number' || Number.isInteger(value),
  });
  const isUnsafe = inputRule({
    name: 'safeInteger',
    step,
    message: message ?? ((value: number) => (value > 0 ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`)),
    valid: (value) => typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value),
  });
  return applyDecorators(isFraction, isUnsafe);
}

export function AtLeast(step: number, min: number, message = `Too small: expected number to be >=${min}`): PropertyDecorator {
  return inputRule({ name: 'atLeast', step, message, valid: (value) => typeof value !== 'number' || value >= min });
}

export function AtMost(step: number, max: number, message = `Too big: expected number to be <=${max}`): PropertyDecorator {
  return inputRule({ name: 'atMost', step, message, valid: (value) => typeof value !== 'number' || value <= max });
}

/** The name of an org or a key, from `step` on (three rules): trimmed, then 1 to 200 characters. */
export function ResourceNameRules(step: number): PropertyDecorator {
  return applyDecorators(Normalize(trim), StringType(step), MinLength(step + 1, 1, 'name is required'), MaxLength(step + 2, 200));
}

/** Scopes as a comma-separated string or a list of strings (left out: the default scopes). */
export function ScopeList(step: number): PropertyDecorator {
  return inputRule({
    name: 'scopeList',
    step,
    aborts: true,
    message: 'Invalid input',
    valid: (value) => value === undefined || typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string')),
  });
}

/** Every scope named is known and at least one is: `parseScopes`' own words otherwise. */
export function KnownScopes(step: number): PropertyDecorator {
  const problem = (value: unknown): string | undefined => {
    if (typeof value !== 'string' && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) return undefined;
    try {
      parseScopes(value);
      return undefined;
    } catch (error) {
      if (error instanceof InvalidScopesError) return error.message;
      throw error;
    }
  };
  return inputRule({ name: 'knownScopes', step, message: (value) => problem(value) ?? '', valid: (value) => problem(value) === undefined });
}

/**
 * A rule of the whole request, put on `field` (and named by it unless `pathless`); `valid` gets the
 * field's value and the request. It runs only when no field has an aborting failure.
 */
export function ObjectRule(
  step: number,
  message: Message,
  valid: (value: any, object: Record<string, unknown>) => boolean,
  options: { pathless?: boolean } = {},
): PropertyDecorator {
  return inputRule({ name: `objectRule${step}`, step, object: true, pathless: options.pathless, message, valid });
}

/** Applied to a given (not left out) value before the rules run: trimming, number coercion. */
const normalizers = new WeakMap<object, Map<string, (value: unknown) => unknown>>();

export function Normalize(normalize: (value: unknown) => unknown): PropertyDecorator {
  return (target, key) => {
    const fields = normalizers.get(target) ?? new Map<string, (value: unknown) => unknown>();
    fields.set(String(key), normalize);
    normalizers.set(target, fields);
  };
}

export function normalizerOf(dto: Function, field: string): ((value: unknown) => unknown) | undefined {
  return normalizers.get(dto.prototype as object)?.get(field);
}

/** `Normalize(trim)`: surrounding white space is not part of a name. */
export const trim = (value: unknown): unknown => (typeof value === 'string' ? value.trim() : value);

/** `Normalize(toNumber)`: a query parameter is text; `Number()` of it is checked as a number (what `Number()` cannot convert stays as it is). */
export const toNumber = (value: unknown): unknown => {
  try {
    return Number(value);
  } catch {
    return value;
  }
};
