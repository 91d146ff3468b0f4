import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN, ID_PATTERN_MESSAGE, MEMORY_TYPES, TAG_PATTERN, TAG_PATTERN_MESSAGE, TYPE_PATTERN, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import {
  EachPattern,
  InRange,
  JsonNumber,
  JsonObject,
  JsonString,
  JsonStringArray,
  MaxChars,
  MaxItems,
  MaxJsonBytes,
  MaxUtf8Bytes,
  NotBlank,
  OneOf,
  Pattern,
  Required,
} from '@memtrace/http';

/** The write limits of config (MEMTRACE_MAX_*) that the rules below name. */
export interface WriteLimits {
  maxContentBytes: number;
  maxBatchSize: number;
  maxTags: number;
  maxMetadataBytes: number;
}

const limit = (name: keyof WriteLimits) => name;

/**
 * One memory of `POST /api/v1/memories` (upstream §7.3), also each item of a batch and each line of
 * an import. Fields are declared in the order upstream checks their JSON types (step 0); the
 * steps after that are upstream's order: agent_id, content, memory_type, event_type, the id
 * patterns, tags, then this server's size limits.
 */
export class CreateMemoryRequestDto {
  @JsonString({ description: 'The agent the memory belongs to (any id; it need not be registered).' })
  @Required(1, 'agent_id is required')
  @Pattern(6, ID_PATTERN, `invalid agent_id: ${ID_PATTERN_MESSAGE}`)
  agent_id!: string;

  @JsonString({ description: 'The memory text.' })
  @Required(2, 'content is required')
  // Whitespace alone is no memory: it would only take a dedup key and a line of context.
  @NotBlank(3, 'content is required', 'content is only whitespace')
  @MaxUtf8Bytes(10, limit('maxContentBytes'), (value: string, max) => `content is ${Buffer.byteLength(value, 'utf8')} bytes, over the limit of ${max}`, 'store large documents elsewhere and remember a reference')
  content!: string;

  @JsonString({ description: 'The session the memory was made in (not checked for existence).' })
  @Pattern(7, ID_PATTERN, `invalid session_id: ${ID_PATTERN_MESSAGE}`)
  session_id?: string | null;

  @JsonString()
  @OneOf(4, MEMORY_TYPES, (value) => `invalid memory_type: ${value}`, 'episodic')
  memory_type?: string | null;

  @JsonString()
  @Pattern(5, TYPE_PATTERN, `invalid event_type: ${TYPE_PATTERN_MESSAGE}`, 'general')
  event_type?: string | null;

  @JsonString({ description: 'Duplicate detection key; computed from agent_id, event_type and content when absent.' })
  @MaxChars(12, 256, 'dedup_key is over 256 characters')
  dedup_key?: string | null;

  @JsonString()
  @MaxChars(13, 256, 'parent_id is over 256 characters')
  parent_id?: string | null;

  @JsonObject('a JSON object')
  @MaxJsonBytes(11, limit('maxMetadataBytes'), (_value, max) => `metadata is over the limit of ${max} bytes`)
  metadata?: Record<string, unknown> | null;

  @JsonStringArray()
  @MaxItems(8, limit('maxTags'), (value: string[], max) => `too many tags: ${value.length} (limit ${max})`)
  @EachPattern(9, TAG_PATTERN, (tag) => `invalid tag '${tag}': ${TAG_PATTERN_MESSAGE}`)
  tags?: string[] | null;

  @JsonNumber()
  // Checked with its JSON type, before every other rule (as this server always did).
  @InRange(0, 0, 1, (value) => `importance must be between 0 and 1, got ${value}`)
  importance?: number | null;
}

/** `{"memories": […]}` with at least one item; anything else is one memory (upstream §7.3). */
export class CreateMemoryBatchRequestDto {
  @ApiProperty({ type: () => CreateMemoryRequestDto, isArray: true, minItems: 1 })
  @MaxItems(0, limit('maxBatchSize'), (value: unknown[], max) => `batch of ${value.length} memories exceeds the limit of ${max}`, 'split it into smaller batches')
  memories!: CreateMemoryRequestDto[];
}
