import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestMemoriesV1Schema } from './ingest-memories.v1';

const fixtures = join(__dirname, 'fixtures');

describe('ingest.memories.v1', () => {
  it.each(readdirSync(fixtures).filter((f) => f.startsWith('ingest.memories.v1')))('golden fixture %s still parses', (file) => {
    const payload = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
    expect(ingestMemoriesV1Schema.parse(payload)).toEqual(payload);
  });

  it('rejects payloads a worker must not write', () => {
    const valid = JSON.parse(readFileSync(join(fixtures, 'ingest.memories.v1.single.json'), 'utf8'));
    const broken = [
      { ...valid, v: 2 },
      { ...valid, memories: [] },
      { ...valid, memories: [{ ...valid.memories[0], memoryType: 'dream' }] },
      { ...valid, memories: [{ ...valid.memories[0], id: 'not-a-uuid' }] },
      { ...valid, memories: [{ ...valid.memories[0], timeUs: 1.5 }] },
      { ...valid, memories: [{ ...valid.memories[0], importance: Number.NaN }] },
    ];
    for (const payload of broken) expect(ingestMemoriesV1Schema.safeParse(payload).success).toBe(false);
  });

  it('drops a malformed trace context instead of refusing the job', () => {
    const valid = JSON.parse(readFileSync(join(fixtures, 'ingest.memories.v1.single.json'), 'utf8'));
    for (const trace of [{ traceparent: 'not-a-traceparent' }, 'x', { tracestate: 'a=b' }]) {
      const parsed = ingestMemoriesV1Schema.safeParse({ ...valid, trace });
      expect(parsed.success && parsed.data.trace).toBeUndefined();
    }
  });

});
