import fc from 'fast-check';
import { ContextSubject, MEMORY_TYPES, MemoryRecord } from '@memtrace/contracts';
import { ContextRenderer } from './context.renderer';
import { o200kTokenCounter } from './token-counter.util';

const BASE_US = Date.UTC(2026, 1, 7) * 1000;

/** Few distinct times and ids, so ties are common; content from the whole of Unicode. */
const memoryArb: fc.Arbitrary<MemoryRecord> = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
  timeUs: fc.integer({ min: 0, max: 20 }).map((n) => BASE_US + n * 60_000_000),
  orgId: fc.constant('org_a'),
  agentId: fc.constant('agent_1'),
  sessionId: fc.constantFrom('', 'sess_1', 'sess_2'),
  memoryType: fc.constantFrom(...MEMORY_TYPES),
  eventType: fc.constantFrom('general', 'error', 'decision', 'page_crawled'),
  content: fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 700 }),
    fc.string({ minLength: 1, maxLength: 300 }),
  ),
  metadata: fc.option(fc.record({ reasoning: fc.string({ unit: 'grapheme', maxLength: 40 }) }), { nil: null }),
  tags: fc.constant([]),
  dedupKey: fc.constant(''),
  importance: fc.constant(0),
  parentId: fc.constant(''),
});

const subjectArb: fc.Arbitrary<ContextSubject> = fc.record({ kind: fc.constantFrom('session', 'agent'), id: fc.constantFrom('sess_1', 'agent_1') });
const budgetArb = fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined });

describe('ContextRenderer properties', () => {
  const renderer = new ContextRenderer();

  it('reports the true token count and never exceeds the budget', () => {
    fc.assert(
      fc.property(fc.array(memoryArb, { maxLength: 30 }), subjectArb, budgetArb, (memories, subject, budget) => {
        const result = renderer.render(memories, subject, budget);
        expect(result.token_count).toBe(o200kTokenCounter.count(result.context));
        if (budget !== undefined) expect(result.token_count).toBeLessThanOrEqual(budget);
      }),
    );
  });

  it('accounts for every memory, one line each', () => {
    fc.assert(
      fc.property(fc.array(memoryArb, { maxLength: 30 }), subjectArb, budgetArb, (memories, subject, budget) => {
        const result = renderer.render(memories, subject, budget);
        expect(result.memory_count + result.omitted_count).toBe(memories.length);
        expect(result.context.match(/^- \[/gm)?.length ?? 0).toBe(result.memory_count);
        const headed = [...result.context.matchAll(/^### .+ \((\d+)\)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
        expect(headed).toBe(result.memory_count);
        if (budget === undefined) expect(result).toMatchObject({ truncated: false, omitted_count: 0 });
        if (result.omitted_count > 0) expect(result.truncated).toBe(true);
      }),
    );
  });

  it('is a function of the set of memories, not of their order', () => {
    const caseArb = fc
      .array(memoryArb, { maxLength: 20 })
      .chain((memories) => fc.tuple(fc.constant(memories), fc.shuffledSubarray(memories, { minLength: memories.length, maxLength: memories.length })));
    fc.assert(
      fc.property(caseArb, subjectArb, budgetArb, ([memories, shuffled], subject, budget) => {
        const first = renderer.render(memories, subject, budget);
        expect(renderer.render(memories, subject, budget)).toEqual(first);
        expect(renderer.render(shuffled, subject, budget)).toEqual(first);
      }),
    );
  });

  it('never leaves half a surrogate pair where the input had whole ones', () => {
    fc.assert(
      fc.property(fc.array(memoryArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 40 }), (memories, maxLineChars) => {
        const { context } = new ContextRenderer({ maxLineChars }).render(memories, { kind: 'session', id: 'sess_1' });
        expect(context).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      }),
    );
  });
});
