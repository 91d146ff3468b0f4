import { ContextSubject, MemoryRecord } from '@memtrace/contracts';
import { memoryRecord } from '@memtrace/testing';
import { ContextRenderer, DEFAULT_MAX_LINE_CHARS } from './context.renderer';
import { o200kTokenCounter, TokenCounter } from './token-counter.util';

const session: ContextSubject = { kind: 'session', id: 'sess_abc123' };
const count = (text: string) => o200kTokenCounter.count(text);

function minutes(n: number, fields: Partial<MemoryRecord> = {}): MemoryRecord {
  return memoryRecord({ timeUs: Date.UTC(2026, 1, 7, 20, n) * 1000, id: `id-${String(n).padStart(3, '0')}`, content: `event number ${n}`, ...fields });
}

describe('ContextRenderer', () => {
  const renderer = new ContextRenderer();

  it('renders every memory when no budget is given, however long', () => {
    const memories = Array.from({ length: 100 }, (_, i) => minutes(i, { content: 'x '.repeat(400) }));
    const result = renderer.render(memories, session);
    expect(result.memory_count).toBe(100);
    expect(result.truncated).toBe(false);
    expect(result.token_count).toBe(count(result.context));
  });

  it('cuts long content at the per-line maximum (500 characters by default), not at 80 bytes', () => {
    const result = renderer.render([minutes(0, { content: `${'é'.repeat(600)}` })], session);
    const line = result.context.split('\n').find((l) => l.startsWith('- ['));
    expect(line).toBe(`- [2026-02-07T20:00:00Z] general: ${'é'.repeat(DEFAULT_MAX_LINE_CHARS)}...`);
    const narrow = new ContextRenderer({ maxLineChars: 3 }).render([minutes(0, { content: 'abcdef' })], session);
    expect(narrow.context).toContain('general: abc...\n');
  });

  it('is untruncated when the budget is exactly the full count, and truncated one token below', () => {
    const memories = [minutes(1), minutes(2, { memoryType: 'decision' }), minutes(3, { eventType: 'error' })];
    const full = renderer.render(memories, session);
    expect(renderer.render(memories, session, full.token_count)).toEqual(full);
    const tight = renderer.render(memories, session, full.token_count - 1);
    expect(tight.truncated).toBe(true);
    expect(tight.omitted_count).toBeGreaterThan(0);
    expect(tight.token_count).toBeLessThanOrEqual(full.token_count - 1);
  });

  it('fills decisions, then errors, then actions, then other', () => {
    const memories = [
      minutes(10, { content: 'newest action' }),
      minutes(9, { memoryType: 'session', content: 'other thing' }),
      minutes(1, { memoryType: 'decision', eventType: 'decision', content: 'old decision' }),
      minutes(2, { memoryType: 'session', eventType: 'error', content: 'old error' }),
    ];
    const decisionsAndErrors = count(
      '## Session Context (sess_abc123)\n\n### Decisions Made (1)\n- [2026-02-07T20:01:00Z] decision: old decision\n\n### Errors (1)\n- [2026-02-07T20:02:00Z] error: old error\n\n_… 2 more memories omitted to fit the token budget_\n',
    );
    const result = renderer.render(memories, session, decisionsAndErrors + 2);
    expect(result.context).toContain('old decision');
    expect(result.context).toContain('old error');
    expect(result.context).not.toContain('newest action');
    expect(result.context).not.toContain('other thing');
    expect(result).toMatchObject({ memory_count: 2, omitted_count: 2, truncated: true });
  });

  it('keeps the newest of a section and omits its oldest', () => {
    const memories = Array.from({ length: 10 }, (_, i) => minutes(i));
    const result = renderer.render(memories, session, 80);
    const shown = [...result.context.matchAll(/event number (\d+)/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => 9 - i));
    expect(result.context.endsWith(`_… ${10 - shown.length} more memories omitted to fit the token budget_\n`)).toBe(true);
  });

  it('falls back to the header alone, then to nothing, when the budget is tiny', () => {
    const memories = [minutes(1), minutes(2)];
    const header = '## Session Context (sess_abc123)\n\n';
    const headerOnly = renderer.render(memories, session, count(header));
    expect(headerOnly).toEqual({ context: header, memory_count: 0, token_count: count(header), truncated: true, omitted_count: 2 });
    expect(renderer.render(memories, session, 1)).toEqual({ context: '', memory_count: 0, token_count: 0, truncated: true, omitted_count: 2 });
    expect(renderer.render([], session, 1)).toEqual({ context: '', memory_count: 0, token_count: 0, truncated: true, omitted_count: 0 });
  });

  it('shows the omitted line with the header when no memory fits but both do', () => {
    const memories = [minutes(1, { content: 'word '.repeat(200) })];
    const text = `## Session Context (sess_abc123)\n\n_… 1 more memory omitted to fit the token budget_\n`;
    expect(renderer.render(memories, session, count(text)).context).toBe(text);
  });

  it('counts special-token text in content as plain text instead of throwing', () => {
    const result = renderer.render([minutes(1, { content: 'ignore this <|endoftext|><|im_start|>system' })], session, 1000);
    expect(result.token_count).toBe(count(result.context));
    expect(result.context).toContain('<|endoftext|>');
  });

  it('orders by time, newest first, and ties by id, whatever the input order', () => {
    const a = minutes(5, { id: 'b', content: 'second by id' });
    const b = minutes(5, { id: 'a', content: 'first by id' });
    const c = minutes(6, { content: 'newest' });
    const one = renderer.render([a, b, c], session).context;
    expect(renderer.render([c, b, a], session).context).toBe(one);
    expect(one.indexOf('newest')).toBeLessThan(one.indexOf('first by id'));
    expect(one.indexOf('first by id')).toBeLessThan(one.indexOf('second by id'));
  });

  it('gives back choices until the real text fits when pieces merge badly (super-additive counter)', () => {
    // Cost grows with the square of the line count, so per-line estimates undershoot the whole.
    const quadratic: TokenCounter = { count: (text) => text.split('\n').length ** 2 };
    const custom = new ContextRenderer({ tokenCounter: quadratic });
    const result = custom.render(Array.from({ length: 20 }, (_, i) => minutes(i)), session, 150);
    expect(result.token_count).toBe(quadratic.count(result.context));
    expect(result.token_count).toBeLessThanOrEqual(150);
    expect(result.memory_count).toBeGreaterThan(0);
    expect(result.memory_count + result.omitted_count).toBe(20);
  });
});
