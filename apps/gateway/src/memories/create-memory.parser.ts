import {
  AppError,
  foldFields,
  ID_PATTERN,
  ID_PATTERN_MESSAGE,
  MEMORY_TYPES,
  MemoryRecord,
  MemoryType,
  TAG_PATTERN,
  TAG_PATTERN_MESSAGE,
  TYPE_PATTERN,
  TYPE_PATTERN_MESSAGE,
} from '@memtrace/contracts';

/** A validated create request: a memory before the gateway stamps id, time and org. */
export type NewMemory = Omit<MemoryRecord, 'id' | 'timeUs' | 'orgId'>;

export interface WriteLimits {
  maxContentBytes: number;
  maxBatchSize: number;
  maxTags: number;
  maxMetadataBytes: number;
}

export interface ParsedWrite {
  batch: boolean;
  memories: NewMemory[];
}

const FIELDS = ['memories', 'agent_id', 'session_id', 'memory_type', 'event_type', 'content', 'metadata', 'tags', 'importance', 'dedup_key', 'parent_id'];

/**
 * Parses `POST /api/v1/memories` as upstream does: `{"memories":[…]}` with a non-empty array is a
 * batch, anything else a single memory (so `{"memories":[]}` fails with `agent_id is required`).
 * Checks run in upstream's order with upstream's messages; a batch is rejected whole, naming the
 * first bad item's index, so nothing of it is written.
 */
export function parseCreateMemories(body: unknown, limits: WriteLimits): ParsedWrite {
  const root = asObject(body);
  const items = root.memories;
  if (Array.isArray(items) && items.length > 0) {
    if (items.length > limits.maxBatchSize) {
      throw new AppError('bad_request', `batch of ${items.length} memories exceeds the limit of ${limits.maxBatchSize}`, 'split it into smaller batches');
    }
    const memories = items.map((item, index) => {
      try {
        return parseOne(asObject(item), limits);
      } catch (error) {
        if (error instanceof AppError) throw new AppError('bad_request', `failed to create memory ${index}: ${error.message}`, error.hint);
        throw error;
      }
    });
    return { batch: true, memories };
  }
  return { batch: false, memories: [parseOne(root, limits)] };
}

/** A JSON object with its field names folded to the ones a memory has (`extra`: more known names). */
export function asObject(value: unknown, extra: readonly string[] = []): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('bad_request', 'invalid request body: expected a JSON object');
  }
  return foldFields(value as Record<string, unknown>, [...FIELDS, ...extra]);
}

/** One memory's fields, checked as a create request checks them (also import's, line by line). */
export function parseOne(raw: Record<string, unknown>, limits: WriteLimits): NewMemory {
  const agentId = optionalString(raw, 'agent_id');
  const content = optionalString(raw, 'content');
  const sessionId = optionalString(raw, 'session_id');
  const rawType = optionalString(raw, 'memory_type');
  const eventType = optionalString(raw, 'event_type') || 'general';
  const dedupKey = optionalString(raw, 'dedup_key');
  const parentId = optionalString(raw, 'parent_id');
  const metadata = optionalMetadata(raw.metadata);
  const tags = optionalTags(raw.tags);
  const importance = optionalImportance(raw.importance);

  if (!agentId) fail('agent_id is required');
  // Whitespace alone is no memory: it would only take a dedup key and a line of context.
  if (!content.trim()) fail('content is required', content ? 'content is only whitespace' : undefined);
  const memoryType = (rawType || 'episodic') as MemoryType;
  if (!MEMORY_TYPES.includes(memoryType)) fail(`invalid memory_type: ${rawType}`);
  if (!TYPE_PATTERN.test(eventType)) fail(`invalid event_type: ${TYPE_PATTERN_MESSAGE}`);
  if (!ID_PATTERN.test(agentId)) fail(`invalid agent_id: ${ID_PATTERN_MESSAGE}`);
  if (sessionId && !ID_PATTERN.test(sessionId)) fail(`invalid session_id: ${ID_PATTERN_MESSAGE}`);
  if (tags.length > limits.maxTags) fail(`too many tags: ${tags.length} (limit ${limits.maxTags})`);
  for (const tag of tags) if (!TAG_PATTERN.test(tag)) fail(`invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`);
  const contentBytes = Buffer.byteLength(content, 'utf8');
  if (contentBytes > limits.maxContentBytes) {
    fail(`content is ${contentBytes} bytes, over the limit of ${limits.maxContentBytes}`, 'store large documents elsewhere and remember a reference');
  }
  if (metadata && Buffer.byteLength(JSON.stringify(metadata), 'utf8') > limits.maxMetadataBytes) {
    fail(`metadata is over the limit of ${limits.maxMetadataBytes} bytes`);
  }
  if (dedupKey.length > 256) fail('dedup_key is over 256 characters');
  if (parentId.length > 256) fail('parent_id is over 256 characters');
  return { agentId, sessionId, memoryType, eventType, content, metadata, tags, dedupKey, importance, parentId };
}

function fail(message: string, hint?: string): never {
  throw new AppError('bad_request', message, hint);
}

function optionalString(raw: Record<string, unknown>, field: string): string {
  const value = raw[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(`invalid request body: ${field} must be a string`);
  return value;
}

function optionalMetadata(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) fail('invalid request body: metadata must be a JSON object');
  return value as Record<string, unknown>;
}

function optionalTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) fail('invalid request body: tags must be an array of strings');
  return value as string[];
}

function optionalImportance(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail('invalid request body: importance must be a number');
  if (value < 0 || value > 1) fail(`importance must be between 0 and 1, got ${value}`);
  return value;
}
