import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy, ValidationArguments } from 'class-validator';

/**
 * The field rules of request DTOs, each a class-validator constraint and its OpenAPI description
 * in one decorator, so a field's rules and its documentation cannot drift apart.
 *
 * Upstream reports one error, the first of its checks that fails, and its checks interleave the
 * fields (every JSON type first, then agent_id required, content required, … agent_id's pattern).
 * So each rule carries a `step`: the exception factory (`firstFailure`) reports the failing rule
 * with the lowest step; ties go to the field declared first. JSON type rules are step 0.
 *
 * Absent (`undefined`) and JSON `null` are "not given" for every rule but `Required`, as upstream.
 */

/** What a rule puts in class-validator's `contexts`: its place in upstream's order and a hint. */
export interface RuleContext {
  step: number;
  hint?: string;
}

/** A limit: a number, or the name of one of the limits the request is validated with (config). */
export type Limit = number | string;

/** Where `validateRequest` leaves the limits for the rules of the object being validated. */
export const REQUEST_LIMITS = Symbol('request limits');

/** A message, or one made from the value, the resolved limit and the field's name. */
type Message = string | ((value: any, limit: number, field: string) => string);

interface RuleSpec {
  name: string;
  step: number;
  hint?: string;
  limit?: Limit;
  message: Message;
  /** `limit` is resolved; the value is never undefined or null here unless `always`. */
  valid(value: any, limit: number): boolean;
  always?: boolean;
  openApi?: Parameters<typeof ApiProperty>[0];
}

const MODEL_PROPERTIES = 'swagger/apiModelProperties';

