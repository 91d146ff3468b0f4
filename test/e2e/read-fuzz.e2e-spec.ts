import fc from 'fast-check';
import { ID_PATTERN, TAG_PATTERN, TYPE_PATTERN } from '@memtrace/contracts';
import { AppProcess, createStack, httpRequest, HttpResult, READ_STACK, TenantStack, waitFor } from '@memtrace/testing';
import { queueCounts } from './ingest-fixtures';

jest.setTimeout(120_000);

/*
 * Property-based fuzzing of every body field and query parameter of the read routes that
 * read-api.e2e-spec.ts does not fuzz already (it covers GET /memories): POST /search, both context
 * routes, GET /agents/:id/memories and /sessions/:id/memories, and GET /agents/:id/activity. Each reply is checked against an
 * oracle over the seeded memories: never a 5xx; a wrongly typed or invalid value is 400; a 200 holds
 * exactly the rows the filter matches (so never one it should not), in order, within the limit.
 * Half of the seeds are in the store and half only in the hot tier (the worker is stopped), so both
 * the SQL builder and the in-memory predicate see every input.
 */

const RUNS = 50;
/** Every status a read may answer: never a 5xx (414: a path id past the router's 512-character limit). */
const STATUSES = [200, 400, 404, 414];
const MAX_PATH_PARAM = 512;
const MINUTE_US = 60_000_000;
/** Relative windows shorter than this may cut through the seeds while the file runs: no exact oracle. */
const FUZZY_WINDOW_US = 10 * MINUTE_US;
/** Server and test clocks differ by the request's flight time. */
const CLOCK_SLACK_US = 5_000_000;

const AGENTS = ['fuzz-a', 'fuzz-b', 'fuzz_c'];
const SESSIONS = ['sess-1', 'sess-2', 'sess-3'];
const TYPES = ['episodic', 'decision', 'entity', 'session'];
const EVENTS = ['general', 'error', 'page_crawled'];
const TAG_SETS = [['prod'], ['products'], ['prod', 'eu'], ['a.b', 'a-b'], []];
const CONTENTS = ["O'Reilly said \"hi\"", '100% done_now', 'back\\slash \\n', "' OR 1=1 --", '; DROP TABLE events; --', 'ünï 😀 مرحبا \u202Ertl', 'plain text', 'under_score%percent'];

interface Seed {
  id: string;
  us: number;
  agent_id: string;
  session_id?: string;
  memory_type: string;
  event_type: string;
  tags: string[];
  content: string;
  importance: number;
}

function seedRequest(i: number) {
  const tags = TAG_SETS[i % TAG_SETS.length];
  return {
    agent_id: AGENTS[i % AGENTS.length],
    ...(i % 4 === 3 ? {} : { session_id: SESSIONS[i % SESSIONS.length] }),
    memory_type: TYPES[i % TYPES.length],
    event_type: EVENTS[i % EVENTS.length],
    // The ~i~ marker finds a memory's line in a rendered context.
    content: `${CONTENTS[i % CONTENTS.length]} ~${i}~`,
    ...(tags.length > 0 ? { tags } : {}),
    ...(i % 5 === 0 ? {} : { importance: (i % 5) / 4 }),
    ...(TYPES[i % TYPES.length] === 'decision' ? { metadata: { reasoning: `because ${i}` } } : {}),
  };
}

