// The write pipeline, from a request's admission to its rows confirmed in the store
// (docs/architecture.md). Job payloads are contracts (`@memtrace/contracts`); this is their plumbing.
export * from './queues/ingest-queue';
export * from './queues/ingest-queues';
export * from './queues/ready-orgs';
export * from './queues/queue-backlog';
export * from './admission/dedup.service';
export * from './admission/write-admission';
export * from './admission/write-groups';
export * from './admission/ingest.producer';
export * from './hot-tier/hot-tier';
export * from './hot-tier/hot-tier-row';
export * from './hot-tier/erased-ids';
export * from './hot-tier/forget-tombstones';
export * from './consumer/ingest-hooks';
export * from './consumer/ingest-scheduler';
export * from './consumer/org-consumer';
export * from './consumer/org-batcher';
export * from './consumer/ingest.processor';
export * from './consumer/dead-letter.service';
export * from './consumer/retry-backoff';
export * from './erasure/erasure-queue';
export * from './erasure/erasure-launcher';
export * from './ingest.module';
