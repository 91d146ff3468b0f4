import { NotFoundError, type Agent } from '@memtrace/sdk';
import { useCallback, useState } from 'preact/hooks';
import { ActivityView } from '../activity/activity-view';
import { useApi } from '../api/api-context';
import { agentAliases } from '../api/explorer-api';
import { displayTime } from '../api/time';
import { AGENT_TABS, type AgentTab } from '../routing/route';
import { TimelineView } from '../timeline/timeline-view';
import { presetWindow, type TimeWindow } from '../timeline/time-window';
import { WindowPicker } from '../timeline/window-picker';
import { ErrorMessage } from '../ui/status';
import { AgentTabs } from '../ui/tabs';
import { useAsync } from '../ui/use-async';
import { ContextPreview } from './context-preview';
import { SessionsList } from './sessions-view';

/**
 * One agent: its stats, then the timeline, the activity chart, its sessions or its context. The
 * agent may be registered (known by id and name) or only an id on memories; either way the views
 * cover every id its memories may carry.
 */
export function AgentView({ id, tab }: { id: string; tab: AgentTab }) {
  const api = useApi();
  const [range, setRange] = useState<TimeWindow>(() => presetWindow('24h'));
  const agent = useAsync(async (): Promise<Agent | null> => {
    try {
      return await api.getAgent(id);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }, [api, id]);
  const stats = useAsync(() => api.getAgentStats(id), [api, id]);
  const loadContext = useCallback((options: Parameters<typeof api.getAgentContext>[1]) => api.getAgentContext(id, options), [api, id]);
  const ready = agent.data !== undefined;
  const aliases = ready ? agentAliases(id, agent.data ?? null) : [];

  return (
    <main id="main" tabIndex={-1}>
      <header class="agent-header">
        <h1>{agent.data?.name ?? id}</h1>
        <p class="sub">
          {agent.data ? `${agent.data.id}${agent.data.description ? ` · ${agent.data.description}` : ''}` : ready ? 'not registered: memories under this id' : ''}
        </p>
        {stats.data && (
          <dl class="stats" aria-label="Agent stats">
            <div>
              <dt>Memories</dt>
              <dd>{stats.data.memory_count}</dd>
            </div>
            <div>
              <dt>Last 24 h</dt>
              <dd>{stats.data.memories_24h}</dd>
            </div>
            <div class={stats.data.errors_24h > 0 ? 'has-errors' : undefined}>
              <dt>Errors (24 h)</dt>
              <dd>{stats.data.errors_24h}</dd>
            </div>
            <div>
              <dt>Sessions</dt>
              <dd>
                {stats.data.session_count} ({stats.data.active_sessions} active)
              </dd>
            </div>
            <div>
              <dt>Last active</dt>
              <dd>{displayTime(stats.data.last_active_at)}</dd>
            </div>
          </dl>
        )}
        {stats.error && <ErrorMessage>{stats.error}</ErrorMessage>}
      </header>
      <AgentTabs agentId={id} current={tab} tabs={AGENT_TABS} />
      {(tab === 'timeline' || tab === 'activity') && <WindowPicker value={range} onChange={setRange} />}
      {agent.error && <ErrorMessage>{agent.error}</ErrorMessage>}
      {tab === 'timeline' && ready && <TimelineView aliases={aliases} range={range} />}
      {tab === 'activity' && <ActivityView agentId={id} range={range} />}
      {tab === 'sessions' && <SessionsList agentId={id} />}
      {tab === 'context' && <ContextPreview load={loadContext} subject={`agent ${agent.data?.name ?? id}, across its sessions`} />}
    </main>
  );
}
