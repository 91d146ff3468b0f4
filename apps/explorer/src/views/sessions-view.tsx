import { useCallback } from 'preact/hooks';
import { useApi } from '../api/api-context';
import { displayTime } from '../api/time';
import { href } from '../routing/route';
import { ErrorMessage, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { ContextPreview } from './context-preview';

/** The agent's sessions (matched by its id or name, as the API does), newest first. */
export function SessionsList({ agentId }: { agentId: string }) {
  const api = useApi();
  const sessions = useAsync(() => api.listSessions(agentId), [api, agentId]);
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {sessions.error && <ErrorMessage>{sessions.error}</ErrorMessage>}
      {sessions.loading && <Loading what="sessions" />}
      {sessions.data && sessions.data.count === 0 && <p class="empty">This agent has no sessions.</p>}
      {sessions.data && sessions.data.count > 0 && (
        <table class="sessions">
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Closed</th>
              <th scope="col">Metadata</th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.sessions.map((session) => (
              <tr key={session.id}>
                <th scope="row">
                  <a href={href({ view: 'session', id: session.id })}>{session.id}</a>
                </th>
                <td>
                  <span class={`badge status-${session.status}`}>{session.status}</span>
                </td>
                <td>{displayTime(session.created_at)}</td>
                <td>{displayTime(session.updated_at)}</td>
                <td>{displayTime(session.closed_at ?? undefined)}</td>
                <td>
                  <code>{session.metadata ? JSON.stringify(session.metadata) : '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One session: its fields and its context as a model receives it. */
export function SessionView({ id }: { id: string }) {
  const api = useApi();
  const session = useAsync(() => api.getSession(id), [api, id]);
  const load = useCallback((options: Parameters<typeof api.getSessionContext>[1]) => api.getSessionContext(id, options), [api, id]);
  return (
    <main id="main" tabIndex={-1}>
      <h1>Session {id}</h1>
      {session.error && <ErrorMessage>{session.error}</ErrorMessage>}
      {session.loading && <Loading what="the session" />}
      {session.data && (
        <dl class="facts">
          <dt>Agent</dt>
          <dd>
            <a href={href({ view: 'agent', id: session.data.agent_id, tab: 'sessions' })}>{session.data.agent_id}</a>
          </dd>
          <dt>Status</dt>
          <dd>{session.data.status}</dd>
          <dt>Created</dt>
          <dd>{displayTime(session.data.created_at)}</dd>
          <dt>Closed</dt>
          <dd>{displayTime(session.data.closed_at ?? undefined)}</dd>
          <dt>Metadata</dt>
          <dd>{session.data.metadata ? <pre class="json">{JSON.stringify(session.data.metadata, null, 2)}</pre> : '—'}</dd>
        </dl>
      )}
      <ContextPreview load={load} subject={`session ${id}`} />
    </main>
  );
}
