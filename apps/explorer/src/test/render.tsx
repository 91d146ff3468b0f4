import type { Memtrace } from '@memtrace/sdk';
import type { ComponentChildren } from 'preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { ApiContext } from '../api/api-context';
import { createClient, type FetchLike } from '../api/explorer-api';

/** Renders into a fresh container in the document; `cleanup` unmounts it. */
export function mount(children: ComponentChildren): { root: HTMLElement; cleanup(): void } {
  const root = document.createElement('div');
  document.body.appendChild(root);
  act(() => render(children, root));
  return {
    root,
    cleanup() {
      act(() => render(null, root));
      root.remove();
    },
  };
}

/** Lets promises and effects settle until `check` passes (it throws until then), or fails after `timeoutMs`. */
export async function until<T>(check: () => T, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await act(() => new Promise<void>((resolve) => setTimeout(resolve, 5)));
    }
  }
}

export function withApi(api: Memtrace, children: ComponentChildren) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export interface Handled {
  status?: number;
  body: unknown;
}

/** A fake server behind `fetch`: each call is recorded and answered by `route(method, path, query, body)`. */
export function fakeServer(route: (request: { method: string; path: string; query: URLSearchParams; body: any; key: string | null }) => Handled) {
  const calls: Array<{ method: string; url: string; key: string | null; body: any }> = [];
  const fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(input, 'http://explorer.test');
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const key = headers['x-api-key'] ?? null;
    const method = init.method ?? 'GET';
    calls.push({ method, url: url.toString(), key, body });
    const answer = route({ method, path: url.pathname, query: url.searchParams, body, key });
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetch, client: (key = 'mtk_test') => createClient(key, fetch, 'http://explorer.test') };
}

export function text(root: ParentNode, selector: string): string {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`no ${selector}`);
  return element.textContent ?? '';
}

export function press(element: Element, key: string): void {
  act(() => {
    element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
}

export function type(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  act(() => {
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    if (input instanceof HTMLSelectElement) input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export function submit(form: HTMLFormElement): void {
  act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

export function click(element: Element): void {
  act(() => {
    (element as HTMLElement).click();
  });
}
