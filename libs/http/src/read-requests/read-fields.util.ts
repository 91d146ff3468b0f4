import { AppError } from '@memtrace/contracts';

/** Filters compare with `toEqual` in tests and travel over RPC: absent keys, not `undefined` ones. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** A 400 of a check across fields, made after the request's DTO passed. */
export function badRequest(message: string, hint?: string): never {
  throw new AppError('bad_request', message, hint);
}

/** `""` (and absent) is "not given". */
export function given(value: string | null | undefined): string | undefined {
  return value ? value : undefined;
}
