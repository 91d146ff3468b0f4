import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { AppError, foldFields } from '@memtrace/contracts';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { REQUEST_LIMITS, RuleContext } from './field-rules.decorator';

type DtoClass<T> = new () => T;

export interface ValidateOptions {
  /** The limits that rules name (`MaxChars(step, 'maxTags', …)`), from config. */
  limits?: object;
}

/**
 * Every rule but `Required` passes on an absent or `null` value, so class-validator need not run
 * them (`skipMissingProperties`): most fields of a typical write are absent.
 */
const VALIDATOR_OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false, value: false } } as const;

/** Field names of each DTO class, from its rules (every field has at least its JSON type rule). */
const fieldCache = new WeakMap<Function, readonly string[]>();

export function dtoFields(dto: Function): readonly string[] {
  let fields = fieldCache.get(dto);
  if (!fields) {
    fields = [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))];
    fieldCache.set(dto, fields);
  }
  return fields;
}

/** A JSON object with its field names folded to `fields` (Go matched names case-insensitively); 400 for anything else. */
export function jsonObject(value: unknown, fields: readonly string[]): Readonly<Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('bad_request', 'invalid request body: expected a JSON object');
  }
  return foldFields(value as Record<string, unknown>, fields);
}

/**
 * A request object as an instance of `dto`, checked by its class-validator rules; the first rule to
 * fail in upstream's order is a 400 (`firstFailure`). Unknown fields are dropped, as upstream
 * ignored them. This is the cheap way to run class-validator: the JSON object is already plain
 * data, so class-transformer's `plainToInstance` (a metadata walk per field) is replaced by folding
 * the names and giving the copy the class's prototype, and `validateSync` skips the promises.
 */
export function validateRequest<T extends object>(dto: DtoClass<T>, value: unknown, options: ValidateOptions = {}): T {
  const instance = Object.assign(Object.create(dto.prototype) as T, jsonObject(value, dtoFields(dto)));
  if (options.limits) Object.defineProperty(instance, REQUEST_LIMITS, { value: options.limits });
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw firstFailure(errors);
  return instance;
}

/**
 * The exception factory: of every rule that failed, the one upstream checks first (lowest step;
 * on a tie, the field declared first), as a 400 with its message and hint.
 */
export function firstFailure(errors: readonly ValidationError[]): AppError {
  let best: { step: number; message: string; hint?: string } | undefined;
  for (const error of errors) {
    for (const [name, message] of Object.entries(error.constraints ?? {})) {
      const context = (error.contexts?.[name] ?? { step: Number.MAX_SAFE_INTEGER }) as RuleContext;
      if (!best || context.step < best.step) best = { step: context.step, message, hint: context.hint };
    }
  }
  return new AppError('bad_request', best?.message ?? 'invalid request body', best?.hint);
}

/**
 * The gateway's validation pipe: a `@Body()` typed as a request DTO arrives validated
 * (`validateRequest`). A missing or `null` body is `{}`, so that required fields are named.
 * Parameters of other types (strings, `Record` queries, `unknown`) pass through untouched.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const { metatype } = metadata;
    if (metadata.type !== 'body' || !metatype || dtoFields(metatype).length === 0) return value;
    return validateRequest(metatype as DtoClass<object>, value ?? {});
  }
}

/** A rule that failed: its field, its message and its context (`step`, `hint`, and what else the rule put there). */
export interface RuleFailure {
  field: string;
  message: string;
  context: RuleContext;
}

/**
 * The "all failures" mode beside `firstFailure`, for APIs that name every problem at once: each
 * rule that failed, in the same order (lowest step first; on a tie, the field declared first).
 */
export function allFailures(errors: readonly ValidationError[]): RuleFailure[] {
  const failures = errors.flatMap((error) =>
    Object.entries(error.constraints ?? {}).map(([name, message]) => ({
      field: error.property,
      message,
      context: (error.contexts?.[name] ?? { step: Number.MAX_SAFE_INTEGER }) as RuleContext,
    })),
  );
  return failures.sort((a, b) => a.context.step - b.context.step);
}
