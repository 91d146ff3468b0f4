import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backend, CHILD, GOOD_KEY, PARENT } from '../test/fake-backend';
import { mount, press, submit, text, type, until, withApi } from '../test/render';
import { applyTheme, nextTheme } from '../ui/theme';
import { AgentView } from './agent-view';
import { ContextPreview } from './context-preview';
import { MemoryView } from './memory-view';

let cleanup: () => void = () => undefined;
beforeEach(() => {
  location.hash = '';
});
afterEach(() => cleanup());

function show(children: preact.ComponentChildren) {
  const server = backend();
  const mounted = mount(withApi(server.client(GOOD_KEY), children));
  cleanup = mounted.cleanup;
  return { root: mounted.root, server };
}

describe('agent timeline', () => {
  it("lists the agent's memories under its id and its name, filters on the server, opens one with Enter", async () => {
    const { root, server } = show(<AgentView id="sdr-7" tab="timeline" />);
    await until(() => expect(root.querySelectorAll('[role=option]')).toHaveLength(2));
    expect([...root.querySelectorAll('.row-content')].map((c) => c.textContent)).toEqual(['Offer the annual plan', 'Lead asked for a demo']);
    const searched = server.calls.filter((c) => c.url.endsWith('/api/v1/search')).map((c) => c.body.agent_id);
    expect(searched.sort()).toEqual(['agent_0123456789abcdef01234567', 'sdr-7']);
    expect(text(root, '.summary')).toBe('2 memories');

    type(root.querySelector('#f-memory-type') as HTMLSelectElement, 'decision');
    submit(root.querySelector('form.filters') as HTMLFormElement);
    await until(() => expect(root.querySelectorAll('[role=option]')).toHaveLength(1));
    expect(server.calls.at(-1)?.body).toMatchObject({ memory_types: ['decision'], since: '24h', order: 'desc', limit: 1000 });

    const list = root.querySelector('[role=listbox]') as HTMLElement;
    press(list, 'Enter');
    expect(location.hash).toBe(`#/memories/${CHILD.id}`);
  });

  it('switches the window, and shows the activity chart of the route', async () => {
    const { root, server } = show(<AgentView id="sdr-7" tab="activity" />);
    await until(() => expect(root.querySelectorAll('rect.bar')).toHaveLength(2));
    const activity = () => server.calls.filter((c) => c.url.includes('/activity')).map((c) => c.url.replace('http://explorer.test', ''));
    expect(activity()).toEqual(['/api/v1/agents/sdr-7/activity?since=24h&bucket=1h']);
    const hour = [...root.querySelectorAll('.window-picker button')].find((b) => b.textContent === 'Last hour') as HTMLElement;
    hour.click();
    await until(() => expect(activity().at(-1)).toBe('/api/v1/agents/sdr-7/activity?since=1h&bucket=1m'));
    expect(hour.getAttribute('aria-pressed')).toBe('true');
    type(root.querySelector('#bucket') as HTMLSelectElement, '5m');
    await until(() => expect(activity().at(-1)).toBe('/api/v1/agents/sdr-7/activity?since=1h&bucket=5m'));
    // Each window is asked for once, with its own bucket: never a stale bucket on a new window.
    expect(activity()).toEqual(['/api/v1/agents/sdr-7/activity?since=24h&bucket=1h', '/api/v1/agents/sdr-7/activity?since=1h&bucket=1m', '/api/v1/agents/sdr-7/activity?since=1h&bucket=5m']);
  });
});

describe('memory detail', () => {
  it('shows every field, metadata pretty-printed, the parent as a link', async () => {
    const { root } = show(<MemoryView id={CHILD.id!} />);
    await until(() => expect(root.querySelector('[data-field=metadata] pre')).not.toBeNull());
    expect(text(root, '[data-field=metadata] pre')).toBe(JSON.stringify(CHILD.metadata, null, 2));
    expect(root.querySelector('[data-field=parent_id] a')?.getAttribute('href')).toBe(`#/memories/${PARENT.id}`);
    expect(root.querySelector('[data-field=session_id] a')?.getAttribute('href')).toBe('#/sessions/sess_1');
    expect(text(root, '[data-field=dedup_key]')).toContain('—');
    expect(text(root, '[data-field=time]')).toContain('2026-02-08 11:30:00.123 UTC');
    expect([...root.querySelectorAll('dt')].map((d) => d.textContent)).toEqual([
      'id', 'time', 'org_id', 'agent_id', 'session_id', 'memory_type', 'event_type', 'content', 'tags', 'importance', 'dedup_key', 'parent_id', 'metadata',
    ]);
  });

  it('never shows the previous memory under a new id (a parent link clicked)', async () => {
    const server = backend();
    const client = server.client(GOOD_KEY);
    const mounted = mount(withApi(client, <MemoryView id={CHILD.id!} />));
    cleanup = mounted.cleanup;
    await until(() => expect(text(mounted.root, '[data-field=content] .content')).toBe(CHILD.content));
    act(() => render(withApi(client, <MemoryView id={PARENT.id!} />), mounted.root));
    expect(mounted.root.querySelector('[data-field=content]')).toBeNull(); // loading, not the child
    await until(() => expect(text(mounted.root, '[data-field=content] .content')).toBe(PARENT.content));
  });

  it('says so when the memory does not exist', async () => {
    const { root } = show(<MemoryView id="0198c0de-0000-7000-8000-00000000dead" />);
    await until(() => expect(text(root, '[role=alert]')).toBe('404: memory not found'));
  });
});

describe('context preview', () => {
  it("shows the server's text untouched with its token count, and sends max_tokens", async () => {
    const server = backend();
    const client = server.client(GOOD_KEY);
    const mounted = mount(withApi(client, <ContextPreview load={(options) => client.getSessionContext('sess_1', options)} subject="session sess_1" />));
    cleanup = mounted.cleanup;
    const root = mounted.root;
    await until(() => expect(text(root, '#context-token-count')).toBe('17'));
    expect(text(root, '#context-text')).toBe('## Session Context (sess_1)\n\n### Decisions Made (1)\n- Offer the annual plan');
    type(root.querySelector('#ctx-max-tokens') as HTMLInputElement, '9');
    submit(root.querySelector('form') as HTMLFormElement);
    await until(() => expect(text(root, '#context-token-count')).toBe('9'));
    expect(server.calls.at(-1)?.body).toEqual({ since: '24h', max_tokens: 9 });
    expect(text(root, '.facts')).toContain('yes, 1 omitted');
  });
});

describe('theme', () => {
  it('cycles system → dark → light and marks <html>', () => {
    expect(nextTheme('system')).toBe('dark');
    applyTheme('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    applyTheme(nextTheme('dark'));
    expect(document.documentElement.dataset.theme).toBe('light');
    applyTheme('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
