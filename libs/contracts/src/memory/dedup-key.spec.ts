import { createHash } from 'node:crypto';
import { dedupKey } from './dedup-key';

/** Independent reference: the Go expression sha256([]byte(agent+"|"+event+"|"+content[:200])). */
function reference(agent: string, event: string, content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  const input = Buffer.concat([Buffer.from(`${agent}|${event}|`, 'utf8'), bytes.subarray(0, Math.min(200, bytes.length))]);
  return createHash('sha256').update(input).digest('hex').slice(0, 32);
}

describe('dedupKey (upstream algorithm, byte for byte)', () => {
  it('matches a known vector', () => {
    // sha256("agent_1|general|User prefers dark mode"), first 32 hex characters.
    expect(dedupKey('agent_1', 'general', 'User prefers dark mode')).toBe(
      createHash('sha256').update('agent_1|general|User prefers dark mode').digest('hex').slice(0, 32),
    );
    expect(dedupKey('agent_1', 'general', 'User prefers dark mode')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hashes only the first 200 bytes of content', () => {
    const base = 'a'.repeat(200);
    expect(dedupKey('a', 'general', `${base}tail one`)).toBe(dedupKey('a', 'general', `${base}tail two`));
    expect(dedupKey('a', 'general', `${'a'.repeat(199)}b`)).not.toBe(dedupKey('a', 'general', base));
  });

  it('cuts a multi-byte character straddling byte 200, as Go does, not at 200 characters', () => {
    const content = `${'x'.repeat(199)}é and more`; // 'é' is 2 bytes: bytes 199-200, cut in half
    expect(dedupKey('agent', 'general', content)).toBe(reference('agent', 'general', content));
    const halfCut = Buffer.concat([Buffer.from('agent|general|'), Buffer.from(content, 'utf8').subarray(0, 200)]);
    expect(dedupKey('agent', 'general', content)).toBe(createHash('sha256').update(halfCut).digest('hex').slice(0, 32));
    // A string cut at 200 *characters* would hash differently.
    const charCut = createHash('sha256').update(`agent|general|${content.slice(0, 200)}`).digest('hex').slice(0, 32);
    expect(dedupKey('agent', 'general', content)).not.toBe(charCut);
  });

  it('handles 4-byte characters and an emoji at the boundary', () => {
    const content = `${'y'.repeat(198)}😀😀`;
    expect(dedupKey('agent', 'event_x', content)).toBe(reference('agent', 'event_x', content));
  });

  it('depends on agent and event type but not on anything else', () => {
    const k = dedupKey('agent', 'general', 'same');
    expect(dedupKey('agent2', 'general', 'same')).not.toBe(k);
    expect(dedupKey('agent', 'note', 'same')).not.toBe(k);
  });
});
