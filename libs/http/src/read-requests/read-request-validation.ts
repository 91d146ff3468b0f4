import { validateSync, ValidationError } from 'class-validator';
import { dtoFields, firstFailure, jsonObject } from '../validation/request-validation';

type DtoClass<T> = new () => T;

/** Where a read request's instance carries the clock its rules compare against (`nowOf`). */
const READ_NOW = Symbol('read now');

/** Absent and `null` are "not given", so class-validator need not run the rules of those fields. */
const VALIDATOR_OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false, value: false } } as const;

export interface ReadInputOptions {
  /** Now, µs since the epoch, for rules that compare a window with the clock. */
  nowUs?: number;
}

function instanceOf<T extends object>(dto: DtoClass<T>, fields: Readonly<Record<string, unknown>>, options: ReadInputOptions): T {
  const instance = Object.assign(Object.create(dto.prototype) as T, fields);
  if (options.nowUs !== undefined) Object.defineProperty(instance, READ_NOW, { value: options.nowUs });
  return instance;
}

/** The clock a read request was validated with (`ReadInputOptions.nowUs`). */
export function nowOf(object: object): number {
  const nowUs = (object as { [READ_NOW]?: number })[READ_NOW];
  if (nowUs === undefined) throw new Error('read request validated without its clock');
  return nowUs;
}

/**
 * A query string (or path parameters) as an instance of `dto`, not yet checked (`checkRead`). Names
 * are exact, as a query string's are; parameters the DTO does not know are dropped.
 */
export function readQuery<T extends object>(dto: DtoClass<T>, params: Readonly<Record<string, unknown>> | undefined, options: ReadInputOptions = {}): T {
  const fields: Record<string, unknown> = {};
  for (const field of dtoFields(dto)) if (params?.[field] !== undefined) fields[field] = params[field];
  return instanceOf(dto, fields, options);
}

/**
 * A JSON body as an instance of `dto`, not yet checked (`checkRead`): absent or `null` (the Go SDK's
 * nil options) is `{}`, any other non-object a 400; names are folded as Go matched them
 * (case-insensitively) and unknown fields dropped, as upstream ignored them.
 */
export function readBody<T extends object>(dto: DtoClass<T>, body: unknown, options: ReadInputOptions = {}): T {
  return instanceOf(dto, jsonObject(body ?? {}, dtoFields(dto)), options);
}

/**
 * Checks the instances of one request together (its path parameters and its query or body), so
 * that their rules interleave by step: the first failing rule in the request's order is the 400.
 */
export function checkRead(...instances: object[]): void {
  const errors = instances.flatMap((instance) => validateSync(instance, VALIDATOR_OPTIONS));
  if (errors.length > 0) throw firstFailure(errors);
}

/** `readQuery` + `checkRead`, for a request that is one query string. */
export function validateReadQuery<T extends object>(dto: DtoClass<T>, params: Readonly<Record<string, unknown>> | undefined, options: ReadInputOptions = {}): T {
  const instance = readQuery(dto, params, options);
  checkRead(instance);
  return instance;
}

/** `readBody` + `checkRead`, for a request that is one JSON body. */
export function validateReadBody<T extends object>(dto: DtoClass<T>, body: unknown, options: ReadInputOptions = {}): T {
  const instance = readBody(dto, body, options);
  checkRead(instance);
  return instance;
}

/** The validation errors of an instance whose rules also check `null` (see `strict-body.ts`). */
export function validateEveryValue(instance: object): ValidationError[] {
  return validateSync(instance, { ...VALIDATOR_OPTIONS, skipMissingProperties: false });
}