/** RFC 3339 (as the API prints it) to µs. */
function timeUs(text: string): number {
  const [, whole, fraction = ''] = /^(.*?)(?:\.(\d+))?Z$/.exec(text) ?? [];
  return Date.parse(`${whole}Z`) * 1000 + Number(`${fraction}000000`.slice(0, 6));
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Strings that have broken filters before: quotes, LIKE wildcards, escapes, SQL, unicode, NUL, huge. */
const NASTY = ["'", "''", '"', '%', '_', '\\', '\\%', '%_%', "' OR 1=1 --", "'; DROP TABLE events; --", "O'Reilly", '😀', 'مرحبا', '\u202Ertl', '\u0000', 'a\u0000b', ' ', 'null', '[]', '{}', 'a'.repeat(5000), '😀'.repeat(600), '1e9', '-1', '0', 'NaN'];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
/** Lone surrogates included: only for JSON bodies (a URL cannot carry them). */
const jsonText = fc.oneof({ weight: 6, arbitrary: text }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
/** Values of the wrong JSON type for most fields, and odd numbers. */
const wrongJson = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
/** Mostly values that pass validation (so the oracle gets to compare rows), sometimes hostile text. */
const stringField = (valid: string[], hostile = 1) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...valid) }, { weight: hostile, arbitrary: jsonText });
const stringsField = (valid: string[]) => fc.array(fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: jsonText }), { maxLength: 4 });
const GOOD_TIMES = ['', '1h', '24h', '+2h', '007d', '8760h', '365d', '30m', '1m', '2000-01-01', '2000-01-01T00:00:00Z', '2999-01-01T00:00:00Z', '2999-01-01T00:00:00.5+02:00', '0001-01-01T00:00:00Z'];
const BAD_TIMES = ['now', '0h', '8761h', '366d', '-1h', '1w', '1H', 'yesterday', "2026-01-01' OR 1=1 --"];
const timeText = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...GOOD_TIMES) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_TIMES) }, { weight: 1, arbitrary: text });
/** A few of the fields (more at once would rarely leave a row to compare). */
function someOf<T extends Record<string, unknown>>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }, maxKeys: number): fc.Arbitrary<Partial<T>> {
  const keys = Object.keys(fields) as Array<keyof T>;
  return fc.tuple(fc.record(fields), fc.subarray(keys, { maxLength: maxKeys })).map(([all, chosen]) => Object.fromEntries(chosen.map((k) => [k, all[k]])) as Partial<T>);
}

/** Now and then, one field of a body replaced by a value of any JSON type. */
function withWrongType<T extends Record<string, unknown>>(body: fc.Arbitrary<T>, fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const mutation = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...fields), wrongJson) });
  return fc.tuple(body, mutation).map(([b, m]) => (m === null ? b : { ...b, [m[0]]: m[1] }));
}
const uppercaseKeys = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toUpperCase(), v]));

// ---------------------------------------------------------------------------------------------
// The oracle: how the server must read each value (reference §5–§7, design §9).

const INVALID = Symbol('invalid');
const UNKNOWN = Symbol('unknown');
type Checked<T> = T | typeof INVALID;
/** A time bound in µs (`fuzzy` when near the seeds), none (undefined), a 400, or unknown to the test. */
type TimeBound = { us: number; fuzzy: boolean } | undefined | typeof INVALID | typeof UNKNOWN;

function relativeWindowUs(value: string): number | undefined | typeof INVALID {
  const m = /^([+-]?\d+)([hdm])$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n < 1 || n > 8760 || (m[2] === 'd' && n > 365)) return INVALID;
  return n * { h: 60, d: 1440, m: 1 }[m[2] as 'h' | 'd' | 'm'] * MINUTE_US;
}

