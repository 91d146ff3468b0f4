import { badRequest } from './filter-fields.util';

/** A JSON request body as an object whose field names are folded to the names the endpoint knows. */
export type BodyFields = Readonly<Record<string, unknown>>;

export { foldFields } from '@memtrace/contracts';

/** A string field; `null` and absent are '' ("not given"), as Go decodes them. */
export function bodyString(body: BodyFields, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') badRequest(`invalid request body: ${field} must be a string`);
  return value;
}

/** An array of strings; `null` and absent are []. */
export function bodyStrings(body: BodyFields, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    badRequest(`invalid request body: ${field} must be an array of strings`);
  }
  return value as string[];
}

/** An integer (Go `int`: `5.5` or `"5"` failed to decode); `null` and absent are undefined. */
export function bodyInteger(body: BodyFields, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) badRequest(`invalid request body: ${field} must be an integer`);
  return value;
}

/** A finite number (Go `float64`); `null` and absent are undefined. */
export function bodyNumber(body: BodyFields, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) badRequest(`invalid request body: ${field} must be a number`);
  return value;
}

/**
 * A request body that must be an object when given: absent or `null` (the Go SDK's nil options)
 * → undefined ("all defaults"); any other non-object is 400.
 */
export function optionalObjectBody(body: unknown): Record<string, unknown> | undefined {
  if (body === undefined || body === null) return undefined;
  if (!isJsonObject(body)) badRequest('invalid request body: expected a JSON object');
  return body;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
