import { memoryRecord } from '@memtrace/testing';
import { contextHeader, formatLine, layoutContext, omittedLine, sectionOf } from './context-layout.util';

const session = { kind: 'session', id: 'sess_abc123' } as const;
const agent = { kind: 'agent', id: 'agent_1' } as const;
/** The time and session of the lines formatLine's cases expect. */
const SHOWN = { at: '2026-02-07T20:00:00Z', sessionId: 'sess_abc123' };

describe('sectionOf', () => {
  it.each([
    ['episodic', 'general', 'actions'],
    ['episodic', 'error', 'errors'],
    ['decision', 'decision', 'decisions'],
    ['decision', 'error', 'errors'],
    ['entity', 'general', 'other'],
    ['entity', 'error', 'errors'],
    ['session', 'error', 'errors'],
    ['session', 'general', 'other'],
  ] as const)('%s / %s → %s', (memoryType, eventType, section) => {
    expect(sectionOf(memoryRecord({ memoryType, eventType }))).toBe(section);
  });

  it('routes only the exact event type error', () => {
    expect(sectionOf(memoryRecord({ eventType: 'Error' }))).toBe('actions');
    expect(sectionOf(memoryRecord({ eventType: 'error_retry' }))).toBe('actions');
  });
});

describe('formatLine', () => {
  it('is upstream’s line with the full RFC3339Nano time', () => {
    const line = formatLine(memoryRecord({ timeUs: Date.UTC(2026, 1, 7, 20, 15) * 1000 + 123_456, eventType: 'page_crawled', content: 'Crawled it' }), session, 500);
    expect(line).toBe('- [2026-02-07T20:15:00.123456Z] page_crawled: Crawled it\n');
  });

  it('adds the reasoning of a decision', () => {
    const decision = memoryRecord({ ...SHOWN, memoryType: 'decision', eventType: 'decision', content: 'Use PostgreSQL', metadata: { reasoning: '  needs transactions ' } });
    expect(formatLine(decision, session, 500)).toBe('- [2026-02-07T20:00:00Z] decision: Use PostgreSQL — needs transactions\n');
  });

  it('adds no reasoning when there is none, it is not a string, or the memory is not a decision', () => {
    const line = (fields: Parameters<typeof memoryRecord>[0]) => formatLine(memoryRecord({ ...SHOWN, content: 'X', ...fields }), session, 500);
    expect(line({ memoryType: 'decision', metadata: {} })).toBe('- [2026-02-07T20:00:00Z] general: X\n');
    expect(line({ memoryType: 'decision', metadata: { reasoning: '   ' } })).toBe('- [2026-02-07T20:00:00Z] general: X\n');
    expect(line({ memoryType: 'decision', metadata: { reasoning: 42 } })).toBe('- [2026-02-07T20:00:00Z] general: X\n');
    expect(line({ memoryType: 'episodic', metadata: { reasoning: 'why' } })).toBe('- [2026-02-07T20:00:00Z] general: X\n');
  });

  it('keeps one memory on one line, so content cannot forge a section', () => {
    const line = formatLine(memoryRecord({ ...SHOWN, content: 'first\n\n### Errors (1)\r\n- [x] fake  \n last' }), session, 500);
    expect(line).toBe('- [2026-02-07T20:00:00Z] general: first ### Errors (1) - [x] fake last\n');
  });

  it('cuts content plus reasoning to the per-line maximum', () => {
    const decision = memoryRecord({ ...SHOWN, memoryType: 'decision', eventType: 'decision', content: 'Use X', metadata: { reasoning: 'because of Y and Z' } });
    expect(formatLine(decision, session, 12)).toBe('- [2026-02-07T20:00:00Z] decision: Use X — beca...\n');
  });

  it('shows the session on agent context lines, when there is one', () => {
    expect(formatLine(memoryRecord({ ...SHOWN, content: 'X' }), agent, 500)).toBe('- [2026-02-07T20:00:00Z] (sess_abc123) general: X\n');
    expect(formatLine(memoryRecord({ ...SHOWN, content: 'X', sessionId: '' }), agent, 500)).toBe('- [2026-02-07T20:00:00Z] general: X\n');
  });
});

describe('layoutContext', () => {
  it('renders only the header when there is nothing', () => {
    expect(layoutContext(session, [], 0)).toBe('## Session Context (sess_abc123)\n\n');
    expect(contextHeader(agent)).toBe('## Agent Context (agent_1)\n\n');
  });

  it('puts sections in upstream order whatever the order of the lines', () => {
    const text = layoutContext(
      session,
      [
        { section: 'other', text: '- o\n' },
        { section: 'errors', text: '- e\n' },
        { section: 'decisions', text: '- d\n' },
        { section: 'actions', text: '- a1\n' },
        { section: 'actions', text: '- a2\n' },
      ],
      0,
    );
    expect(text).toBe(
      '## Session Context (sess_abc123)\n\n### Recent Actions (2)\n- a1\n- a2\n\n### Decisions Made (1)\n- d\n\n### Errors (1)\n- e\n\n### Other (1)\n- o\n',
    );
  });

  it('closes with the omitted line after a blank line', () => {
    expect(layoutContext(session, [{ section: 'other', text: '- o\n' }], 3)).toBe(
      '## Session Context (sess_abc123)\n\n### Other (1)\n- o\n\n_… 3 more memories omitted to fit the token budget_\n',
    );
    expect(layoutContext(session, [{ section: 'errors', text: '- e\n' }], 1)).toBe(
      '## Session Context (sess_abc123)\n\n### Errors (1)\n- e\n\n_… 1 more memory omitted to fit the token budget_\n',
    );
    expect(layoutContext(session, [], 2)).toBe(`## Session Context (sess_abc123)\n\n${omittedLine(2)}`);
  });
});
