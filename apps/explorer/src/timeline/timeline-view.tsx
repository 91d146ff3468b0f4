import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../api/api-context';
import { describeError } from '../api/explorer-api';
import { displayTime } from '../api/time';
import { navigate } from '../routing/route';
import { ErrorMessage } from '../ui/status';
import { VirtualList } from '../ui/virtual-list';
import { TimelineFilterForm } from './timeline-filters';
import { NO_FILTERS, TimelinePager, type StoredMemory, type TimelineFilters } from './timeline-pager';
import type { TimeWindow } from './time-window';

export const ROW_HEIGHT = 64;

/**
 * An agent's memories in the window, newest first, filtered on the server, paged in as the list
 * scrolls (see `TimelinePager`) and rendered virtually, so a window of tens of thousands of
 * memories stays light. Enter or a click opens a memory.
 */
export function TimelineView({ aliases, range, pageSize }: { aliases: readonly string[]; range: TimeWindow; pageSize?: number }) {
  const api = useApi();
  const [filters, setFilters] = useState<TimelineFilters>(NO_FILTERS);
  // One state for what is shown, so no render pairs new filters with the old query's rows.
  const [view, setView] = useState<TimelineState>({ filters: '', rows: [], loading: true, done: false });
  const pager = useRef<TimelinePager | null>(null);
  const aliasKey = aliases.join('\u0000');

  const loadMore = useCallback(async () => {
    const current = pager.current;
    if (!current || current.done || busy.has(current)) return;
    busy.add(current);
    setView((v) => ({ ...v, loading: true }));
    try {
      await current.next();
      if (pager.current !== current) return; // filters changed meanwhile
      setView({ filters: shownFilters.get(current) ?? '', rows: [...current.rows], loading: false, done: current.done });
    } catch (error) {
      if (pager.current === current) setView((v) => ({ ...v, loading: false, done: true, error: describeError(error) }));
    } finally {
      busy.delete(current);
    }
  }, []);

  useEffect(() => {
    const next = new TimelinePager((query) => api.searchMemories(query), aliases, range, filters, pageSize);
    shownFilters.set(next, JSON.stringify(filters));
    pager.current = next;
    setView({ filters: JSON.stringify(filters), rows: [], loading: true, done: false });
    void loadMore();
  }, [api, aliasKey, range.since, range.until, filters, pageSize, loadMore]);

  const { rows } = view;
  const summary = `${rows.length.toLocaleString('en')} ${rows.length === 1 ? 'memory' : 'memories'}${view.done ? '' : ' loaded so far'}`;
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <TimelineFilterForm value={filters} onApply={setFilters} />
      <p class="summary" role="status" data-count={rows.length} data-done={view.done} data-filters={view.filters}>
        {view.loading && rows.length === 0 ? 'Loading memories…' : summary}
      </p>
      {view.error && <ErrorMessage>{view.error}</ErrorMessage>}
      {!view.loading && !view.error && rows.length === 0 ? (
        <p class="empty">No memories match in this window.</p>
      ) : (
        <VirtualList
          items={rows}
          rowHeight={ROW_HEIGHT}
          label="Memories, newest first"
          idPrefix="memory-row"
          itemKey={(memory) => memory.id}
          renderRow={(memory) => <TimelineRow memory={memory} />}
          onOpen={(memory) => navigate({ view: 'memory', id: memory.id })}
          onNearEnd={view.done ? undefined : loadMore}
        />
      )}
    </section>
  );
}

interface TimelineState {
  /** The filters (as JSON) of the query whose rows these are. */
  filters: string;
  rows: StoredMemory[];
  loading: boolean;
  done: boolean;
  error?: string;
}

/** Pagers with a page on the way: at most one request per pager at a time. */
const busy = new WeakSet<TimelinePager>();
/** The filters each pager was made for. */
const shownFilters = new WeakMap<TimelinePager, string>();

function TimelineRow({ memory }: { memory: StoredMemory }) {
  return (
    <div class={`memory-row type-${memory.memory_type}`} data-id={memory.id}>
      <div class="row-meta">
        <time dateTime={memory.time}>{displayTime(memory.time)}</time>
        <span class="badge type">{memory.memory_type}</span>
        <span class={memory.event_type === 'error' ? 'badge event error' : 'badge event'}>{memory.event_type}</span>
        {memory.importance !== undefined && <span class="importance" title="importance">★ {memory.importance}</span>}
        {(memory.tags ?? []).map((tag) => (
          <span key={tag} class="tag">
            #{tag}
          </span>
        ))}
      </div>
      <div class="row-content">{memory.content}</div>
    </div>
  );
}
