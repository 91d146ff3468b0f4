import { AppError, ID_PATTERN_MESSAGE, TAG_PATTERN_MESSAGE, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { parseMemoryWrite } from './create-memories.pipe';
import { toNewMemory } from './new-memory.mapper';

const LIMITS = { maxContentBytes: 65_536, maxBatchSize: 1000, maxTags: 20, maxMetadataBytes: 16_384 };

function rejection(body: unknown, limits = LIMITS): { message: string; hint?: string } {
  try {
    parseMemoryWrite(body, limits);
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a 400');
}

const message = (body: unknown, limits = LIMITS) => rejection(body, limits).message;

describe('parseMemoryWrite: content', () => {
  it('requires content, with upstream’s message', () => {
    expect(rejection({ agent_id: 'a' })).toEqual({ message: 'content is required', hint: undefined });
    expect(rejection({ agent_id: 'a', content: '' })).toEqual({ message: 'content is required', hint: undefined });
    expect(rejection({ agent_id: 'a', content: null })).toEqual({ message: 'content is required', hint: undefined });
  });

  it.each(['   ', '\n\t ', '\u00A0\u2003'])('refuses blank content %p (upstream stored it)', (content) => {
    expect(rejection({ agent_id: 'a', content })).toEqual({ message: 'content is required', hint: 'content is only whitespace' });
    expect(message({ memories: [{ agent_id: 'a', content: 'ok' }, { agent_id: 'a', content }] })).toBe('failed to create memory 1: content is required');
  });

  it('keeps the whitespace of content that has text', () => {
    expect(parseMemoryWrite({ agent_id: 'a', content: '  padded\n' }, LIMITS).memories[0].content).toBe('  padded\n');
  });
});

describe('parseMemoryWrite: upstream’s order and messages', () => {
  it('names only the first failing check, in upstream’s order', () => {
    expect(message({})).toBe('agent_id is required');
    expect(message({ memory_type: 'nope', event_type: 'bad-type', session_id: '1' })).toBe('agent_id is required');
    expect(message({ agent_id: '1bad', memory_type: 'nope' })).toBe('content is required');
    expect(message({ agent_id: '1bad', content: 'x', memory_type: 'nope', event_type: 'bad-type' })).toBe('invalid memory_type: nope');
    expect(message({ agent_id: '1bad', content: 'x', event_type: 'bad-type', session_id: '1' })).toBe(`invalid event_type: ${TYPE_PATTERN_MESSAGE}`);
    expect(message({ agent_id: '1bad', content: 'x', session_id: '1', tags: ['no space'] })).toBe(`invalid agent_id: ${ID_PATTERN_MESSAGE}`);
    expect(message({ agent_id: 'a', content: 'x', session_id: '1', tags: ['no space'] })).toBe(`invalid session_id: ${ID_PATTERN_MESSAGE}`);
    expect(message({ agent_id: 'a', content: 'x', tags: ['ok', 'no space', 'also bad'] })).toBe(`invalid tag 'no space': ${TAG_PATTERN_MESSAGE}`);
  });

  it('checks JSON types before anything else, in field order', () => {
    expect(message({ agent_id: 5, content: 7 })).toBe('invalid request body: agent_id must be a string');
    expect(message({ content: 7, tags: 'x' })).toBe('invalid request body: content must be a string');
    expect(message({ metadata: [1], tags: 'x' })).toBe('invalid request body: metadata must be a JSON object');
    expect(message({ tags: [1] })).toBe('invalid request body: tags must be an array of strings');
    expect(message({ importance: '0.5' })).toBe('invalid request body: importance must be a number');
    expect(message({ importance: 2 })).toBe('importance must be between 0 and 1, got 2');
    expect(message({ agent_id: 'a', content: 'x', dedup_key: 1 })).toBe('invalid request body: dedup_key must be a string');
  });

  it('applies this server’s limits after upstream’s checks', () => {
    const small = { ...LIMITS, maxContentBytes: 4, maxTags: 1, maxMetadataBytes: 10, maxBatchSize: 2 };
    expect(message({ agent_id: 'a', content: 'x', tags: ['a', 'b'] }, small)).toBe('too many tags: 2 (limit 1)');
    expect(rejection({ agent_id: 'a', content: 'héllo' }, small)).toEqual({ message: 'content is 6 bytes, over the limit of 4', hint: 'store large documents elsewhere and remember a reference' });
    expect(message({ agent_id: 'a', content: 'x', metadata: { key: 'long value' } }, small)).toBe('metadata is over the limit of 10 bytes');
    expect(message({ agent_id: 'a', content: 'x', dedup_key: 'k'.repeat(257) })).toBe('dedup_key is over 256 characters');
    expect(message({ agent_id: 'a', content: 'x', parent_id: 'p'.repeat(257) })).toBe('parent_id is over 256 characters');
    const item = { agent_id: 'a', content: 'x' };
    expect(rejection({ memories: [item, item, item] }, small)).toEqual({ message: 'batch of 3 memories exceeds the limit of 2', hint: 'split it into smaller batches' });
  });

  it('wants a JSON object, for the body and each batch item', () => {
    for (const body of [null, [], 'text', 3]) expect(message(body)).toBe('invalid request body: expected a JSON object');
    expect(message({ memories: [{ agent_id: 'a', content: 'x' }, 'text'] })).toBe('failed to create memory 1: invalid request body: expected a JSON object');
  });
});

describe('parseMemoryWrite: format detection and defaults', () => {
  it('treats an empty or non-array `memories` as a single memory', () => {
    expect(message({ memories: [] })).toBe('agent_id is required');
    expect(parseMemoryWrite({ memories: 'x', agent_id: 'a', content: 'c' }, LIMITS)).toMatchObject({ batch: false });
  });

  it('matches field names case-insensitively as Go did, an exact match winning, and drops unknown fields', () => {
    const { memories } = parseMemoryWrite({ Memories: [{ Agent_ID: 'a', CONTENT: 'c', content: 'exact', extra: 1 }] }, LIMITS);
    expect(memories).toHaveLength(1);
    expect({ ...memories[0] }).toEqual({ agent_id: 'a', content: 'exact' });
  });

  it('applies upstream’s defaults ("" is "not given")', () => {
    const [dto] = parseMemoryWrite({ agent_id: 'a', content: 'c', memory_type: '', event_type: '', session_id: null }, LIMITS).memories;
    expect(toNewMemory(dto)).toEqual({
      agentId: 'a',
      sessionId: '',
      memoryType: 'episodic',
      eventType: 'general',
      content: 'c',
      metadata: null,
      tags: [],
      dedupKey: '',
      importance: 0,
      parentId: '',
    });
  });
});
