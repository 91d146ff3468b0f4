import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiContext } from './api/api-context';
import { createClient, type FetchLike, type KeyIdentity, verifyKey } from './api/explorer-api';
import { keyStore } from './api/key-store';
import { href, useRoute, type Route } from './routing/route';
import { ThemeToggle } from './ui/theme-toggle';
import { AgentsView } from './views/agents-view';
import { AgentView } from './views/agent-view';
import { MemoryView } from './views/memory-view';
import { SessionView } from './views/sessions-view';
import { SignIn } from './views/sign-in';

interface Signed {
  key: string;
  identity: KeyIdentity;
}

/** The explorer: sign-in, then the views of the route. `fetch` is for tests. */
export function App({ fetch }: { fetch?: FetchLike }) {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [checking, setChecking] = useState(() => keyStore.get() !== null);
  const [notice, setNotice] = useState<string | undefined>();

  // A key kept from earlier in this tab is checked again: it may have been revoked since.
  useEffect(() => {
    const key = keyStore.get();
    if (!key) return;
    verifyKey(key, fetch).then(
      (identity) => {
        setSigned({ key, identity });
        setChecking(false);
      },
      (error: Error) => {
        keyStore.clear();
        setNotice(error.message);
        setChecking(false);
      },
    );
  }, [fetch]);

  const api = useMemo(() => (signed ? createClient(signed.key, fetch) : null), [signed, fetch]);

  async function signIn(key: string) {
    const identity = await verifyKey(key, fetch);
    keyStore.set(key);
    setNotice(undefined);
    setSigned({ key, identity });
  }

  function signOut() {
    keyStore.clear();
    setSigned(null);
    location.hash = '#/';
  }

  if (checking) {
    return (
      <p class="loading" role="status">
        Checking the saved key…
      </p>
    );
  }
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={signed ? href({ view: 'agents' }) : undefined}>
          Memtrace explorer
        </a>
        {signed && (
          <p class="who" data-org={signed.identity.org_id}>
            <span>{signed.identity.org_id}</span>
            <span class="sub">
              key {signed.identity.key_name} · {signed.identity.scopes.join(', ')}
            </span>
          </p>
        )}
        <ThemeToggle />
        {signed && (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      {signed && api ? (
        <ApiContext.Provider value={api}>
          <Routed />
        </ApiContext.Provider>
      ) : (
        <SignIn onSignIn={signIn} notice={notice} />
      )}
    </>
  );
}

function Routed() {
  const route = useRoute();
  return (
    <>
      <Breadcrumbs route={route} />
      <View route={route} />
    </>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'agents':
      return <AgentsView />;
    case 'agent':
      return <AgentView key={route.id} id={route.id} tab={route.tab} />;
    case 'memory':
      return <MemoryView id={route.id} />;
    case 'session':
      return <SessionView id={route.id} />;
  }
}

function Breadcrumbs({ route }: { route: Route }) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <a href={href({ view: 'agents' })} aria-current={route.view === 'agents' ? 'page' : undefined}>
        Agents
      </a>
      {route.view === 'agent' && <span aria-current="page">{route.id}</span>}
      {route.view === 'memory' && <span aria-current="page">memory {route.id}</span>}
      {route.view === 'session' && <span aria-current="page">session {route.id}</span>}
    </nav>
  );
}