/** µs are safe integers from 1684 to 2255 only: the server clamps timestamps beyond to that range. */
const clampUs = (us: number) => Math.min(Math.max(us, Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);

function absoluteUs(value: string): number | undefined | typeof UNKNOWN {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return clampUs(Date.parse(`${value}T00:00:00Z`) * 1000);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return clampUs(Date.parse(value) * 1000);
  // The server takes more timestamp spellings than this test parses.
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? UNKNOWN : undefined;
}

/** `since`/`until` of list and search: relative, a timestamp, '' (none), `until=now` (none); else 400. */
function listBound(value: string, field: 'since' | 'until', nowUs: number): TimeBound {
  if (value === '' || (field === 'until' && value === 'now')) return undefined;
  const window = relativeWindowUs(value);
  if (window === INVALID) return INVALID;
  if (window !== undefined) return { us: nowUs - window, fuzzy: window < FUZZY_WINDOW_US };
  const absolute = absoluteUs(value);
  if (absolute === UNKNOWN) return UNKNOWN;
  return absolute === undefined ? INVALID : { us: absolute, fuzzy: false };
}

const checkId = (value: string): Checked<string | undefined> => (value === '' ? undefined : ID_PATTERN.test(value) ? value : INVALID);
const checkType = (value: string): Checked<string | undefined> => (value === '' ? undefined : TYPE_PATTERN.test(value) ? value : INVALID);
function checkList(values: string[], pattern: RegExp): Checked<string[] | undefined> {
  const kept = values.filter((v) => v !== '');
  if (kept.some((v) => !pattern.test(v))) return INVALID;
  return kept.length > 0 ? kept : undefined;
}

interface Criteria {
  agentId?: string;
  sessionId?: string;
  memoryTypes?: string[];
  eventTypes?: string[];
  tags?: string[];
  contentContains?: string;
  minImportance?: number;
  since?: TimeBound;
  until?: TimeBound;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The gateway refuses NUL and lone surrogates in any string or key of a body, and NUL in a URL (400). */
const unsafeText = (text: string) => text.includes('\0') || LONE_SURROGATE.test(text);
function hasUnsafeText(value: unknown): boolean {
  if (typeof value === 'string') return unsafeText(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => unsafeText(key) || hasUnsafeText(item));
}

function matches(seed: Seed, c: Criteria): boolean {
  const since = c.since as { us: number } | undefined;
  const until = c.until as { us: number } | undefined;
  return (
    (c.agentId === undefined || seed.agent_id === c.agentId) &&
    (c.sessionId === undefined || seed.session_id === c.sessionId) &&
    (c.memoryTypes === undefined || c.memoryTypes.includes(seed.memory_type)) &&
    (c.eventTypes === undefined || c.eventTypes.includes(seed.event_type)) &&
    (c.tags === undefined || c.tags.every((t) => seed.tags.includes(t))) &&
    // Literal substring; a lone surrogate cannot occur in the (well-formed) contents.
    (c.contentContains === undefined || (!LONE_SURROGATE.test(c.contentContains) && seed.content.includes(c.contentContains))) &&
    (c.minImportance === undefined || seed.importance >= c.minImportance) &&
    (since === undefined || seed.us > since.us) &&
    (until === undefined || seed.us < until.us)
  );
}

/** Whether the bounds allow an exact expectation (else: soundness with clock slack only). */
const exactBounds = (...bounds: TimeBound[]) => bounds.every((b) => b === undefined || (typeof b === 'object' && !b.fuzzy));

function loosen(c: Criteria): Criteria {
  const widen = (b: TimeBound, by: number): TimeBound => (typeof b === 'object' ? { us: b.us + by, fuzzy: b.fuzzy } : undefined);
  return { ...c, since: widen(c.since, -CLOCK_SLACK_US), until: widen(c.until, CLOCK_SLACK_US) };
}

function page(seeds: Seed[], c: Criteria, order: 'asc' | 'desc', limit: number): Seed[] {
  const sorted = seeds.filter((s) => matches(s, c)).sort((x, y) => x.us - y.us || (x.id < y.id ? -1 : 1));
  return (order === 'asc' ? sorted : sorted.reverse()).slice(0, limit);
}

/** A requested limit: absent → the default, above 1000 → 1000, below 1 → 400 (design §9, issue 10). */
const readLimit = (n: number | undefined, fallback: number): Checked<number> => (n === undefined ? fallback : n < 1 ? INVALID : Math.min(n, 1000));
/** A limit query parameter: '' is not given; else Go `strconv.Atoi` syntax, or 400. */
const queryLimit = (value: string, fallback: number): Checked<number> => {
  if (value === '') return fallback;
  return /^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? readLimit(Number(value), fallback) : INVALID;
};
/** `asc`, `desc` or '' (desc); anything else is 400. */
const checkOrder = (value: string): Checked<'asc' | 'desc'> => (value === 'asc' ? 'asc' : value === '' || value === 'desc' ? 'desc' : INVALID);

/**
 * A 200 against the oracle: with exact bounds, exactly the expected page; otherwise (a window
 * cutting through the seeds) every row still satisfies the filter, with clock slack.
 */
function expectRows(rows: Array<{ id: string; time: string }>, seeds: Seed[], c: Criteria, order: 'asc' | 'desc', limit: number): void {
  if (exactBounds(c.since, c.until)) {
    expect(rows.map((r) => r.id)).toEqual(page(seeds, c, order, limit).map((s) => s.id));
    return;
  }
  const byId = new Map(seeds.map((s) => [s.id, s]));
  expect(rows.length).toBeLessThanOrEqual(limit);
  for (const row of rows) expect(matches(byId.get(row.id) as Seed, loosen(c))).toBe(true);
}

// ---------------------------------------------------------------------------------------------

describe('read API fuzzing: search, context, agent and session memories (store + hot tier)', () => {
  let stack: TenantStack;
  let gateways: AppProcess[];
  let key: string;
  const seeds: Seed[] = [];
  let run = 0;
  /** Alternates the gateways (and behind them the query processes). */
  const read = (method: string, path: string, body?: unknown, rawBody?: string): Promise<HttpResult> => httpRequest(gateways[run++ % 2], method, path, { key, json: body, raw: rawBody });

  async function writeSeeds(from: number, to: number): Promise<void> {
    const requests = Array.from({ length: to - from }, (_, k) => seedRequest(from + k));
    const reply = await httpRequest(gateways[0], 'POST', '/api/v1/memories', { key, json: { memories: requests } });
    expect(reply).toMatchObject({ status: 201, body: { count: requests.length } });
    for (const m of reply.body.memories) seeds.push({ tags: [], importance: 0, ...m, us: timeUs(m.time) });
  }

  beforeAll(async () => {
    stack = await createStack(READ_STACK);
    ({ gateways, key } = stack);
    await writeSeeds(0, 24);
    await waitFor(async () => (await queueCounts(stack)).hotTier === 0, 60_000, 'the first seeds in the store');
    await stack.apps.find((app) => app.ports['ingest-worker'])?.stop();
    await writeSeeds(24, 48);
  }, 120_000);

  afterAll(() => stack?.close());

  it('the seeds are split between the store and the hot tier', async () => {
    expect((await queueCounts(stack)).hotTier).toBe(24);
    expect((await read('GET', '/api/v1/memories?limit=1000')).body.count).toBe(48);
  });

  it('POST /search: never 5xx; wrong JSON types and invalid values are 400; a 200 is exactly the matching rows', async () => {
    const SEARCH_FIELDS = ['agent_id', 'session_id', 'memory_types', 'event_types', 'tags', 'content_contains', 'since', 'until', 'min_importance', 'limit', 'order'];
    const fields = withWrongType(
      someOf(
        {
          agent_id: stringField([...AGENTS, '', 'fuzz-A']),
          session_id: stringField([...SESSIONS, '']),
          memory_types: stringsField([...TYPES, 'unknown_type', '']),
          event_types: stringsField([...EVENTS, '']),
          tags: stringsField(['prod', 'products', 'eu', 'a.b', 'a-b', 'pro', '']),
          content_contains: stringField(["O'Reilly", '100%', '%', '_', '\\', "' OR", '😀', 'DROP', 'done_', '%_', '~1~', ''], 6),
          since: timeText,
          until: timeText,
          min_importance: fc.oneof(fc.constantFrom(0, 0.25, 0.5, 1, -1, 2, 1e308, Number.NaN), fc.double({ min: -1, max: 2 })),
          limit: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -5, max: 60 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 1000, 1001, 2 ** 53, 1e21, 1.5) }),
          order: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('asc', 'desc', 'ASC', '') }, { weight: 1, arbitrary: text }),
        },
        4,
      ),
      SEARCH_FIELDS,
    );
    const body = fc.oneof(
      { weight: 12, arbitrary: fc.tuple(fields, fc.boolean()).map(([b, shout]) => (shout ? uppercaseKeys(b) : b)) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], [1, 2], 'agent_id', 42, true) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (sentBody) => {
        const nowUs = Date.now() * 1000;
        const reply = await read('POST', '/api/v1/search', sentBody);
        expect([200, 400]).toContain(reply.status);
        if (reply.status === 400) expect(typeof reply.body.error).toBe('string');
        if (sentBody === null) return expect(reply.status).toBe(200);
        if (typeof sentBody !== 'object' || Array.isArray(sentBody)) return expect(reply.status).toBe(400);
        if (hasUnsafeText(sentBody)) return expect(reply.status).toBe(400);
        // What the server received: JSON drops NaN/Infinity to null; field names fold case.
        const sent = Object.fromEntries(Object.entries(JSON.parse(JSON.stringify(sentBody))).map(([k, v]) => [k.toLowerCase(), v])) as Record<string, any>;
        const given = (f: string) => sent[f] !== undefined && sent[f] !== null;
        const str = (f: string): Checked<string> => (!given(f) ? '' : typeof sent[f] === 'string' ? sent[f] : INVALID);
        const strs = (f: string): Checked<string[]> => (!given(f) ? [] : Array.isArray(sent[f]) && sent[f].every((v: unknown) => typeof v === 'string') ? sent[f] : INVALID);
        const wrongType =
          ['agent_id', 'session_id', 'content_contains', 'since', 'until', 'order'].some((f) => str(f) === INVALID) ||
          ['memory_types', 'event_types', 'tags'].some((f) => strs(f) === INVALID) ||
          (given('min_importance') && typeof sent.min_importance !== 'number') ||
          (given('limit') && !Number.isSafeInteger(sent.limit));
        if (wrongType) return expect(reply.status).toBe(400);

        const contentContains = str('content_contains') as string;
        const criteria: Record<keyof Criteria, unknown> = {
          agentId: checkId(str('agent_id') as string),
          sessionId: checkId(str('session_id') as string),
          memoryTypes: checkList(strs('memory_types') as string[], TYPE_PATTERN),
          eventTypes: checkList(strs('event_types') as string[], TYPE_PATTERN),
          tags: checkList(strs('tags') as string[], TAG_PATTERN),
          // NUL cannot reach the store (it would be dropped, widening the match): 400.
          contentContains: contentContains === '' ? undefined : Array.from(contentContains).length > 1000 || contentContains.includes('\0') ? INVALID : contentContains,
          minImportance: given('min_importance') && sent.min_importance > 0 ? sent.min_importance : undefined,
          since: listBound(str('since') as string, 'since', nowUs),
          until: listBound(str('until') as string, 'until', nowUs),
        };
        const limit = readLimit(given('limit') ? sent.limit : undefined, 50);
        const order = checkOrder(str('order') as string);
        const values = [...Object.values(criteria), limit, order];
        if (values.includes(INVALID)) return expect(reply.status).toBe(400);
        if (values.includes(UNKNOWN)) return; // the server may read it either way; it did not 5xx
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ count: reply.body.results.length, query_time_ms: expect.any(Number) });
        expect(Number.isInteger(reply.body.query_time_ms)).toBe(true);
        expectRows(reply.body.results, seeds, criteria as Criteria, order as 'asc' | 'desc', limit as number);
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /sessions/:id/context and /agents/:id/context: never 5xx; 400 on wrong types; token_count <= max_tokens; the right memories', async () => {
    const subject = fc.oneof(
      fc.record({ kind: fc.constant<'session'>('session'), id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SESSIONS, 'sess-none') }, { weight: 1, arbitrary: text }) }),
      fc.record({ kind: fc.constant<'agent'>('agent'), id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...AGENTS) }, { weight: 1, arbitrary: text }) }),
    );
    const fields = withWrongType(
      fc.record(
        {
          since: timeText,
          include_types: stringsField([...TYPES, 'unknown_type', '']),
          max_tokens: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 400 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, 200_001, 1e9) }),
        },
        { requiredKeys: [] },
      ),
      ['since', 'include_types', 'max_tokens'],
    );
    /** `raw` bodies go out unparsed, as a client with a broken serialiser would send them. */
    const body = fc.oneof(
      { weight: 10, arbitrary: fields.map((b): { json?: unknown; raw?: string } => ({ json: b })) },
      { weight: 2, arbitrary: fc.constantFrom<{ json?: unknown; raw?: string }>({}, { json: null }, { json: [] }, { json: 'x' }, { json: 42 }, { raw: '{not json' }, { raw: '' }) },
    );
    await fc.assert(
      fc.asyncProperty(subject, body, async ({ kind, id }, { json, raw }) => {
        const nowUs = Date.now() * 1000;
        const reply = await read('POST', `/api/v1/${kind}s/${encodeURIComponent(id)}/context`, json, raw);
        expect(STATUSES).toContain(reply.status);
        if (reply.status !== 200) expect(typeof reply.body.error).toBe('string');
        // `.`, `..` and '' change the route, and a path id past the router's limit is 414.
        if (['', '.', '..'].includes(id)) return;
        if (encodeURIComponent(id).length > MAX_PATH_PARAM) return expect(reply.status).toBe(414);
        if (!ID_PATTERN.test(id)) return expect(reply.status).toBe(400);
        // Validated as search is: only an empty body or `null` means the defaults.
        if (raw !== undefined && raw !== '') return expect(reply.status).toBe(400);
        if (json !== undefined && json !== null && (typeof json !== 'object' || Array.isArray(json))) return expect(reply.status).toBe(400);
        if (hasUnsafeText(json)) return expect(reply.status).toBe(400);

        const sent = JSON.parse(JSON.stringify(json ?? {})) as Record<string, any>;
        const given = (f: string) => sent[f] !== undefined && sent[f] !== null;
        const includeTypes = !given('include_types') ? [] : Array.isArray(sent.include_types) && sent.include_types.every((t: unknown) => typeof t === 'string') ? sent.include_types : INVALID;
        const maxTokens = !given('max_tokens') || sent.max_tokens === 0 ? undefined : Number.isInteger(sent.max_tokens) && sent.max_tokens > 0 ? Math.min(sent.max_tokens, 200_000) : INVALID;
        const types = includeTypes === INVALID ? INVALID : checkList(includeTypes, TYPE_PATTERN);
        if ((given('since') && typeof sent.since !== 'string') || types === INVALID || maxTokens === INVALID) return expect(reply.status).toBe(400);
        // `since` as on the lists (empty: 24h); upstream silently used 24h for anything unreadable.
        const since = listBound((given('since') ? sent.since : '') || '24h', 'since', nowUs);
        if (since === INVALID) return expect(reply.status).toBe(400);
        if (since === UNKNOWN) return;

        expect(reply.status).toBe(200);
        const { context, memory_count: shown, omitted_count: omitted, token_count: tokens, truncated } = reply.body;
        expect(reply.body[kind === 'session' ? 'session_id' : 'agent_id']).toBe(id);
        expect([shown, omitted, tokens].every(Number.isInteger)).toBe(true);
        const header = `## ${kind === 'session' ? 'Session' : 'Agent'} Context (${id})\n\n`;
        if (context !== '') expect(context.startsWith(header)).toBe(true);
        if (maxTokens === undefined) expect({ truncated, omitted }).toEqual({ truncated: false, omitted: 0 });
        else expect(tokens).toBeLessThanOrEqual(maxTokens);

        const criteria: Criteria = { ...(kind === 'session' ? { sessionId: id } : { agentId: id }), memoryTypes: types, since };
        const expected = page(seeds, exactBounds(since) ? criteria : loosen(criteria), 'desc', 100);
        if (exactBounds(since)) expect(shown + omitted).toBe(expected.length);
        // No line for a memory outside the filter; with no budget, a line for every one inside it.
        const marked = new Set(seeds.filter((s) => context.includes(`~${s.content.split('~')[1]}~`)).map((s) => s.id));
        for (const seed of seeds) if (marked.has(seed.id)) expect(expected.map((s) => s.id)).toContain(seed.id);
        if (maxTokens === undefined && exactBounds(since)) expect(marked.size).toBe(expected.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET /agents/:id/activity: never 5xx; 400 for a bad window or bucket; a 200 counts exactly the seeds per bucket, hot tier included', async () => {
    const BUCKETS: Record<string, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 };
    const mostly = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: text });
    const value = fc.constantFrom('since', 'until', 'bucket', 'x').chain((name) =>
      fc.tuple(fc.constant(name), name === 'bucket' ? mostly(fc.constantFrom(...Object.keys(BUCKETS), '', '2h', '1H', '60s', 'constructor')) : name === 'x' ? text : timeText),
    );
    const agent = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...AGENTS, 'nobody') }, { weight: 1, arbitrary: text });
    const seen = { counted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(agent, fc.array(value, { maxLength: 3 }), async (id, params) => {
        const nowUs = Date.now() * 1000;
        const reply = await read('GET', `/api/v1/agents/${encodeURIComponent(id)}/activity?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`);
        expect(STATUSES).toContain(reply.status);
        if (reply.status !== 200) expect(typeof reply.body.error).toBe('string');
        if (reply.status === 400) seen.refused += 1;
        if (reply.status === 200 && reply.body.total > 0) seen.counted += 1;
        if (['', '.', '..'].includes(id)) return;
        if (encodeURIComponent(id).length > MAX_PATH_PARAM) return expect(reply.status).toBe(414);
        if (unsafeText(id) || params.some(([, v]) => unsafeText(v))) return expect(reply.status).toBe(400);
        const given = (name: string) => params.filter(([k]) => k === name).map(([, v]) => v);
        if (['since', 'until', 'bucket'].some((name) => given(name).length > 1)) return expect(reply.status).toBe(400);
        const since = listBound(given('since')[0] || '24h', 'since', nowUs);
        const until = listBound(given('until')[0] ?? '', 'until', nowUs) ?? { us: nowUs, fuzzy: false };
        const bucket = given('bucket')[0] || '1h';
        if (!ID_PATTERN.test(id) || since === INVALID || until === INVALID || !Object.hasOwn(BUCKETS, bucket)) return expect(reply.status).toBe(400);
        if (since === UNKNOWN || until === UNKNOWN || since === undefined) return;
        // Both bounds move with the server's clock when relative: compare with slack, or skip the edge.
        const slack = CLOCK_SLACK_US;
        const bucketUs = BUCKETS[bucket] * 1_000_000;
        const floor = (us: number) => us - (((us % bucketUs) + bucketUs) % bucketUs);
        const count = (floor(until.us - 1) - floor(since.us)) / bucketUs + 1;
        const sameClock = /^\+?\d+[hdm]$/.test(given('since')[0] || '24h') && !/^\d{4}/.test(given('until')[0] ?? '');
        if (!sameClock && Math.abs(until.us - since.us) <= slack) return;
        if (until.us <= since.us || count > 5001) return expect(reply.status).toBe(400);
        if (count >= 4999) return;
        expect(reply.status).toBe(200);

        // The window the server counted is in the answer: the oracle is exact within it.
        const [fromUs, toUs] = [timeUs(reply.body.since), timeUs(reply.body.until)];
        expect(Math.abs(fromUs - since.us)).toBeLessThanOrEqual(slack);
        expect(reply.body).toMatchObject({ agent_id: id, bucket, bucket_seconds: BUCKETS[bucket] });
        const first = floor(fromUs);
        expect(reply.body.buckets.map((b: { start: string }) => timeUs(b.start))).toEqual(Array.from({ length: (floor(toUs - 1) - first) / bucketUs + 1 }, (_, i) => first + i * bucketUs));
        const expected = new Map<number, { counts: Record<string, number>; total: number; errors: number }>();
        for (const seed of seeds.filter((s) => s.agent_id === id && s.us > fromUs && s.us < toUs)) {
          const cell = expected.get(floor(seed.us)) ?? { counts: {}, total: 0, errors: 0 };
          cell.counts[seed.memory_type] = (cell.counts[seed.memory_type] ?? 0) + 1;
          cell.total += 1;
          if (seed.event_type === 'error') cell.errors += 1;
          expected.set(floor(seed.us), cell);
        }
        const nonEmpty = reply.body.buckets.filter((b: { total: number }) => b.total > 0).map((b: { start: string; counts: object; total: number; errors: number }) => [timeUs(b.start), { counts: b.counts, total: b.total, errors: b.errors }]);
        expect(nonEmpty).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]));
        expect(reply.body.total).toBe([...expected.values()].reduce((sum, c) => sum + c.total, 0));
        expect(reply.body.memory_types).toEqual([...new Set([...expected.values()].flatMap((c) => Object.keys(c.counts)))].sort());
      }),
      { numRuns: RUNS * 2 },
    );
    // Not vacuous: the runs both counted seeds and refused bad input.
    expect(seen.counted).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(10);
  });

  it('GET /agents/:id/memories and /sessions/:id/memories: never 5xx; rows only of the path id and the honoured filters', async () => {
    const mostly = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: text });
    const queryValue = (name: string) =>
      ({
        memory_type: mostly(fc.constantFrom(...TYPES, 'unknown_type', '')),
        event_type: mostly(fc.constantFrom(...EVENTS, '')),
        since: timeText,
        until: timeText,
        limit: mostly(fc.oneof(fc.integer({ min: -5, max: 60 }).map(String), fc.constantFrom('0', '1000', '1001', '1e3', '5.5', '+5', '007', ' 5', '9'.repeat(30)))),
        offset: mostly(fc.integer({ min: -5, max: 60 }).map(String)),
        order: mostly(fc.constantFrom('asc', 'desc', '')),
      })[name] ?? mostly(fc.constantFrom(...AGENTS, ...SESSIONS, 'prod'));
    const param = fc
      .constantFrom('memory_type', 'event_type', 'since', 'until', 'limit', 'offset', 'order', 'tags', 'agent_id', 'session_id', 'x')
      .chain((name) => fc.tuple(fc.constant(name), queryValue(name)));
    const subject = fc.oneof(
      fc.record({ kind: fc.constant<'agent'>('agent'), id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...AGENTS, 'nobody') }, { weight: 1, arbitrary: text }) }),
      fc.record({ kind: fc.constant<'session'>('session'), id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SESSIONS) }, { weight: 1, arbitrary: text }) }),
    );
    /** Raw (not percent-encoded) query text: malformed escapes and separators as a sloppy client sends them. */
    const rawQuery = fc.constantFrom('since=%', 'memory_type=%zz', 'limit=%E0%A4%A', 'event_type=%00', 'order=+asc', 'since=1h&&&', '=&=', 'memory_type=a+b', '%');
    await fc.assert(
      fc.asyncProperty(subject, fc.array(param, { maxLength: 5 }), fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: rawQuery }), async ({ kind, id }, params, raw) => {
        const nowUs = Date.now() * 1000;
        const query = [...params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`), ...(raw === null ? [] : [raw])].join('&');
        const reply = await read('GET', `/api/v1/${kind}s/${encodeURIComponent(id)}/memories?${query}`);
        expect(STATUSES).toContain(reply.status);
        if (reply.status !== 200) expect(typeof reply.body.error).toBe('string');
        const field = kind === 'agent' ? 'agent_id' : 'session_id';
        // The path decides, whatever agent_id=/session_id= the query string says.
        if (reply.status === 200) for (const m of reply.body.memories) expect(m[field]).toBe(id);
        if (raw !== null || ['', '.', '..'].includes(id)) return;
        if (encodeURIComponent(id).length > MAX_PATH_PARAM) return expect(reply.status).toBe(414);
        // NUL in the path or in any query value, honoured or not, is refused before the route runs.
        if (unsafeText(id) || params.some(([, v]) => unsafeText(v))) return expect(reply.status).toBe(400);

        // What the route honours (§7.10, §7.17); everything else is ignored.
        const honoured = kind === 'agent' ? ['memory_type', 'event_type', 'since', 'limit', 'order'] : ['memory_type', 'since', 'limit', 'order'];
        const value = (name: string) => params.find(([k]) => k === name)?.[1] ?? '';
        const repeated = honoured.some((name) => params.filter(([k]) => k === name).length > 1);
        const since = listBound(value('since') || (kind === 'agent' ? '24h' : ''), 'since', nowUs);
        const memoryType = checkType(value('memory_type'));
        const eventType = kind === 'agent' ? checkType(value('event_type')) : undefined;
        const limit = queryLimit(value('limit'), 100);
        const order = checkOrder(value('order'));
        if (!ID_PATTERN.test(id) || repeated || [since, memoryType, eventType, limit, order].includes(INVALID)) return expect(reply.status).toBe(400);
        if (since === UNKNOWN) return;
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ count: reply.body.memories.length, has_more: expect.any(Boolean) });
        const one = (v: Checked<string | undefined>) => (typeof v === 'string' ? [v] : undefined);
        const criteria: Criteria = { [kind === 'agent' ? 'agentId' : 'sessionId']: id, memoryTypes: one(memoryType), eventTypes: one(eventType), since };
        expectRows(reply.body.memories, seeds, criteria, order as 'asc' | 'desc', limit as number);
        expect(reply.body.has_more).toBe(reply.body.count >= (limit as number));
      }),
      { numRuns: RUNS },
    );
  });
});
