// Fiber's BodyParser plus Go's encoding/json, as far as Arc's query and delete handlers can
// tell the difference: the Content-Type must be JSON (anything else is "Unprocessable Entity"),
// keys match struct tags case-insensitively, null leaves a field at its zero value, and a value
// of the wrong JSON type is an error naming the Go struct field.
import { DataRequest, headerValue } from './data-exchange.types';

export type FieldKind = 'string' | 'bool';
export type FieldValues<S extends Record<string, FieldKind>> = {
  [K in keyof S]: S[K] extends 'string' ? string : boolean;
};

export type ParsedBody<S extends Record<string, FieldKind>> =
  | { ok: true; value: FieldValues<S> }
  | { ok: false; error: string };

/**
 * Parses the body into the given flat struct. `goStruct` names the Go type for messages, such
 * as "api.QueryRequest"; the returned error is Fiber's, without Arc's "Invalid request body: ".
 */
export function parseJsonBody<S extends Record<string, FieldKind>>(
  request: DataRequest,
  goStruct: string,
  schema: S,
): ParsedBody<S> {
  const contentType = headerValue(request.headers, 'content-type').toLowerCase().split(';')[0].trim();
  if (!contentType.startsWith('application/json')) return { ok: false, error: 'Unprocessable Entity' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    const text = request.body.toString('utf8').trim();
    return { ok: false, error: text === '' ? 'unexpected end of JSON input' : (error as Error).message };
  }
  const shortName = goStruct.split('.').pop() ?? goStruct;
  if (parsed === null) return { ok: true, value: zeroValues(schema) };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, error: `json: cannot unmarshal ${jsonKind(parsed)} into Go value of type ${goStruct}` };
  }
  const value = zeroValues(schema) as Record<string, string | boolean>;
  const entries = Object.entries(parsed as Record<string, unknown>);
  for (const [field, kind] of Object.entries(schema)) {
    const entry = entries.find(([key]) => key === field) ?? entries.find(([key]) => key.toLowerCase() === field);
    if (!entry || entry[1] === null) continue;
    const expected = kind === 'string' ? 'string' : 'boolean';
    if (typeof entry[1] !== expected) {
      const goType = kind === 'string' ? 'string' : 'bool';
      return {
        ok: false,
        error: `json: cannot unmarshal ${jsonKind(entry[1])} into Go struct field ${shortName}.${field} of type ${goType}`,
      };
    }
    value[field] = entry[1] as string | boolean;
  }
  return { ok: true, value: value as FieldValues<S> };
}

function zeroValues<S extends Record<string, FieldKind>>(schema: S): FieldValues<S> {
  const result: Record<string, string | boolean> = {};
  for (const [field, kind] of Object.entries(schema)) result[field] = kind === 'string' ? '' : false;
  return result as FieldValues<S>;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}
