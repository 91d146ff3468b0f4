import { AppError } from '@memtrace/contracts';

/**
 * The checks every request input passes before anything uses, stores or serialises it, in one
 * place so that each route need not remember them:
 * - NUL: PostgreSQL text and jsonb cannot hold it ("invalid byte sequence 0x00", a 500 before);
 * - a lone UTF-16 surrogate is not Unicode: encoders turn it into U+FFFD (silent corruption) or
 *   `\ud800`, which jsonb rejects;
 * - deep nesting: `JSON.parse` is iterative, but `JSON.stringify` and every walker after it
 *   (metadata limits, the query client's framing, Prisma) recurse and overflow the stack.
 */

/** Upstream SDK bodies nest 3–4 levels (a batch item's metadata), so this leaves room for real data. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A key that JavaScript consumers of the stored data (zod records, `Object.assign`, other
 * clients) would read as the prototype setter rather than as data, so it is refused, not stored.
 */
const FORBIDDEN_KEY = '__proto__';

/** Paths in messages are clipped: a 10,000-deep path helps nobody. */
const MAX_PATH_CHARS = 80;

/** Why `text` cannot be accepted (to follow the field's name in a message), or undefined. */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must not contain unpaired UTF-16 surrogates (not valid Unicode)';
  return undefined;
}

export interface JsonInputOptions {
  /** Refuse NUL and lone surrogates in every string and key. */
  checkText: boolean;
}

/** A JSON request body, parsed and checked; malformed text is a 400 with the parser's reason. */
export function parseJsonBody(text: string, options: JsonInputOptions): unknown {
  if (text === '') badBody('empty JSON body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    badBody((error as Error).message);
  }
  checkJsonInput(value, options);
  return value;
}

/**
 * Walks a parsed JSON value with an explicit stack (it may be deeper than the call stack allows)
 * and refuses, naming the path: nesting past MAX_JSON_DEPTH, numbers JSON cannot carry onward
 * (`1e309` parses as Infinity, which `JSON.stringify` turns into null: a filter silently
 * dropped), the `__proto__` key, and, with `checkText`, unsafe text in any string or key.
 */
export function checkJsonInput(root: unknown, options: JsonInputOptions): void {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 1 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const reason = options.checkText ? unsafeTextReason(value) : undefined;
      if (reason) badBody(`${fieldName(path)} ${reason}`);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) badBody(`${fieldName(path)} is out of range for a number`);
    } else if (value !== null && typeof value === 'object') {
      if (depth > MAX_JSON_DEPTH) badBody(`nested deeper than ${MAX_JSON_DEPTH} levels at ${fieldName(path)}`);
      const entries = Array.isArray(value) ? value.map((item, index) => [`[${index}]`, item] as const) : Object.entries(value);
      for (const [key, child] of entries) {
        if (!Array.isArray(value)) checkKey(key, path, options);
        pending.push({ value: child, path: Array.isArray(value) ? `${path}${key}` : path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
}

/**
 * Path parameters and query values (Fastify decodes `%00` to NUL), and query parameter names:
 * the same text rule as bodies, answered 400 naming the parameter.
 */
export function checkRequestText(params: unknown, query: unknown): void {
  for (const [name, value] of textEntries(params)) {
    const reason = unsafeTextReason(value);
    if (reason) throw new AppError('bad_request', `invalid path parameter ${name}: ${reason}`);
  }
  for (const [name, value] of textEntries(query)) {
    const nameReason = unsafeTextReason(name);
    if (nameReason) throw new AppError('bad_request', `invalid query parameter name: ${nameReason}`);
    const reason = unsafeTextReason(value);
    if (reason) throw new AppError('bad_request', `invalid ${clip(name)}: ${reason}`);
  }
}

/** Every string of a parsed path or query object, repeated query parameters included. */
function textEntries(record: unknown): Array<[string, string]> {
  if (record === null || typeof record !== 'object') return [];
  return Object.entries(record).flatMap(([name, value]): Array<[string, string]> => {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    return values.filter((item): item is string => typeof item === 'string').map((item) => [name, item]);
  });
}

function checkKey(key: string, path: string, options: JsonInputOptions): void {
  const where = path ? ` (in ${fieldName(path)})` : '';
  if (key === FORBIDDEN_KEY) badBody(`the key "${FORBIDDEN_KEY}" is not allowed${where}`);
  const reason = options.checkText ? unsafeTextReason(key) : undefined;
  if (reason) badBody(`a key${where} ${reason}`);
}

function fieldName(path: string): string {
  return path === '' ? 'the body' : clip(path);
}

function clip(text: string): string {
  return text.length > MAX_PATH_CHARS ? `${text.slice(0, MAX_PATH_CHARS)}...` : text;
}

function badBody(reason: string): never {
  throw new AppError('bad_request', `invalid request body: ${reason}`);
}
