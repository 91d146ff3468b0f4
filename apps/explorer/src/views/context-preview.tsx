import { MEMORY_TYPES, type ContextOptions, type MemoryType } from '@memtrace/sdk';
import { useState } from 'preact/hooks';
import { ErrorMessage } from '../ui/status';
import { useAsync } from '../ui/use-async';

export interface ContextAnswer {
  context: string;
  memory_count: number;
  token_count?: number;
  truncated?: boolean;
  omitted_count?: number;
}

const WINDOWS = ['1h', '24h', '7d', '30d'];

/**
 * The context block exactly as a model receives it (the markdown of `POST …/context`, untouched,
 * in a <pre>), with the server's token count and a `max_tokens` budget to try.
 */
export function ContextPreview({ load, subject }: { load: (options: ContextOptions) => Promise<ContextAnswer>; subject: string }) {
  const [since, setSince] = useState('24h');
  const [maxTokens, setMaxTokens] = useState('');
  const [types, setTypes] = useState<MemoryType[]>([]);
  const [options, setOptions] = useState<ContextOptions>({ since: '24h' });
  const answer = useAsync(() => load(options), [options, load]);

  function submit(event: Event) {
    event.preventDefault();
    const next: ContextOptions = { since };
    if (maxTokens.trim() !== '') next.max_tokens = Number(maxTokens);
    if (types.length > 0) next.include_types = types;
    setOptions(next);
  }

  return (
    <section aria-labelledby="context-heading">
      <h2 id="context-heading">Context of {subject}</h2>
      <form class="filters" onSubmit={submit} aria-label="Context options">
        <div>
          <label for="ctx-since">Since</label>
          <select id="ctx-since" value={since} onChange={(e) => setSince((e.currentTarget as HTMLSelectElement).value)}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="ctx-max-tokens">max_tokens</label>
          <input id="ctx-max-tokens" type="number" min="1" step="1" placeholder="no budget" value={maxTokens} onInput={(e) => setMaxTokens((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <fieldset class="types">
          <legend>Memory types (none: all)</legend>
          {MEMORY_TYPES.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                checked={types.includes(type)}
                onChange={(e) => setTypes((e.currentTarget as HTMLInputElement).checked ? [...types, type] : types.filter((t) => t !== type))}
              />
              {type}
            </label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit">Render context</button>
        </div>
      </form>
      {answer.error && <ErrorMessage>{answer.error}</ErrorMessage>}
      {answer.loading && (
        <p class="loading" role="status">
          Rendering…
        </p>
      )}
      {answer.data && !answer.loading && (
        <>
          <dl class="facts" aria-label="Context facts">
            <dt>Tokens (o200k)</dt>
            <dd id="context-token-count">{answer.data.token_count ?? '—'}</dd>
            <dt>Memories</dt>
            <dd id="context-memory-count">{answer.data.memory_count}</dd>
            <dt>Truncated</dt>
            <dd>{answer.data.truncated === undefined ? '—' : answer.data.truncated ? `yes, ${answer.data.omitted_count ?? 0} omitted` : 'no'}</dd>
          </dl>
          <pre class="context" id="context-text" tabIndex={0} aria-label="Context text, as the model receives it">
            {answer.data.context}
          </pre>
        </>
      )}
    </section>
  );
}

