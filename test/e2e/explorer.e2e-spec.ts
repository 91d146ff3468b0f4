import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, createStack, httpRequest, REPO_ROOT, TenantStack } from '@memtrace/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

jest.setTimeout(120_000);

// Code passed to page.evaluate / waitForFunction runs in the browser, where these are its globals
// (the root tsconfig has no DOM types; these names stay local to this file).
declare const document: any;
declare const window: any;
declare const location: any;
declare const sessionStorage: any;
declare const localStorage: any;
declare function getComputedStyle(element: unknown): any;

/*
 * The memory explorer (issue 16) in a real browser: Debian's Chromium driven by playwright-core,
 * against the real processes (gateway serving /explorer and the REST API, query service, ingest
 * worker, Arc double). Every wait is on an element, a URL or a response, never on time.
 * Screenshots go to test-artifacts/explorer/ (git-ignored); MEMTRACE_DOCS_SCREENSHOT=1 also
 * writes the README's docs/explorer.png.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'explorer');
const KEY_STORAGE = 'memtrace.explorer.apiKey';
const BULK = 1150;

interface Seeded {
  agent: { id: string; name: string };
  sessionId: string;
  parentId: string;
  childId: string;
}

describe('memory explorer in Chromium: sign-in, agents, timeline, detail, activity, context', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let readOnlyKey: string;
  let seeded: Seeded;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const requested: string[] = [];
  const refused: string[] = [];
  const problems: string[] = [];

  const api = (method: string, path: string, body?: unknown) => httpRequest(gateway, method, path, { key: stack.key, json: body });
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
  const origin = () => gateway.url();

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await createStack();
    readOnlyKey = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'explorer-reader', '--permissions', 'read']).key;
    [gateway] = await Promise.all([stack.spawn('gateway'), stack.spawn('query'), stack.spawn('ingest-worker')]);
    seeded = await seed();
    profile = mkdtempSync(join(tmpdir(), 'memtrace-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => response.status() >= 400 && refused.push(`${response.status()} ${new URL(response.url()).pathname}`));
    // Chromium logs every 4xx as "Failed to load resource"; those are checked as responses above.
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(`console: ${message.text()}`));
    // Runs before the page's own code and outside its CSP: records any violation the policy reports.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event: { violatedDirective: string; blockedURI: string }) => {
        ((window as unknown as { cspViolations: string[] }).cspViolations ??= []).push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.close();
  });

  /** The README quickstart's memory, a registered agent with a session, a parent and child, errors, and enough rows for two pages. */
  async function seed(): Promise<Seeded> {
    const agent = (await api('POST', '/api/v1/agents', { name: 'sdr-7', description: 'outbound SDR' })).body;
    const sessionId = (await api('POST', '/api/v1/sessions', { agent_id: agent.id, metadata: { task: 'onboarding' } })).body.id;
    for (let start = 0; start < BULK; start += 230) {
      const memories = Array.from({ length: Math.min(230, BULK - start) }, (_, i) => ({ agent_id: 'sdr-7', content: `Bulk note #${start + i}`, tags: ['bulk'], importance: 0.2 }));
      expect((await api('POST', '/api/v1/memories', { memories })).status).toBe(201);
    }
    const write = async (memory: Record<string, unknown>) => {
      const reply = await api('POST', '/api/v1/memories', { agent_id: agent.id, session_id: sessionId, ...memory });
      expect(reply.status).toBe(201);
      return reply.body.id as string;
    };
    const parentId = await write({ content: 'Lead asked for a demo next week', tags: ['lead', 'demo'], importance: 0.7 });
    const childId = await write({
      content: 'Offer the annual plan',
      memory_type: 'decision',
      event_type: 'decision',
      importance: 0.9,
      parent_id: parentId,
      metadata: { reasoning: 'budget approved for 12 months', plan: { seats: 25, billing: 'annual' } },
    });
    await write({ content: 'CRM sync failed: timeout after 30 s', event_type: 'error', tags: ['crm'], importance: 0.6 });
    await write({ content: 'Acme Corp: 250 employees, based in Lyon', memory_type: 'entity', tags: ['lead'], importance: 0.5 });
    await write({ content: 'Sent the pricing deck', tags: ['demo'] });
    await write({ content: 'Schedule the demo for Tuesday 10:00', memory_type: 'decision', event_type: 'decision', importance: 0.8 });
    await write({ content: 'Calendar API returned 503', event_type: 'error', tags: ['calendar'], importance: 0.4 });
    // The quickstart's first memory: an agent id nobody registered.
    expect((await api('POST', '/api/v1/memories', { agent_id: 'support-bot', content: 'Customer prefers email over phone', tags: ['preference'] })).status).toBe(201);
    return { agent, sessionId, parentId, childId };
  }

  const timelineRows = () => page.locator('[role=listbox] [role=option] .row-content').allTextContents();

  /** Waits until `selector`'s text is `expected` (the DOM, not a clock); fails showing what it was. */
  async function waitForText(selector: string, expected: string) {
    try {
      await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, { timeout: 15_000 });
    } catch {
      expect({ selector, text: await page.locator(selector).first().textContent({ timeout: 1_000 }).catch(() => null) }).toEqual({ selector, text: expected });
    }
  }

  /** Sets every filter field (empty: any), applies them, and waits until the timeline has loaded all pages of that query. */
  async function applyFilters(values: { memoryType?: string; eventType?: string; tags?: string; text?: string; minImportance?: string }) {
    const filters = { memoryType: '', eventType: '', tags: '', text: '', minImportance: '', ...values };
    await page.getByLabel('Memory type').selectOption(filters.memoryType);
    await page.getByLabel('Event type').fill(filters.eventType);
    await page.getByLabel('Tags (all of, comma-separated)').fill(filters.tags);
    await page.getByLabel('Text contains').fill(filters.text);
    await page.getByLabel('Min importance').fill(filters.minImportance);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const applied = JSON.stringify(filters);
    await page.waitForFunction((f) => {
      const summary = document.querySelector('.summary');
      return summary?.getAttribute('data-filters') === f && summary.getAttribute('data-done') === 'true';
    }, applied);
  }

  it('serves the page from the gateway with a strict CSP, its own files only, with their content types', async () => {
    const index = await fetch(`${origin()}/explorer`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) expect(asset).toMatch(/^\/explorer\//); // nothing from another origin
    expect(html).not.toMatch(/<script>|<style|style="/); // no inline code for the CSP to refuse
    const types = await Promise.all(assets.map(async (asset) => (await fetch(`${origin()}${asset}`)).headers.get('content-type')));
    expect(types.sort()).toEqual(['image/svg+xml', 'text/css; charset=utf-8', 'text/javascript; charset=utf-8']);
    const etag = index.headers.get('etag')!;
    expect((await fetch(`${origin()}/explorer/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${origin()}/explorer/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${origin()}/explorer/..%2Fpackage.json`)).status).toBe(404);
  });

  it('a wrong key is refused with a clear message, and nothing is kept', async () => {
    const main = await page.goto(`${origin()}/explorer`);
    expect(main?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByLabel('API key').fill('mtk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText('[role=alert]', 'The server did not accept this key: invalid API key.');
    expect(await page.evaluate((name) => sessionStorage.getItem(name), KEY_STORAGE)).toBeNull();
    await shot('01-wrong-key');
  });

  it('a read-only key signs in; it lives in sessionStorage only, never in the URL or a cookie', async () => {
    await page.getByLabel('API key').fill(readOnlyKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('table.agents tbody tr');
    await expect(page.locator('.who').textContent()).resolves.toContain(stack.orgId);
    await expect(page.locator('.who').textContent()).resolves.toContain('read');
    const storage = await page.evaluate((name) => ({ session: sessionStorage.getItem(name), local: JSON.stringify({ ...localStorage }), cookie: document.cookie, url: location.href }), KEY_STORAGE);
    expect(storage.session).toBe(readOnlyKey);
    expect(storage.local).not.toContain(readOnlyKey);
    expect(storage.cookie).toBe('');
    expect(storage.url).not.toContain(readOnlyKey);
    expect(await context.cookies()).toEqual([]);
    expect(page.url()).not.toContain(readOnlyKey);
  });

  it('lists the agents with their stats as the API gives them, the unregistered quickstart agent included', async () => {
    const row = (id: string) => page.locator(`table.agents tr[data-agent="${id}"]`);
    await row('support-bot').waitFor();
    for (const id of [seeded.agent.id, 'support-bot']) {
      const stats = (await httpRequest(gateway, 'GET', `/api/v1/agents/${id}/stats`, { key: readOnlyKey })).body;
      await expect(row(id).locator('[data-field=memory_count]').textContent()).resolves.toBe(String(stats.memory_count));
      await expect(row(id).locator('[data-field=errors_24h]').textContent()).resolves.toBe(String(stats.errors_24h));
      await expect(row(id).locator('[data-field=session_count]').textContent()).resolves.toBe(String(stats.session_count));
    }
    await expect(row(seeded.agent.id).locator('[data-field=memory_count]').textContent()).resolves.toBe(String(BULK + 7));
    await shot('02-agents');
  });

  it("the README's promise: the quickstart's first memory is on the agent's timeline", async () => {
    await page.locator('table.agents').getByRole('link', { name: 'support-bot' }).click();
    await page.waitForSelector('.summary[data-done=true][data-count="1"]');
    expect(await timelineRows()).toEqual(['Customer prefers email over phone']);
  });

  it("an agent's timeline: newest first across its id and its name, paged past 1000 rows, rendered virtually", async () => {
    await page.goto(`${origin()}/explorer#/agents/${seeded.agent.name}/timeline`);
    await page.waitForSelector('[role=listbox] [role=option]');
    // The first page: what two searches (its name, its id) of 1000 rows say for certain.
    await page.waitForSelector('.summary[data-done=false]:not([data-count="0"])');
    expect(Number(await page.locator('.summary').getAttribute('data-count'))).toBeGreaterThanOrEqual(1000);
    expect((await timelineRows()).slice(0, 3)).toEqual(['Calendar API returned 503', 'Schedule the demo for Tuesday 10:00', 'Sent the pricing deck']);
    await shot('03-timeline');
    if (process.env.MEMTRACE_DOCS_SCREENSHOT === '1') await page.screenshot({ path: join(REPO_ROOT, 'docs', 'explorer.png') });
    // Only the rows in view are in the DOM, whatever the count.
    expect(await page.locator('[role=option]').count()).toBeLessThan(40);
    // End scrolls to the last row; the next page loads as it comes into view.
    const listbox = page.getByRole('listbox', { name: 'Memories, newest first' });
    await listbox.focus();
    await listbox.press('End');
    await page.waitForSelector(`.summary[data-done=true][data-count="${BULK + 7}"]`);
    await listbox.press('End');
    await expect(page.locator('[role=option][aria-selected=true] .row-content').textContent()).resolves.toBe('Bulk note #0');
    expect(await page.locator('[role=option]').count()).toBeLessThan(40);
  });

  it('filters by memory type, event type, tags, text and importance, as the server answers them', async () => {
    await applyFilters({ memoryType: 'decision' });
    expect((await timelineRows()).sort()).toEqual(['Offer the annual plan', 'Schedule the demo for Tuesday 10:00']);
    await applyFilters({ eventType: 'error' });
    expect(await timelineRows()).toEqual(['Calendar API returned 503', 'CRM sync failed: timeout after 30 s']);
    await applyFilters({ tags: 'lead, demo' });
    expect(await timelineRows()).toEqual(['Lead asked for a demo next week']);
    await applyFilters({ tags: 'lead' });
    expect(await timelineRows()).toEqual(['Acme Corp: 250 employees, based in Lyon', 'Lead asked for a demo next week']);
    await applyFilters({ text: 'note #114' });
    expect((await timelineRows()).sort()).toEqual(['Bulk note #114', 'Bulk note #1140', 'Bulk note #1141', 'Bulk note #1142', 'Bulk note #1143', 'Bulk note #1144', 'Bulk note #1145', 'Bulk note #1146', 'Bulk note #1147', 'Bulk note #1148', 'Bulk note #1149']);
    await applyFilters({ minImportance: '0.85' });
    expect(await timelineRows()).toEqual(['Offer the annual plan']);
    await shot('04-timeline-filtered');
  });

  it('opens a memory with the keyboard: every field, metadata pretty-printed, the parent as a link', async () => {
    const listbox = page.getByRole('listbox', { name: 'Memories, newest first' });
    await listbox.focus();
    await listbox.press('Enter');
    await page.waitForURL(`**/explorer#/memories/${seeded.childId}`);
    await page.waitForSelector('[data-field=metadata] pre');
    const stored = (await httpRequest(gateway, 'GET', `/api/v1/memories/${seeded.childId}`, { key: readOnlyKey })).body;
    await expect(page.locator('[data-field=metadata] pre').textContent()).resolves.toBe(JSON.stringify(stored.metadata, null, 2));
    await expect(page.locator('[data-field=content] .content').textContent()).resolves.toBe('Offer the annual plan');
    await expect(page.locator('[data-field=importance] dd').textContent()).resolves.toBe('0.9');
    await shot('05-memory');
    await page.locator('[data-field=parent_id] a').click();
    await page.waitForURL(`**/explorer#/memories/${seeded.parentId}`);
    await expect(page.locator('[data-field=content] .content').textContent()).resolves.toBe('Lead asked for a demo next week');
  });

  it("the activity chart's numbers are the activity route's, errors highlighted", async () => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => /\/api\/v1\/agents\/[^/]+\/activity\?/.test(r.url())),
      page.goto(`${origin()}/explorer#/agents/${seeded.agent.id}/activity`),
    ]);
    const shown = await response.json();
    await page.waitForSelector('g.bucket rect.bar');
    const query = new URL(response.url()).search;
    expect(query).toBe('?since=24h&bucket=1h');
    const fromApi = (await httpRequest(gateway, 'GET', `/api/v1/agents/${seeded.agent.id}/activity${query}`, { key: readOnlyKey })).body;
    const nonEmpty = (activity: { buckets: Array<{ start: string; total: number; errors: number; counts: Record<string, number> }> }) =>
      activity.buckets.filter((b) => b.total > 0).map(({ start, total, errors, counts }) => ({ start, total, errors, counts }));
    expect(nonEmpty(shown)).toEqual(nonEmpty(fromApi));
    expect({ total: fromApi.total, errors: fromApi.errors }).toEqual({ total: BULK + 7, errors: 2 });
    const drawn = await page.locator('g.bucket').evaluateAll((groups) =>
      groups.map((g) => ({
        start: g.getAttribute('data-bucket'),
        total: Number(g.getAttribute('data-total')),
        errors: Number(g.getAttribute('data-errors')),
        marked: g.querySelector('.error-marker') !== null,
        counts: Object.fromEntries([...g.querySelectorAll('rect.bar')].map((r) => [r.getAttribute('data-type'), Number(r.getAttribute('data-count'))])),
      })),
    );
    expect(drawn.map((d) => d.start)).toEqual(shown.buckets.map((b: { start: string }) => b.start));
    expect(drawn.filter((d) => d.total > 0).map(({ start, total, errors, counts }) => ({ start, total, errors, counts }))).toEqual(nonEmpty(fromApi));
    expect(drawn.filter((d) => d.marked).map((d) => d.start)).toEqual(fromApi.buckets.filter((b: { errors: number }) => b.errors > 0).map((b: { start: string }) => b.start));
    await expect(page.locator('figcaption').textContent()).resolves.toContain(`${(BULK + 7).toLocaleString('en')} memories, 2 errors`);
    // The keyboard reads a bucket out.
    await page.locator('.chart-frame').focus();
    await page.locator('.chart-frame').press('End');
    await expect(page.locator('#chart-readout').textContent()).resolves.toMatch(/ UTC: /);
    await shot('06-activity');
  });

  it("a session's context is the API's, token count and text, under a max_tokens budget", async () => {
    await page.goto(`${origin()}/explorer#/agents/${seeded.agent.id}/sessions`);
    await page.getByRole('link', { name: seeded.sessionId }).click();
    await page.waitForURL(`**/explorer#/sessions/${seeded.sessionId}`);
    await page.waitForSelector('#context-token-count');
    await page.getByLabel('max_tokens').fill('120');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/sessions/${seeded.sessionId}/context`) && r.request().postDataJSON()?.max_tokens === 120),
      page.getByRole('button', { name: 'Render context' }).click(),
    ]);
    expect(response.status()).toBe(200);
    const expected = (await httpRequest(gateway, 'POST', `/api/v1/sessions/${seeded.sessionId}/context`, { key: readOnlyKey, json: { since: '24h', max_tokens: 120 } })).body;
    expect(expected.token_count).toBeLessThanOrEqual(120);
    expect(expected.memory_count).toBeGreaterThan(0);
    await waitForText('#context-token-count', String(expected.token_count));
    await waitForText('#context-text', expected.context);
    await waitForText('#context-memory-count', String(expected.memory_count));
    await shot('07-session-context');
  });

  it('switches to dark mode with the toggle', async () => {
    await page.getByRole('button', { name: 'Theme: system' }).click();
    await page.waitForSelector('html[data-theme=dark]');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(18, 21, 28)');
    await shot('08-dark');
    await page.getByRole('button', { name: 'Theme: dark' }).click();
    await page.waitForSelector('html[data-theme=light]');
  });

  it('never put the key in a URL, asked nothing of another origin, and broke no CSP rule', async () => {
    expect(requested.length).toBeGreaterThan(10);
    for (const url of requested) {
      expect(url.startsWith(`${origin()}/`)).toBe(true);
      expect(url).not.toContain(readOnlyKey);
    }
    expect(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])).toEqual([]);
    expect(problems).toEqual([]);
    // The only refusals: the wrong key, and "not registered" for the quickstart's agent.
    expect([...new Set(refused)].sort()).toEqual(['401 /api/v1/auth/verify', '404 /api/v1/agents/support-bot']);
    expect(gateway.stderr()).not.toContain(readOnlyKey);
    expect(gateway.stderr()).not.toContain('unhandled error');
  });

  it('signing out forgets the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate((name) => sessionStorage.getItem(name), KEY_STORAGE)).toBeNull();
  });
});
