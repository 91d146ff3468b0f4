import { AppError } from '@memtrace/contracts';
import { parseCreateMemories } from './create-memory.parser';

const LIMITS = { maxContentBytes: 65_536, maxBatchSize: 1000, maxTags: 20, maxMetadataBytes: 16_384 };

function rejection(body: unknown): { message: string; hint?: string } {
  try {
    parseCreateMemories(body, LIMITS);
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a 400');
}

describe('parseCreateMemories: content', () => {
  it('requires content, with upstream’s message', () => {
    expect(rejection({ agent_id: 'a' })).toEqual({ message: 'content is required', hint: undefined });
    expect(rejection({ agent_id: 'a', content: '' })).toEqual({ message: 'content is required', hint: undefined });
  });

  it.each(['   ', '\n\t ', '\u00A0\u2003'])('refuses blank content %p (upstream stored it)', (content) => {
    expect(rejection({ agent_id: 'a', content })).toEqual({ message: 'content is required', hint: 'content is only whitespace' });
    expect(rejection({ memories: [{ agent_id: 'a', content: 'ok' }, { agent_id: 'a', content }] }).message).toBe('failed to create memory 1: content is required');
  });

  it('keeps the whitespace of content that has text', () => {
    expect(parseCreateMemories({ agent_id: 'a', content: '  padded\n' }, LIMITS).memories[0].content).toBe('  padded\n');
  });
});
