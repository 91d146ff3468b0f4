import { ingestQueueName } from './ingest-queue';

describe('ingestQueueName', () => {
  it('names queues per org without ":"', () => {
    expect(ingestQueueName('org_default')).toBe('ingest-org_default');
    expect(ingestQueueName('org:weird')).not.toContain(':');
  });

  it('puts the org in a hash tag on a cluster, so all of a queue\'s keys share its slot', () => {
    expect(ingestQueueName('org_a', true)).toBe('ingest-{org_a}');
  });
});
