export * from './ready-orgs';
export * from './ingest-queues';
export * from './queue-backlog';
export * from './dedup.service';
export * from './erasure-queue';
export * from './erasure-launcher';
export * from './write-admission';
