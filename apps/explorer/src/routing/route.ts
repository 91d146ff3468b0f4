import { useEffect, useState } from 'preact/hooks';

export const AGENT_TABS = ['timeline', 'activity', 'sessions', 'context'] as const;
export type AgentTab = (typeof AGENT_TABS)[number];

/** The explorer's pages. Routes live in the hash (`#/agents/sdr-7/timeline`): ids only, never the key. */
export type Route =
  | { view: 'agents' }
  | { view: 'agent'; id: string; tab: AgentTab }
  | { view: 'memory'; id: string }
  | { view: 'session'; id: string };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode);
  const [kind, id, tab] = parts;
  if (kind === 'agents' && id) return { view: 'agent', id, tab: (AGENT_TABS as readonly string[]).includes(tab) ? (tab as AgentTab) : 'timeline' };
  if (kind === 'memories' && id) return { view: 'memory', id };
  if (kind === 'sessions' && id) return { view: 'session', id };
  return { view: 'agents' };
}

export function href(route: Route): string {
  switch (route.view) {
    case 'agents':
      return '#/';
    case 'agent':
      return `#/agents/${encodeURIComponent(route.id)}/${route.tab}`;
    case 'memory':
      return `#/memories/${encodeURIComponent(route.id)}`;
    case 'session':
      return `#/sessions/${encodeURIComponent(route.id)}`;
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

/** The current route, following `hashchange` (back and forward included). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
