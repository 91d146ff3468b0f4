export * from './ready-orgs';
export * from './ingest-queues';
