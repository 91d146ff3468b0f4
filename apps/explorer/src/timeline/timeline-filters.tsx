import { MEMORY_TYPES } from '@memtrace/sdk';
import { useState } from 'preact/hooks';
import { NO_FILTERS, type TimelineFilters } from './timeline-pager';

const EVENT_TYPES = ['general', 'decision', 'error', 'action', 'observation', 'tool_call'];

/** The timeline's filters; they apply on submit (Enter in any field, or the button). */
export function TimelineFilterForm({ value, onApply }: { value: TimelineFilters; onApply: (filters: TimelineFilters) => void }) {
  const [draft, setDraft] = useState(value);
  const field = (name: keyof TimelineFilters) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  return (
    <form
      class="filters"
      aria-label="Timeline filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <div>
        <label for="f-memory-type">Memory type</label>
        <select id="f-memory-type" {...field('memoryType')}>
          <option value="">any</option>
          {MEMORY_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-event-type">Event type</label>
        <input id="f-event-type" list="event-types" placeholder="any" {...field('eventType')} />
        <datalist id="event-types">
          {EVENT_TYPES.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </div>
      <div>
        <label for="f-tags">Tags (all of, comma-separated)</label>
        <input id="f-tags" placeholder="lead, demo" {...field('tags')} />
      </div>
      <div>
        <label for="f-text">Text contains</label>
        <input id="f-text" type="search" {...field('text')} />
      </div>
      <div>
        <label for="f-importance">Min importance</label>
        <input id="f-importance" type="number" min="0" max="1" step="0.05" placeholder="0–1" {...field('minImportance')} />
      </div>
      <div class="actions">
        <button type="submit">Apply filters</button>
        <button
          type="button"
          onClick={() => {
            setDraft(NO_FILTERS);
            onApply(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
