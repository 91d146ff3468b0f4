import { AppError } from '@memtrace/contracts';
import { dtoFields, allFailures, firstFailure } from '../validation/request-validation';
import { validateEveryValue } from './read-request-validation';
import { readRule } from './read-rules.decorator';

/**
 * Strict JSON bodies (the forget body): a field's JSON type is checked with `null` a value, not
 * "not given", and unknown fields are refused, since a misspelt filter (`agentid`) would widen what
 * the request does. Every shape problem is named at once, `; `-separated (rules with a step below
 * `SHAPE_STEPS`, in step order); only then the first value rule that fails is the 400.
 */
export const SHAPE_STEPS = 10;

type DtoClass<T> = new () => T;

const UNKNOWN_FIELDS = Symbol('unknown fields');

/** How a JSON value's kind is named in the messages: `null`, `array`, or its `typeof`. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

const expected = (kind: string) => (value: unknown, field: string) => `${field}: Invalid input: expected ${kind}, received ${jsonKind(value)}`;

export function StrictString(step: number): PropertyDecorator {
  return readRule({ name: 'strictString', step, nullIsValue: true, message: expected('string'), valid: (value) => typeof value === 'string' });
}

export function StrictBoolean(step: number): PropertyDecorator {
  return readRule({ name: 'strictBoolean', step, nullIsValue: true, message: expected('boolean'), valid: (value) => typeof value === 'boolean' });
}

/** A string, or an array of strings; anything else is named without detail (`Invalid input`). */
export function StrictStringOrStrings(step: number): PropertyDecorator {
  const valid = (value: unknown) => typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
  return readRule({ name: 'strictStringOrStrings', step, nullIsValue: true, message: (_value, field) => `${field}: Invalid input`, valid });
}

/** An array of strings; each item that is not one is named (`tags.1: …`). */
export function StrictStringArray(step: number): PropertyDecorator {
  const message = (value: unknown, field: string) => {
    if (!Array.isArray(value)) return expected('array')(value, field);
    const bad = value.flatMap((item, index) => (typeof item === 'string' ? [] : [expected('string')(item, `${field}.${index}`)]));
    return bad.join('; ');
  };
  return readRule({ name: 'strictStringArray', step, nullIsValue: true, message, valid: (value) => Array.isArray(value) && value.every((item) => typeof item === 'string') });
}

/** No field the DTO does not know; put on the DTO's last field (it runs whether or not that field is given). */
export function NoUnknownFields(step: number): PropertyDecorator {
  const unknown = (object: object) => (object as { [UNKNOWN_FIELDS]?: string[] })[UNKNOWN_FIELDS] ?? [];
  return readRule({
    name: 'noUnknownFields',
    step,
    always: true,
    message: (_value, _field, object) => {
      const keys = unknown(object);
      return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((key) => `"${key}"`).join(', ')}`;
    },
    valid: (_value, object) => unknown(object).length === 0,
  });
}

/** A strict body as a checked instance of `dto`: absent or `null` is `{}`; names are exact. */
export function validateStrictBody<T extends object>(dto: DtoClass<T>, body: unknown): T {
  const input = body ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new AppError('bad_request', `invalid request body: Invalid input: expected object, received ${jsonKind(input)}`);
  }
  const fields = dtoFields(dto);
  const record = input as Record<string, unknown>;
  const instance = Object.create(dto.prototype) as T;
  for (const field of fields) if (record[field] !== undefined) Object.assign(instance, { [field]: record[field] });
  Object.defineProperty(instance, UNKNOWN_FIELDS, { value: Object.keys(record).filter((key) => !fields.includes(key)) });
  const errors = validateEveryValue(instance);
  const shape = allFailures(errors).filter((failure) => failure.context.step < SHAPE_STEPS);
  if (shape.length > 0) throw new AppError('bad_request', `invalid request body: ${shape.map((failure) => failure.message).join('; ')}`);
  if (errors.length > 0) throw firstFailure(errors);
  return instance;
}
