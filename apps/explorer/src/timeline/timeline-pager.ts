import type { Memory, SearchQuery, SearchResult } from '@memtrace/sdk';
import { formatTimeUs, parseWireTimeUs } from '../api/time';
import type { TimeWindow } from './time-window';

/** A memory of this server: it always has its id (the SDK's type allows upstream's id-less ones). */
export type StoredMemory = Memory & { id: string };

/** The timeline's filters, as the user typed them (empty means "any"). */
export interface TimelineFilters {
  memoryType: string;
  eventType: string;
  /** Comma-separated; each tag must be present (AND), matched whole. */
  tags: string;
  text: string;
  /** 0–1; empty for no bound. */
  minImportance: string;
}

export const NO_FILTERS: TimelineFilters = { memoryType: '', eventType: '', tags: '', text: '', minImportance: '' };

/** The search body of one page, for one of the agent's ids, newest first. */
export function searchBody(agentId: string, window: TimeWindow, filters: TimelineFilters, untilCursor: string | undefined, limit: number): SearchQuery {
  const body: Record<string, unknown> = { agent_id: agentId, since: window.since, limit, order: 'desc' };
  const until = untilCursor ?? window.until;
  if (until) body.until = until;
  if (filters.memoryType) body.memory_types = [filters.memoryType];
  if (filters.eventType.trim()) body.event_types = [filters.eventType.trim()];
  const tags = filters.tags.split(',').map((tag) => tag.trim()).filter(Boolean);
  if (tags.length > 0) body.tags = tags;
  if (filters.text) body.content_contains = filters.text;
  if (filters.minImportance.trim() !== '') body.min_importance = Number(filters.minImportance);
  return body as SearchQuery;
}

type Search = (query: SearchQuery) => Promise<SearchResult>;

/**
 * Pages through an agent's memories, newest first, with `POST /api/v1/search` (it has every filter
 * the timeline offers; its `limit` stops at 1000 and it has no offset). Each page asks for memories
 * older than a cursor (`until`), once per alias of the agent (search matches one `agent_id`), and
 * merges the answers by (time, id).
 *
 * Exactness: a stream that returned a full page may hold more memories at its oldest time `B`, so a
 * page keeps only what is newer than the newest such `B` and the next page asks for `time < B + 1µs`,
 * dropping ids it already has. Nothing is skipped or shown twice, even when memories share a
 * microsecond across a page boundary.
 */
export class TimelinePager {
  readonly rows: StoredMemory[] = [];
  private readonly seen = new Set<string>();
  private cursor: string | undefined;
  private finished = false;

  constructor(
    private readonly search: Search,
    private readonly aliases: readonly string[],
    private readonly window: TimeWindow,
    private readonly filters: TimelineFilters,
    private readonly pageSize = 1000,
  ) {}

  get done(): boolean {
    return this.finished;
  }

  /** Loads the next page; resolves with the memories it added (empty when done). */
  async next(): Promise<StoredMemory[]> {
    if (this.finished) return [];
    const answers = (await Promise.all(this.aliases.map((alias) => this.search(searchBody(alias, this.window, this.filters, this.cursor, this.pageSize))))).map(
      (answer) => answer.results.filter((memory): memory is StoredMemory => typeof memory.id === 'string'),
    );
    let boundaryUs = Number.NEGATIVE_INFINITY;
    for (const answer of answers) {
      if (answer.length >= this.pageSize) boundaryUs = Math.max(boundaryUs, parseWireTimeUs(answer[answer.length - 1].time));
    }
    const merged = new Map<string, StoredMemory>();
    for (const answer of answers) for (const memory of answer) if (!this.seen.has(memory.id)) merged.set(memory.id, memory);
    const fresh = [...merged.values()]
      .filter((memory) => parseWireTimeUs(memory.time) > boundaryUs)
      .sort((a, b) => parseWireTimeUs(b.time) - parseWireTimeUs(a.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    if (boundaryUs === Number.NEGATIVE_INFINITY) {
      this.finished = true;
    } else {
      const nextCursor = formatTimeUs(boundaryUs + 1);
      // A full page of one single microsecond cannot be paged past with a time cursor.
      if (fresh.length === 0 && nextCursor === this.cursor) throw new Error(`more than ${this.pageSize} memories share the time ${formatTimeUs(boundaryUs)}; narrow the filters`);
      this.cursor = nextCursor;
    }
    for (const memory of fresh) {
      this.seen.add(memory.id);
      this.rows.push(memory);
    }
    return fresh;
  }
}
