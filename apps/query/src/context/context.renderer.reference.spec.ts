import fc from 'fast-check';
import { ContextSubject, MEMORY_TYPES, MemoryRecord } from '@memtrace/contracts';
import { ContextLine, contextHeader, FILL_PRIORITY, formatLine, omittedLine, SECTIONS, sectionOf } from './context-layout.util';
import { ContextRenderer, DEFAULT_MAX_LINE_CHARS, RenderedContext } from './context.renderer';
import { o200kTokenCounter, TokenCounter } from './token-counter.util';

/**
 * The renderer as it was before it counted candidates from their parts: every candidate laid out
 * and tokenized whole. The production renderer must give the same answer for every input.
 */
function referenceRender(memories: readonly MemoryRecord[], subject: ContextSubject, maxTokens: number, counter: TokenCounter): RenderedContext {
  const count = (text: string) => (text === '' ? 0 : counter.count(text));
  const within = (text: string, limit: number) => (counter.countWithin && text !== '' ? counter.countWithin(text, limit) : count(text) <= limit ? count(text) : false);
  const result = (context: string, tokens: number, shown: number, omitted: number, truncated: boolean): RenderedContext => ({ context, memory_count: shown, token_count: tokens, truncated, omitted_count: omitted });
  const lines: ContextLine[] = memories
    .map((memory) => ({ timeUs: memory.timeUs, id: memory.id, section: sectionOf(memory), text: formatLine(memory, subject, DEFAULT_MAX_LINE_CHARS) }))
    .sort((a, b) => b.timeUs - a.timeUs || cmp(a.id, b.id) || cmp(a.section, b.section) || cmp(a.text, b.text));
  const full = referenceLayout(subject, lines, 0);
  const fullTokens = within(full, maxTokens);
  if (fullTokens !== false) return result(full, fullTokens, lines.length, 0, false);

  const lineCost = (index: number) => count(lines[index].text);
  const headingCost = (key: string) =>
    count(`### ${SECTIONS.find((section) => section.key === key)?.title} (${lines.filter((line) => line.section === key).length})\n`) + count('\n');
  const attempt = (chosen: number[]) => {
    const kept = lines.filter((_, index) => chosen.includes(index));
    const text = referenceLayout(subject, kept, lines.length - kept.length);
    const tokens = within(text, maxTokens);
    return tokens === false ? undefined : { chosen, text, tokens };
  };

  let remaining = maxTokens - count(contextHeader(subject)) - count('\n') - count(omittedLine(lines.length));
  const chosen: number[] = [];
  for (const key of FILL_PRIORITY) {
    for (const [position, index] of lines.flatMap((line, i) => (line.section === key ? [i] : [])).entries()) {
      const cost = lineCost(index) + (position === 0 ? headingCost(key) : 0);
      if (cost > remaining) break;
      chosen.push(index);
      remaining -= cost;
    }
  }
  let shrunk: ReturnType<typeof attempt>;
  for (let taken = chosen.length; taken >= 0 && !shrunk; taken -= 1) shrunk = attempt(chosen.slice(0, taken));
  if (!shrunk) {
    const header = contextHeader(subject);
    const headerTokens = within(header, maxTokens);
    return headerTokens !== false ? result(header, headerTokens, 0, lines.length, true) : result('', 0, 0, lines.length, true);
  }
  let best = shrunk;
  let attempts = 8;
  topUp: for (const key of FILL_PRIORITY) {
    for (const index of lines.flatMap((line, i) => (line.section === key && !best.chosen.includes(i) ? [i] : []))) {
      const opensSection = !best.chosen.some((c) => lines[c].section === key);
      if (lineCost(index) + (opensSection ? headingCost(key) : 0) - 8 > maxTokens - best.tokens) break;
      if (attempts === 0) break topUp;
      attempts -= 1;
      const next = attempt([...best.chosen, index]);
      if (next === undefined) break;
      best = next;
    }
  }
  return result(best.text, best.tokens, best.chosen.length, lines.length - best.chosen.length, true);
}

