import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './app';
import { backend, GOOD_KEY } from './test/fake-backend';
import { click, mount, submit, text, type, until } from './test/render';

let cleanup: () => void = () => undefined;
beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  location.hash = '';
});
afterEach(() => cleanup());

function app(server = backend()) {
  const mounted = mount(<App fetch={server.fetch} />);
  cleanup = mounted.cleanup;
  return { root: mounted.root, server };
}

function signIn(root: HTMLElement, key: string) {
  type(root.querySelector('#api-key') as HTMLInputElement, key);
  submit(root.querySelector('form') as HTMLFormElement);
}

describe('sign-in', () => {
  it('refuses a wrong key with the server message and keeps nothing', async () => {
    const { root } = app();
    expect(root.querySelector('label[for=api-key]')?.textContent).toBe('API key');
    expect((root.querySelector('#api-key') as HTMLInputElement).type).toBe('password');
    signIn(root, 'mtk_wrong');
    await until(() => expect(text(root, '[role=alert]')).toBe('The server did not accept this key: invalid API key.'));
    expect(sessionStorage.length).toBe(0);
    expect(root.querySelector('#api-key')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('keeps a good key in sessionStorage only, and shows the agents with their stats', async () => {
    const { root, server } = app();
    signIn(root, `  ${GOOD_KEY} `);
    await until(() => expect(root.querySelectorAll('table.agents tbody tr')).toHaveLength(2));
    expect(sessionStorage.getItem('memtrace.explorer.apiKey')).toBe(GOOD_KEY);
    expect(Object.values({ ...localStorage })).not.toContain(GOOD_KEY);
    expect(document.cookie).not.toContain(GOOD_KEY);
    expect(location.href).not.toContain(GOOD_KEY);
    expect(text(root, '.who')).toContain('org_a');
    const rows = [...root.querySelectorAll('table.agents tbody tr')].map((tr) => [tr.getAttribute('data-agent'), tr.querySelector('[data-field=memory_count]')?.textContent]);
    expect(rows).toEqual([
      ['agent_0123456789abcdef01234567', '2'],
      ['support-bot', '1'],
    ]);
    // Every request carried the key in its header and none in its URL.
    expect(server.calls.length).toBeGreaterThan(3);
    for (const call of server.calls) {
      expect(call.key).toBe(GOOD_KEY);
      expect(call.url).not.toContain(GOOD_KEY);
    }
  });

  it("signs in again from the tab's session, and out for good", async () => {
    sessionStorage.setItem('memtrace.explorer.apiKey', GOOD_KEY);
    const { root } = app();
    await until(() => expect(root.querySelector('table.agents')).not.toBeNull());
    click([...root.querySelectorAll('button')].find((b) => b.textContent === 'Sign out')!);
    expect(sessionStorage.length).toBe(0);
    expect(root.querySelector('#api-key')).not.toBeNull();
  });

  it('drops a saved key the server no longer accepts, saying why', async () => {
    sessionStorage.setItem('memtrace.explorer.apiKey', 'mtk_revoked');
    const { root } = app();
    await until(() => expect(text(root, '.notice')).toContain('invalid API key'));
    expect(sessionStorage.length).toBe(0);
  });
});
