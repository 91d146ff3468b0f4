import { AppError } from '@memtrace/contracts';
import { allFailures, dtoFields, RuleFailure } from '@memtrace/http';
import { validateSync } from 'class-validator';
import { InputRuleContext, normalizerOf, receivedType } from './input-rules.decorator';

type DtoClass<T> = new () => T;

/** Every rule runs on every field, left out or not: a required field's type rule names it. */
const VALIDATOR_OPTIONS = { forbidUnknownValues: false, validationError: { target: false, value: false } } as const;

/** Marks a DTO whose requests may carry no other field (bodies); queries are lenient. */
const strictDtos = new WeakSet<Function>();

export function RefuseUnknownFields(): ClassDecorator {
  return (target) => {
    strictDtos.add(target);
  };
}

/**
 * An admin request object (HTTP body or query, or the CLI's options) as an instance of `dto`,
 * after its rules; otherwise one 400 naming every problem:
 * `invalid <what>: <field>: <message>; <field>: <message>`. Fields left out keep the DTO's
 * defaults (its initialisers); given ones are normalised (`Normalize`) before the rules run.
 */
export function validateInput<T extends object>(dto: DtoClass<T>, input: unknown, what: string): T {
  const value = input ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(what, [`Invalid input: expected object, received ${receivedType(value)}`]);
  const fields = dtoFields(dto);
  const instance = instanceOf(dto, value as Record<string, unknown>, fields);
  const unknown = strictDtos.has(dto) ? Object.keys(value).filter((key) => !fields.includes(key)) : [];
  const problems = problemsOf(allFailures(validateSync(instance, VALIDATOR_OPTIONS)), unknown);
  if (problems.length > 0) throw invalid(what, problems);
  return instance;
}

/** A bare value (a path parameter, a CLI argument) checked by the rules of `dto`'s one field `value`, named without a field. */
export function validateValue<T>(dto: DtoClass<{ value: T }>, input: unknown, what: string): T {
  const instance = instanceOf(dto, { value: input ?? {} }, ['value']);
  const problems = problemsOf(allFailures(validateSync(instance, VALIDATOR_OPTIONS)), [], { bare: true });
  if (problems.length > 0) throw invalid(what, problems);
  return instance.value;
}

function instanceOf<T extends object>(dto: DtoClass<T>, value: Record<string, unknown>, fields: readonly string[]): T {
  const instance = new dto() as Record<string, unknown>;
  for (const field of fields) {
    const given = value[field];
    if (given === undefined) continue;
    const normalize = normalizerOf(dto, field);
    instance[field] = normalize ? normalize(given) : given;
  }
  return instance as T;
}

/**
 * The problems in the order they are told: field rules (after a field's aborting failure, only its
 * length rules), then unknown fields, then the object rules, if no field had an aborting failure.
 */
function problemsOf(failures: readonly RuleFailure[], unknown: readonly string[], options: { bare?: boolean } = {}): string[] {
  const aborted = new Set<string>();
  const told = (failure: RuleFailure) => (options.bare || (failure.context as InputRuleContext).pathless ? failure.message : `${failure.field}: ${failure.message}`);
  const problems: string[] = [];
  for (const failure of failures) {
    const context = failure.context as InputRuleContext;
    if (context.object || (aborted.has(failure.field) && !context.afterAbort)) continue;
    if (context.aborts) aborted.add(failure.field);
    problems.push(told(failure));
  }
  if (unknown.length > 0) problems.push(`Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((key) => `"${key}"`).join(', ')}`);
  if (aborted.size === 0) problems.push(...failures.filter((failure) => (failure.context as InputRuleContext).object).map(told));
  return problems;
}

function invalid(what: string, problems: readonly string[]): AppError {
  return new AppError('bad_request', `invalid ${what}: ${problems.join('; ')}`);
}