function referenceLayout(subject: ContextSubject, lines: readonly ContextLine[], omitted: number): string {
  let text = contextHeader(subject);
  for (const { key, title } of SECTIONS) {
    const own = lines.filter((line) => line.section === key);
    if (own.length === 0) continue;
    text += `### ${title} (${own.length})\n${own.map((line) => line.text).join('')}${key === 'other' ? '' : '\n'}`;
  }
  if (omitted > 0) text += `${text.endsWith('\n\n') ? '' : '\n'}${omittedLine(omitted)}`;
  return text;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const BASE_US = Date.UTC(2026, 1, 7) * 1000;

/** Text that lands on joins: trailing spaces, slashes, punctuation, digits, CJK, emoji, '\n' runs. */
const edgyText = fc
  .array(fc.constantFrom('word', 'Word', ' ', '  ', '\t', '\u00a0', '/', '//', '.', '...', '—', '-', '#', '_', '\n', '\n\n', '\r\n', '42', '2026', '日本', '👨‍👩‍👧', "'s", ':'), { maxLength: 40 })
  .map((parts) => parts.join(''));

const memoryArb: fc.Arbitrary<MemoryRecord> = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  timeUs: fc.integer({ min: 0, max: 30 }).map((n) => BASE_US + n * 1_000_000),
  orgId: fc.constant('org_a'),
  agentId: fc.constant('agent_1'),
  sessionId: fc.oneof(fc.constantFrom('', 'sess_1'), edgyText),
  memoryType: fc.constantFrom(...MEMORY_TYPES),
  eventType: fc.oneof(fc.constantFrom('general', 'error', 'decision'), edgyText),
  content: fc.oneof({ arbitrary: edgyText, weight: 2 }, { arbitrary: fc.lorem({ maxCount: 60 }), weight: 2 }, { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 }),
  metadata: fc.option(fc.record({ reasoning: fc.oneof(edgyText, fc.lorem({ maxCount: 20 })) }), { nil: null }),
  tags: fc.constant([]),
  dedupKey: fc.constant(''),
  importance: fc.constant(0),
  parentId: fc.constant(''),
});

const subjectArb: fc.Arbitrary<ContextSubject> = fc.record({ kind: fc.constantFrom('session', 'agent'), id: fc.oneof({ arbitrary: fc.constantFrom('sess_1', 'agent_1'), weight: 4 }, { arbitrary: edgyText, weight: 1 }) });

/** A budget as a share of the uncut text, so most cases cut and some fit exactly. */
const caseArb = fc.tuple(fc.array(memoryArb, { maxLength: 40, size: 'max' }), subjectArb, fc.integer({ min: 0, max: 1050 }).map((permille) => permille / 1000));

function budgetFor(memories: MemoryRecord[], subject: ContextSubject, share: number, counter: TokenCounter): number {
  return Math.max(1, Math.round(share * new ContextRenderer({ tokenCounter: counter }).render(memories, subject).token_count));
}

describe('ContextRenderer against the whole-text reference', () => {
  it('gives the same answer as counting every candidate whole, with the true token count (o200k)', () => {
    const renderer = new ContextRenderer();
    fc.assert(
      fc.property(caseArb, ([memories, subject, share]) => {
        const budget = budgetFor(memories, subject, share, o200kTokenCounter);
        const result = renderer.render(memories, subject, budget);
        expect(result).toEqual(referenceRender(memories, subject, budget, o200kTokenCounter));
        expect(result.token_count).toBe(o200kTokenCounter.count(result.context));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answer with counters that declare no additive join', () => {
    const wholeO200k: TokenCounter = { count: o200kTokenCounter.count, countWithin: o200kTokenCounter.countWithin };
    const quadratic: TokenCounter = { count: (text) => text.split('\n').length ** 2 };
    fc.assert(
      fc.property(caseArb, fc.constantFrom(wholeO200k, quadratic), ([memories, subject, share], counter) => {
        const budget = budgetFor(memories, subject, share, counter);
        expect(new ContextRenderer({ tokenCounter: counter }).render(memories, subject, budget)).toEqual(referenceRender(memories, subject, budget, counter));
      }),
      { numRuns: 100 },
    );
  });
});
