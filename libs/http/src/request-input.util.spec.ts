import { AppError } from '@memtrace/contracts';
import { checkJsonInput, checkRequestText, MAX_JSON_DEPTH, parseJsonBody, unsafeTextReason } from './request-input.util';

const TEXT = { checkText: true };

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return error.message;
    throw error;
  }
  throw new Error('expected a 400');
}

/** `{"a":{"a":…1…}}` with `levels` objects, as text (an object literal this deep would be unreadable). */
const nestedText = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('unsafeTextReason', () => {
  it.each(['', 'plain', 'ünï 😀 مرحبا', '\uD83D\uDE00', 'tab\tnew\nline', '\u202Ertl', '\uFFFD'])('accepts %p', (text) => {
    expect(unsafeTextReason(text)).toBeUndefined();
  });

  it.each(['\u0000', 'a\u0000b', 'end\u0000'])('refuses NUL in %p', (text) => {
    expect(unsafeTextReason(text)).toBe('must not contain NUL (\\u0000) characters');
  });

  it.each(['\uD800', 'a\uDBFFb', '\uDC00', 'x\uDE00', '\uDE00\uD83D', '😀\uD83D'])('refuses the lone surrogate in %p', (text) => {
    expect(unsafeTextReason(text)).toBe('must not contain unpaired UTF-16 surrogates (not valid Unicode)');
  });
});

