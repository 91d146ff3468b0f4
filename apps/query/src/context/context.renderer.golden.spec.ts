import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContextSubject, MemoryRecord } from '@memtrace/contracts';
import { memoryRecord } from '@memtrace/testing';
import { ContextRenderer } from './context.renderer';
import { o200kTokenCounter } from './token-counter.util';

const GOLDEN_DIR = join(__dirname, '__golden__');
const session: ContextSubject = { kind: 'session', id: 'sess_abc123' };

/**
 * Compares byte for byte with `__golden__/<name>.md`. A missing file is written and the test fails,
 * so a new golden is always reviewed by a human before it guards anything.
 */
function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN_DIR, `${name}.md`);
  if (!existsSync(file)) {
    writeFileSync(file, text, 'utf8');
    throw new Error(`golden ${name}.md did not exist; written now, review it and re-run`);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

function at(iso: string, n: number): Pick<MemoryRecord, 'timeUs' | 'id'> {
  return { timeUs: Date.parse(iso) * 1000, id: `018f0000-0000-7000-8000-${String(n).padStart(12, '0')}` };
}

/** A realistic session: 12 memories over an afternoon, every section represented. */
function busySession(): MemoryRecord[] {
  const actions = Array.from({ length: 6 }, (_, i) =>
    memoryRecord({ ...at(`2026-02-07T20:${String(10 + i * 5).padStart(2, '0')}:00Z`, i), eventType: 'page_crawled', content: `Crawled https://example.com/products?page=${i + 1} and stored 25 product records` }),
  );
  return [
    ...actions,
    memoryRecord({ ...at('2026-02-07T20:12:00Z', 20), memoryType: 'decision', eventType: 'decision', content: 'Skip pagination beyond page 6', metadata: { reasoning: 'later pages repeat page 1' } }),
    memoryRecord({ ...at('2026-02-07T20:02:00Z', 21), memoryType: 'decision', eventType: 'decision', content: 'Use the JSON API instead of HTML', metadata: { reasoning: 'HTML layout changes weekly' } }),
    memoryRecord({ ...at('2026-02-07T20:31:00Z', 30), eventType: 'error', content: 'HTTP 429 from example.com, backing off 30 s' }),
    memoryRecord({ ...at('2026-02-07T20:03:00Z', 31), memoryType: 'session', eventType: 'error', content: 'Timeout fetching /sitemap.xml' }),
    memoryRecord({ ...at('2026-02-07T20:01:00Z', 40), memoryType: 'entity', eventType: 'site', content: 'example.com: e-commerce, 150 products' }),
    memoryRecord({ ...at('2026-02-07T20:00:00Z', 41), memoryType: 'session', eventType: 'session_start', content: 'Crawl session started' }),
  ];
}

describe('ContextRenderer golden files', () => {
  const renderer = new ContextRenderer();

  it('reproduces upstream’s example of §8 exactly', () => {
    const result = renderer.render(
      [
        memoryRecord({ ...at('2026-02-07T20:14:00Z', 2), memoryType: 'decision', eventType: 'decision', content: 'Skip pagination — only 2 pages deep' }),
        memoryRecord({ timeUs: Date.UTC(2026, 1, 7, 20, 15) * 1000 + 123_456, id: 'a', eventType: 'page_crawled', content: 'Crawled https://example.com — found 3 product pages' }),
      ],
      session,
    );
    expectGolden('upstream-example', result.context);
    expect(result).toMatchObject({ memory_count: 2, truncated: false, omitted_count: 0 });
  });

  it('renders the empty context as the bare header', () => {
    const result = renderer.render([], { kind: 'session', id: 'sess_x' });
    expectGolden('empty', result.context);
    expect(result).toEqual({ context: '## Session Context (sess_x)\n\n', memory_count: 0, token_count: o200kTokenCounter.count(result.context), truncated: false, omitted_count: 0 });
  });

  it('renders all four sections in upstream order', () => {
    const result = renderer.render(busySession(), session);
    expectGolden('all-sections', result.context);
    expect(result).toMatchObject({ memory_count: 12, truncated: false, omitted_count: 0 });
  });

  it('routes every error event to Errors, whatever the memory type', () => {
    const result = renderer.render(
      [
        memoryRecord({ ...at('2026-02-07T20:04:00Z', 1), memoryType: 'episodic', eventType: 'error', content: 'episodic error' }),
        memoryRecord({ ...at('2026-02-07T20:03:00Z', 2), memoryType: 'decision', eventType: 'error', content: 'decision error', metadata: { reasoning: 'kept' } }),
        memoryRecord({ ...at('2026-02-07T20:02:00Z', 3), memoryType: 'session', eventType: 'error', content: 'session error' }),
        memoryRecord({ ...at('2026-02-07T20:01:00Z', 4), memoryType: 'entity', eventType: 'error', content: 'entity error' }),
        memoryRecord({ ...at('2026-02-07T20:00:00Z', 5), memoryType: 'episodic', eventType: 'general', content: 'not an error' }),
      ],
      session,
    );
    expectGolden('errors-routing', result.context);
  });

  it('carries a decision’s reasoning on its line', () => {
    const result = renderer.render(
      [
        memoryRecord({ ...at('2026-02-07T20:02:00Z', 1), memoryType: 'decision', eventType: 'decision', content: 'Use PostgreSQL', metadata: { reasoning: 'we need transactions\nand JSONB' } }),
        memoryRecord({ ...at('2026-02-07T20:01:00Z', 2), memoryType: 'decision', eventType: 'decision', content: 'Ship on Friday' }),
        memoryRecord({ ...at('2026-02-07T20:00:00Z', 3), memoryType: 'decision', eventType: 'architecture', content: 'Split the worker', metadata: { reasoning: 'scale ingest independently', other: 1 } }),
      ],
      session,
    );
    expectGolden('decision-reasoning', result.context);
  });

  it('fills a budget by priority and says how much was left out', () => {
    const result = renderer.render(busySession(), session, 150);
    expectGolden('budgeted', result.context);
    expect(result.truncated).toBe(true);
    expect(result.token_count).toBe(o200kTokenCounter.count(result.context));
    expect(result.token_count).toBeLessThanOrEqual(150);
    expect(result.memory_count + result.omitted_count).toBe(12);
  });

  it('cuts multi-byte and emoji content at whole characters', () => {
    const narrow = new ContextRenderer({ maxLineChars: 12 });
    const result = narrow.render(
      [
        memoryRecord({ ...at('2026-02-07T20:03:00Z', 1), content: '👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 family' }),
        memoryRecord({ ...at('2026-02-07T20:02:00Z', 2), content: '日本語のテキストを十二文字で切ります。残りは省略' }),
        memoryRecord({ ...at('2026-02-07T20:01:00Z', 3), content: 'Crème brûlée, café, naïve résumé' }),
        memoryRecord({ ...at('2026-02-07T20:00:00Z', 4), content: '🇫🇷🇩🇪🇯🇵🇺🇸🇧🇷🇮🇳🇨🇦🇲🇽🇦🇺🇰🇷🇮🇹🇪🇸🇳🇱' }),
      ],
      session,
    );
    expectGolden('multibyte-cut', result.context);
    expect(result.context).not.toContain('\ufffd');
  });

  it('renders the agent context with sessions on the lines', () => {
    const memories = busySession().map((m, i) => ({ ...m, sessionId: i % 3 === 0 ? 'sess_other' : i % 3 === 1 ? 'sess_abc123' : '' }));
    const result = renderer.render(memories, { kind: 'agent', id: 'agent_1' }, 200);
    expectGolden('agent-context', result.context);
    expect(result.token_count).toBeLessThanOrEqual(200);
  });
});
