import type { Memory } from '@memtrace/sdk';
import { useApi } from '../api/api-context';
import { displayTime } from '../api/time';
import { href } from '../routing/route';
import { ErrorMessage, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';

/** Every field of the wire memory, in this order; fields a later server adds are shown after them. */
const FIELDS = ['id', 'time', 'org_id', 'agent_id', 'session_id', 'memory_type', 'event_type', 'content', 'tags', 'importance', 'dedup_key', 'parent_id', 'metadata'] as const;

/** One memory, every field (the API omits empty ones: shown as —), metadata pretty-printed, links to its agent, session and parent. */
export function MemoryView({ id }: { id: string }) {
  const api = useApi();
  const memory = useAsync(() => api.getMemory(id), [api, id]);
  return (
    <main id="main" tabIndex={-1}>
      <h1>Memory</h1>
      {memory.error && <ErrorMessage>{memory.error}</ErrorMessage>}
      {memory.loading && <Loading what="the memory" />}
      {memory.data && !memory.loading && <MemoryFields memory={memory.data} />}
    </main>
  );
}

function MemoryFields({ memory }: { memory: Memory }) {
  const record = memory as unknown as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key));
  return (
    <dl class="memory-fields">
      {[...FIELDS, ...extra].map((field) => (
        <div key={field} class="field" data-field={field}>
          <dt>{field}</dt>
          <dd>
            <FieldValue field={field} value={record[field]} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function FieldValue({ field, value }: { field: string; value: unknown }) {
  if (value === undefined || value === null || value === '') return <span class="absent">—</span>;
  switch (field) {
    case 'time':
      return (
        <time dateTime={String(value)}>
          {displayTime(String(value))} <span class="sub">{String(value)}</span>
        </time>
      );
    case 'agent_id':
      return <a href={href({ view: 'agent', id: String(value), tab: 'timeline' })}>{String(value)}</a>;
    case 'session_id':
      return <a href={href({ view: 'session', id: String(value) })}>{String(value)}</a>;
    case 'parent_id':
      return (
        <a href={href({ view: 'memory', id: String(value) })} rel="up">
          {String(value)}
        </a>
      );
    case 'content':
      return <p class="content">{String(value)}</p>;
    case 'tags':
      return (
        <ul class="tags">
          {(value as string[]).map((tag) => (
            <li key={tag} class="tag">
              {tag}
            </li>
          ))}
        </ul>
      );
    default:
      return typeof value === 'object' ? <pre class="json">{JSON.stringify(value, null, 2)}</pre> : <span>{String(value)}</span>;
  }
}