describe('parseJsonBody', () => {
  it('parses valid JSON of any type', () => {
    expect(parseJsonBody('{"agent_id":"a","metadata":{"k":[1,{"x":null}]}}', TEXT)).toEqual({ agent_id: 'a', metadata: { k: [1, { x: null }] } });
    expect(parseJsonBody('null', TEXT)).toBeNull();
    expect(parseJsonBody('[1,2]', TEXT)).toEqual([1, 2]);
  });

  it('answers malformed and empty bodies with a 400 and the reason', () => {
    expect(rejection(() => parseJsonBody('{', TEXT))).toMatch(/^invalid request body: .*JSON/);
    expect(rejection(() => parseJsonBody('', TEXT))).toBe('invalid request body: empty JSON body');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1}, naming the path`, () => {
    expect(() => parseJsonBody(nestedText(MAX_JSON_DEPTH), TEXT)).not.toThrow();
    expect(rejection(() => parseJsonBody(nestedText(MAX_JSON_DEPTH + 1), TEXT))).toBe(
      `invalid request body: nested deeper than ${MAX_JSON_DEPTH} levels at ${Array(MAX_JSON_DEPTH).fill('a').join('.')}`,
    );
    expect(rejection(() => parseJsonBody(`{"config":${'['.repeat(40)}${']'.repeat(40)}}`, TEXT))).toMatch(/^invalid request body: nested deeper than 32 levels at config\[0\]\[0\]/);
  });

  it('refuses 10,000 levels without overflowing the stack (the walk is iterative)', () => {
    expect(rejection(() => parseJsonBody(nestedText(10_000), TEXT))).toMatch(/^invalid request body: nested deeper than 32 levels/);
    expect(rejection(() => parseJsonBody(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, TEXT))).toMatch(/levels at \[0\]\[0\]/);
  });

  it('refuses NUL and lone surrogates in any string or key, naming where', () => {
    expect(rejection(() => parseJsonBody('{"name":"a\\u0000b"}', TEXT))).toBe('invalid request body: name must not contain NUL (\\u0000) characters');
    expect(rejection(() => parseJsonBody('{"name":"\\ud800"}', TEXT))).toBe('invalid request body: name must not contain unpaired UTF-16 surrogates (not valid Unicode)');
    expect(rejection(() => parseJsonBody('{"memories":[{},{"metadata":{"k":["ok","\\u0000"]}}]}', TEXT))).toBe(
      'invalid request body: memories[1].metadata.k[1] must not contain NUL (\\u0000) characters',
    );
    expect(rejection(() => parseJsonBody('{"config":{"a\\u0000":1}}', TEXT))).toBe('invalid request body: a key (in config) must not contain NUL (\\u0000) characters');
    expect(rejection(() => parseJsonBody('"\\u0000"', TEXT))).toBe('invalid request body: the body must not contain NUL (\\u0000) characters');
  });

  it('lets text through unchecked when told to (a relayed envelope), but never depth or __proto__', () => {
    expect(parseJsonBody('{"name":"a\\u0000\\ud800"}', { checkText: false })).toEqual({ name: 'a\u0000\uD800' });
    expect(() => parseJsonBody(nestedText(MAX_JSON_DEPTH + 1), { checkText: false })).toThrow(AppError);
    expect(() => parseJsonBody('{"__proto__":{}}', { checkText: false })).toThrow(AppError);
  });

  it('refuses __proto__ keys with a message saying so, wherever they are', () => {
    expect(rejection(() => parseJsonBody('{"__proto__":{"admin":true}}', TEXT))).toBe('invalid request body: the key "__proto__" is not allowed');
    expect(rejection(() => parseJsonBody('{"metadata":{"x":[{"__proto__":1}]}}', TEXT))).toBe('invalid request body: the key "__proto__" is not allowed (in metadata.x[0])');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('keeps constructor and prototype as plain data (JSON.parse makes own properties; nothing merges deeply)', () => {
    expect(parseJsonBody('{"constructor":{"prototype":{"x":1}}}', TEXT)).toEqual({ constructor: { prototype: { x: 1 } } });
  });

  it('refuses numbers beyond float range instead of letting them become null downstream', () => {
    expect(rejection(() => parseJsonBody('{"min_importance":1e309}', TEXT))).toBe('invalid request body: min_importance is out of range for a number');
    expect(rejection(() => parseJsonBody('{"a":[-1e400]}', TEXT))).toBe('invalid request body: a[0] is out of range for a number');
    expect(parseJsonBody('{"a":1e308,"b":5e-324,"c":1e-400}', TEXT)).toEqual({ a: 1e308, b: 5e-324, c: 0 });
  });

  it('clips long paths in messages', () => {
    const key = 'k'.repeat(500);
    expect(rejection(() => parseJsonBody(`{"${key}":"\\u0000"}`, TEXT))).toBe(`invalid request body: ${'k'.repeat(80)}... must not contain NUL (\\u0000) characters`);
  });
});

describe('checkJsonInput', () => {
  it('checks values that did not come from text, too', () => {
    expect(() => checkJsonInput({ limit: Number.POSITIVE_INFINITY }, TEXT)).toThrow('invalid request body: limit is out of range for a number');
    expect(() => checkJsonInput({ tags: ['a', 'b'], importance: 0.5, ok: true, none: null }, TEXT)).not.toThrow();
  });
});

describe('checkRequestText (path parameters and query values)', () => {
  it('accepts ordinary values, repeated parameters included', () => {
    expect(() => checkRequestText({ id: 'agent_1' }, { agent_id: 'a b', tags: ['x', 'y'], since: '' })).not.toThrow();
    expect(() => checkRequestText(undefined, null)).not.toThrow();
  });

  it('refuses NUL (a decoded %00) naming the parameter', () => {
    expect(rejection(() => checkRequestText({ id: 'abc\u0000' }, {}))).toBe('invalid path parameter id: must not contain NUL (\\u0000) characters');
    expect(rejection(() => checkRequestText({}, { agent_id: '\u0000' }))).toBe('invalid agent_id: must not contain NUL (\\u0000) characters');
    expect(rejection(() => checkRequestText({}, { tags: ['ok', 'x\u0000'] }))).toBe('invalid tags: must not contain NUL (\\u0000) characters');
    expect(rejection(() => checkRequestText({}, { 'a\u0000': '1' }))).toBe('invalid query parameter name: must not contain NUL (\\u0000) characters');
  });

  it('refuses lone surrogates', () => {
    expect(rejection(() => checkRequestText({ id: '\uD800' }, {}))).toBe('invalid path parameter id: must not contain unpaired UTF-16 surrogates (not valid Unicode)');
  });
});
