import type { Agent, AgentStats } from '@memtrace/sdk';
import { useState } from 'preact/hooks';
import { useApi } from '../api/api-context';
import { displayTime } from '../api/time';
import { href, navigate } from '../routing/route';
import { ErrorMessage, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';

interface AgentRow {
  id: string;
  agent?: Agent;
  stats?: AgentStats;
  statsError?: string;
}

/** How many recent memories are read to find agents that write without being registered. */
const RECENT_MEMORIES = 1000;

/**
 * The org's agents with their stats: the registered ones, and the agent ids found on the newest
 * memories (registering is optional, so the quickstart's `support-bot` has memories but no agent).
 */
export function AgentsView() {
  const api = useApi();
  const rows = useAsync(async (): Promise<AgentRow[]> => {
    const [{ agents }, recent] = await Promise.all([api.listAgents(), api.listMemories({ limit: RECENT_MEMORIES, order: 'desc' })]);
    const known = new Set(agents.flatMap((a) => [a.id, a.name]));
    const unregistered = [...new Set(recent.memories.map((m) => m.agent_id))].filter((id) => !known.has(id));
    const all: AgentRow[] = [...agents.map((agent) => ({ id: agent.id, agent })), ...unregistered.map((id) => ({ id }))];
    return Promise.all(
      all.map(async (row) => {
        try {
          return { ...row, stats: await api.getAgentStats(row.id) };
        } catch (error) {
          return { ...row, statsError: (error as Error).message };
        }
      }),
    );
  }, [api]);

  return (
    <main id="main" tabIndex={-1}>
      <h1>Agents</h1>
      <OpenAgent />
      {rows.error && <ErrorMessage>{rows.error}</ErrorMessage>}
      {rows.loading && !rows.data && <Loading what="agents" />}
      {rows.data && rows.data.length === 0 && <p class="empty">No agents and no memories yet. Write a memory (see the README's quickstart) and reload.</p>}
      {rows.data && rows.data.length > 0 && (
        <table class="agents">
          <caption>Registered agents, and agent ids seen on the newest {RECENT_MEMORIES} memories</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Memories</th>
              <th scope="col">Last 24 h</th>
              <th scope="col">Errors (24 h)</th>
              <th scope="col">Sessions</th>
              <th scope="col">Active sessions</th>
              <th scope="col">Last active</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map((row) => (
              <tr key={row.id} data-agent={row.id}>
                <th scope="row">
                  <a href={href({ view: 'agent', id: row.id, tab: 'timeline' })}>{row.agent?.name ?? row.id}</a>
                  <span class="sub">{row.agent ? row.agent.id : 'not registered'}</span>
                </th>
                {row.stats ? (
                  <>
                    <td data-field="memory_count">{row.stats.memory_count}</td>
                    <td data-field="memories_24h">{row.stats.memories_24h}</td>
                    <td data-field="errors_24h" class={row.stats.errors_24h > 0 ? 'has-errors' : undefined}>
                      {row.stats.errors_24h}
                    </td>
                    <td data-field="session_count">{row.stats.session_count}</td>
                    <td data-field="active_sessions">{row.stats.active_sessions}</td>
                    <td>{displayTime(row.stats.last_active_at ?? row.agent?.last_active_at)}</td>
                  </>
                ) : (
                  <td colSpan={6}>{row.statsError ?? '…'}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function OpenAgent() {
  const [id, setId] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (id.trim()) navigate({ view: 'agent', id: id.trim(), tab: 'timeline' });
      }}
    >
      <label for="open-agent">Open an agent by id or name</label>
      <input id="open-agent" value={id} onInput={(event) => setId((event.currentTarget as HTMLInputElement).value)} />
      <button type="submit">Open</button>
    </form>
  );
}
