import { href, type AgentTab } from '../routing/route';

const LABELS: Record<AgentTab, string> = { timeline: 'Timeline', activity: 'Activity', sessions: 'Sessions', context: 'Context' };

/**
 * The agent page's tabs. Each is a link (the tab is in the URL, so back/forward and bookmarks
 * work); ←/→ move between them as in a tab list.
 */
export function AgentTabs({ agentId, current, tabs }: { agentId: string; current: AgentTab; tabs: readonly AgentTab[] }) {
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const next = tabs[(tabs.indexOf(current) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    location.hash = href({ view: 'agent', id: agentId, tab: next });
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
  }
  return (
    <nav class="tabs" aria-label="Agent views" onKeyDown={onKeyDown}>
      {tabs.map((tab) => (
        <a key={tab} id={`tab-${tab}`} href={href({ view: 'agent', id: agentId, tab })} aria-current={tab === current ? 'page' : undefined} class={tab === current ? 'tab current' : 'tab'}>
          {LABELS[tab]}
        </a>
      ))}
    </nav>
  );
}