function rule(spec: RuleSpec): PropertyDecorator {
  const context: RuleContext = spec.hint === undefined ? { step: spec.step } : { step: spec.step, hint: spec.hint };
  const validate = ValidateBy(
    {
      name: spec.name,
      validator: {
        validate: (value, args) => (!spec.always && isAbsent(value)) || spec.valid(value, limitOf(spec.limit, args)),
        defaultMessage: (args) => {
          const message = spec.message;
          return typeof message === 'string' ? message : message(args?.value, limitOf(spec.limit, args), args?.property ?? '');
        },
      },
    },
    { context },
  );
  if (!spec.openApi) return validate;
  const document = ApiProperty(spec.openApi);
  return (target, key) => {
    validate(target, key);
    document(target, key);
  };
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function limitOf(limit: Limit | undefined, args: ValidationArguments | undefined): number {
  if (typeof limit !== 'string') return limit ?? NaN;
  const limits = (args?.object as { [REQUEST_LIMITS]?: Record<string, number> })[REQUEST_LIMITS];
  const value = limits?.[limit];
  if (value === undefined) throw new Error(`request validated without the limit ${limit}`);
  return value;
}

/**
 * The OpenAPI side of a JSON type rule: the field's type, optional unless a `Required` rule (applied
 * before or after this one) marked it required.
 */
function documentType(openApi: Parameters<typeof ApiProperty>[0]): PropertyDecorator {
  return (target, key) => {
    const existing = Reflect.getMetadata(MODEL_PROPERTIES, target, key) as { required?: boolean } | undefined;
    ApiProperty({ ...openApi, required: existing?.required === true } as Parameters<typeof ApiProperty>[0])(target, key);
  };
}

/** A JSON type rule's place in upstream's order (default 0: before every other rule) and its OpenAPI description. */
export interface TypeRuleOptions {
  step?: number;
  description?: string;
}

function typeRule(name: string, what: string, valid: (value: any) => boolean, options: TypeRuleOptions, openApi: Parameters<typeof ApiProperty>[0]): PropertyDecorator {
  const check = rule({ name, step: options.step ?? 0, message: (_value, _limit, field) => `invalid request body: ${field} ${what}`, valid });
  const document = documentType({ ...openApi, description: options.description } as Parameters<typeof ApiProperty>[0]);
  return (target, key) => {
    check(target, key);
    document(target, key);
  };
}

// ---- JSON types (step 0 unless given) ----

export const JsonString = (options: TypeRuleOptions = {}) => typeRule('jsonString', 'must be a string', (value) => typeof value === 'string', options, { type: String });

/** `noun`: how the message names an object ("a JSON object" on memories, "an object" on agents and sessions). */
export const JsonObject = (noun: 'a JSON object' | 'an object', options: TypeRuleOptions = {}) =>
  typeRule('jsonObject', `must be ${noun}`, (value) => typeof value === 'object' && !Array.isArray(value), options, {
    type: 'object',
    additionalProperties: true,
  } as Parameters<typeof ApiProperty>[0]);

export const JsonStringArray = (options: TypeRuleOptions = {}) =>
  typeRule('jsonStringArray', 'must be an array of strings', (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'), options, {
    type: String,
    isArray: true,
  });

export const JsonNumber = (options: TypeRuleOptions = {}) =>
  typeRule('jsonNumber', 'must be a number', (value) => typeof value === 'number' && Number.isFinite(value), options, { type: Number });

// ---- rules after the types, at the step the DTO gives them ----

/**
 * Not absent and not `""`; documented as required. Named `isDefined`, class-validator's one rule
 * that runs on absent values under `skipMissingProperties` (which `validateRequest` sets).
 */
export function Required(step: number, message: string, hint?: string): PropertyDecorator {
  return rule({ name: 'isDefined', step, hint, message, always: true, valid: (value) => !isAbsent(value) && value !== '', openApi: { required: true } });
}

/** A string with text besides whitespace (`""` is left to `Required`). */
export function NotBlank(step: number, message: string, hint?: string): PropertyDecorator {
  return rule({ name: 'notBlank', step, hint, message, valid: (value) => typeof value !== 'string' || value === '' || value.trim() !== '' });
}

/** One of `values`; `""` means "not given" (the default applies). */
export function OneOf(step: number, values: readonly string[], message: Message, defaultValue?: string): PropertyDecorator {
  return rule({ name: 'oneOf', step, message, valid: (value) => value === '' || values.includes(value), openApi: { enum: [...values], default: defaultValue } });
}

/** Matches `pattern`; `""` means "not given". */
export function Pattern(step: number, pattern: RegExp, message: Message, defaultValue?: string): PropertyDecorator {
  return rule({
    name: 'pattern',
    step,
    message,
    valid: (value) => typeof value !== 'string' || value === '' || pattern.test(value),
    openApi: { pattern: pattern.source, default: defaultValue },
  });
}

/** Every item of a string array matches `pattern`; the message gets the first item that does not. */
export function EachPattern(step: number, pattern: RegExp, message: (item: string) => string): PropertyDecorator {
  const firstBad = (value: unknown): string | undefined => (Array.isArray(value) ? value.find((item) => typeof item === 'string' && !pattern.test(item)) : undefined);
  return rule({ name: 'eachPattern', step, message: (value) => message(firstBad(value) ?? ''), valid: (value) => firstBad(value) === undefined, openApi: { items: { type: 'string', pattern: pattern.source } } as never });
}

export function MaxItems(step: number, limit: Limit, message: Message, hint?: string): PropertyDecorator {
  return rule({ name: 'maxItems', step, limit, hint, message, valid: (value, max) => !Array.isArray(value) || value.length <= max, openApi: typeof limit === 'number' ? { maxItems: limit } : undefined });
}

/** At most `limit` UTF-16 code units, as `String.length` counts. */
export function MaxChars(step: number, limit: Limit, message: Message): PropertyDecorator {
  return rule({ name: 'maxChars', step, limit, message, valid: (value, max) => typeof value !== 'string' || value.length <= max, openApi: typeof limit === 'number' ? { maxLength: limit } : undefined });
}

/** At most `limit` bytes in UTF-8. */
export function MaxUtf8Bytes(step: number, limit: Limit, message: Message, hint?: string): PropertyDecorator {
  return rule({ name: 'maxUtf8Bytes', step, limit, hint, message, valid: (value, max) => typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= max });
}

/** Serialised as JSON, at most `limit` bytes in UTF-8. */
export function MaxJsonBytes(step: number, limit: Limit, message: Message): PropertyDecorator {
  return rule({ name: 'maxJsonBytes', step, limit, message, valid: (value, max) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= max });
}

/** A number within [min, max]. */
export function InRange(step: number, min: number, max: number, message: Message): PropertyDecorator {
  return rule({ name: 'inRange', step, message, valid: (value) => typeof value !== 'number' || (value >= min && value <= max), openApi: { minimum: min, maximum: max } });
}
