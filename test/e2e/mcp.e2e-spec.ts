import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { Memtrace } from '@memtrace/sdk';
import { CLIENT_STACK, createStack, REPO_ROOT, TenantStack } from '@memtrace/testing';

jest.setTimeout(120_000);

/*
 * The MCP tools as an MCP client meets them: the official MCP client over stdio (the
 * `memtrace-mcp` binary, spawned as Claude Code or Cursor would) and over streamable HTTP (`/mcp`
 * on the gateway), both against the real stack (gateway, worker, query, admin; Arc double).
 */

const BIN = join(REPO_ROOT, 'bin', 'memtrace-mcp.js');

/** Each tool with the inputs upstream marks required (§9), plus the list/get tools. */
const REQUIRED_INPUTS: Record<string, string[]> = {
  memtrace_remember: ['agent_id', 'content'],
  memtrace_recall: ['agent_id'],
  memtrace_search: [],
  memtrace_decide: ['agent_id', 'decision', 'reasoning'],
  memtrace_memory_list: [],
  memtrace_forget: [],
  memtrace_erasure_get: ['id'],
  memtrace_memory_get: ['id'],
  memtrace_agent_register: ['name'],
  memtrace_agent_list: [],
  memtrace_agent_get: ['agent_id'],
  memtrace_session_create: ['agent_id'],
  memtrace_session_context: ['session_id'],
};

interface ToolOutcome {
  text: string;
  isError: boolean;
}

type Kind = 'stdio' | 'http';

describe('MCP server against the real stack', () => {
  let env: TenantStack;

  beforeAll(async () => {
    env = await createStack(CLIENT_STACK);
  }, 120_000);
  afterAll(() => env?.close());

  function transport(kind: Kind, key: string, url = env.baseUrl): Transport {
    if (kind === 'stdio') {
      return new StdioClientTransport({
        command: process.execPath,
        args: [BIN],
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', MEMTRACE_URL: url, MEMTRACE_API_KEY: key },
        stderr: 'pipe',
      });
    }
    return new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { 'x-api-key': key } } });
  }

  async function connect(kind: Kind, key: string, url?: string): Promise<Client> {
    const client = new Client({ name: 'memtrace-e2e', version: '1.0.0' });
    await client.connect(transport(kind, key, url));
    return client;
  }

  async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as Array<{ type: string; text: string }>;
    expect(content).toHaveLength(1);
    expect(content[0].type).toBe('text');
    return { text: content[0].text, isError: result.isError === true };
  }

  /** A successful call's JSON reply (indented, as upstream's server wrote it). */
  async function json(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
    const outcome = await call(client, name, args);
    if (outcome.isError) throw new Error(`${name} failed: ${outcome.text}`);
    expect(outcome.text).toContain('\n  ');
    return JSON.parse(outcome.text);
  }

  describe.each<Kind>(['stdio', 'http'])('over %s', (kind) => {
    let client: Client;

    beforeAll(async () => {
      client = await connect(kind, env.key);
    });
    afterAll(() => client?.close());

    it('introduces itself as upstream did and lists all 11 tools with their input schemas', async () => {
      expect(client.getServerVersion()).toMatchObject({ name: 'memtrace', title: 'Memtrace — Memory for AI Agents' });
      expect(client.getInstructions()).toMatch(/always give a time window/i);

      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(REQUIRED_INPUTS).sort());
      for (const tool of tools) {
        expect({ name: tool.name, type: tool.inputSchema.type, required: tool.inputSchema.required ?? [] }).toEqual({
          name: tool.name,
          type: 'object',
          required: REQUIRED_INPUTS[tool.name],
        });
        expect(tool.description).toBeTruthy();
      }
      const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema.properties as Record<string, any>]));
      expect(Object.keys(byName.memtrace_remember).sort()).toEqual(
        ['agent_id', 'content', 'event_type', 'importance', 'memory_type', 'metadata', 'session_id', 'tags'].sort(),
      );
      expect(byName.memtrace_remember.memory_type).toMatchObject({ default: 'episodic', enum: ['episodic', 'decision', 'entity', 'session'] });
      expect(byName.memtrace_remember.event_type.default).toBe('general');
      expect(byName.memtrace_recall.since.default).toBe('24h');
      expect(byName.memtrace_recall.limit.default).toBe(50);
      // Upstream's search schema has no session_id, event_types or until.
      expect(Object.keys(byName.memtrace_search).sort()).toEqual(
        ['agent_id', 'content_contains', 'limit', 'memory_types', 'min_importance', 'since', 'tags'].sort(),
      );
      expect(byName.memtrace_search.limit.default).toBe(50);
      expect(Object.keys(byName.memtrace_session_context).sort()).toEqual(['include_types', 'max_tokens', 'session_id', 'since']);
      expect(Object.keys(byName.memtrace_agent_register).sort()).toEqual(['description', 'name']);
    });

    it('agents and sessions: register, list, get by id and by name, a session for the returned id, its context', async () => {
      const agent = await json(client, 'memtrace_agent_register', { name: `mcp-${kind}-reviewer`, description: 'reviews code' });
      expect(agent).toMatchObject({ name: `mcp-${kind}-reviewer`, description: 'reviews code' });
      expect(agent.id).toMatch(/^agent_[0-9a-f]{24}$/);

      const listed = await json(client, 'memtrace_agent_list');
      expect(listed.agents.map((a: { id: string }) => a.id)).toContain(agent.id);
      expect(await json(client, 'memtrace_agent_get', { agent_id: agent.id })).toEqual(agent);
      expect(await json(client, 'memtrace_agent_get', { agent_id: agent.name })).toEqual(agent);

      const session = await json(client, 'memtrace_session_create', { agent_id: agent.id, metadata: { ticket: 'T-7' } });
      expect(session).toMatchObject({ agent_id: agent.id, status: 'active', metadata: { ticket: 'T-7' } });
      expect(session.id).toMatch(/^sess_[0-9a-f]{24}$/);

      await json(client, 'memtrace_remember', { agent_id: agent.id, session_id: session.id, content: `reviewed PR 12 over ${kind}`, event_type: 'action' });
      await json(client, 'memtrace_decide', { agent_id: agent.id, decision: `kept ${kind} review comments short`, reasoning: 'the author asked' });

      const context = await call(client, 'memtrace_session_context', { session_id: session.id, since: '1h', max_tokens: 500 });
      expect(context.isError).toBe(false);
      // Raw markdown, not JSON.
      expect(context.text.startsWith(`## Session Context (${session.id})`)).toBe(true);
      expect(context.text).toContain(`reviewed PR 12 over ${kind}`);
      // The decision was filed under no session.
      expect(context.text).not.toContain(`kept ${kind} review comments short`);
    });

    it('session_create takes the agent by name, or an agent id nobody registered, as the memories carry it', async () => {
      const agent = await json(client, 'memtrace_agent_register', { name: `mcp-${kind}-planner` });
      const byName = await json(client, 'memtrace_session_create', { agent_id: agent.name });
      expect(byName).toMatchObject({ agent_id: agent.name, status: 'active' });
      const byId = await json(client, 'memtrace_session_create', { agent_id: agent.id });
      const free = await json(client, 'memtrace_session_create', { agent_id: `mcp_${kind}_helper` });
      expect(free).toMatchObject({ agent_id: `mcp_${kind}_helper`, status: 'active' });

      // One agent, by either of its names: the same sessions.
      const memtrace = new Memtrace(env.baseUrl, env.key);
      const ids = async (agentId: string) => (await memtrace.listSessions(agentId)).sessions.map((session) => session.id).sort();
      expect(await ids(agent.id)).toEqual([byName.id, byId.id].sort());
      expect(await ids(agent.name)).toEqual(await ids(agent.id));
      expect(await ids(`mcp_${kind}_helper`)).toEqual([free.id]);
    });

    it('memories: remember stores one that recall, search, memory_list and memory_get return; decide stores its reasoning', async () => {
      const agentId = `mcp-${kind}-writer`;
      const content = `the customer prefers email (${kind})`;
      const stored = await json(client, 'memtrace_remember', { agent_id: agentId, content, tags: ['preference'], importance: 0.8, metadata: { channel: 'email' } });
      expect(stored).toMatchObject({ agent_id: agentId, content, memory_type: 'episodic', event_type: 'general', tags: ['preference'], importance: 0.8, metadata: { channel: 'email' } });
      expect(stored.id).toBeDefined();

      const decision = await json(client, 'memtrace_decide', { agent_id: agentId, decision: `refund order 7 (${kind})`, reasoning: 'it arrived broken' });
      expect(decision).toMatchObject({ agent_id: agentId, memory_type: 'decision', event_type: 'decision', content: `refund order 7 (${kind})`, metadata: { reasoning: 'it arrived broken' } });
      expect(decision.session_id ?? '').toBe('');

      const recalled = await json(client, 'memtrace_recall', { agent_id: agentId, since: '1h' });
      expect(recalled.memories.map((m: { id: string }) => m.id)).toEqual([decision.id, stored.id]);
      const decisionsOnly = await json(client, 'memtrace_recall', { agent_id: agentId, memory_type: 'decision' });
      expect(decisionsOnly.memories.map((m: { id: string }) => m.id)).toEqual([decision.id]);

      const found = await json(client, 'memtrace_search', { content_contains: `prefers email (${kind})`, since: '1h', min_importance: 0.5 });
      expect(found.results.map((m: { id: string }) => m.id)).toEqual([stored.id]);
      const byType = await json(client, 'memtrace_search', { agent_id: agentId, memory_types: ['decision'], limit: 10 });
      expect(byType.results.map((m: { id: string }) => m.id)).toEqual([decision.id]);

      const listed = await json(client, 'memtrace_memory_list', { agent_id: agentId, tags: ['preference'], since: '1h' });
      expect(listed).toMatchObject({ count: 1, has_more: false });
      expect(listed.memories[0]).toEqual(stored);
      const paged = await json(client, 'memtrace_memory_list', { agent_id: agentId, order: 'asc', limit: 1, offset: 1 });
      expect(paged.memories.map((m: { id: string }) => m.id)).toEqual([decision.id]);

      expect(await json(client, 'memtrace_memory_get', { id: stored.id })).toEqual(stored);
    });

    it('forgets: a dry run counts, memtrace_forget erases, memtrace_erasure_get follows it to done; no filter is a tool error', async () => {
      const agentId = `mcp-${kind}-forgetful`;
      const kept = await json(client, 'memtrace_remember', { agent_id: agentId, content: 'keep me', session_id: `sess_${kind}_keep` });
      await json(client, 'memtrace_remember', { agent_id: agentId, content: 'forget me', session_id: `sess_${kind}_gone` });
      expect(await json(client, 'memtrace_forget', { session_id: `sess_${kind}_gone`, dry_run: true })).toMatchObject({ status: 'done', dry_run: true, matched: 1, erased: 0 });
      const started = await json(client, 'memtrace_forget', { session_id: `sess_${kind}_gone` });
      expect(started).toMatchObject({ kind: 'forget', status: 'pending' });
      for (let receipt = started; receipt.status !== 'done'; receipt = await json(client, 'memtrace_erasure_get', { id: started.id })) {
        expect(receipt.status).not.toBe('failed');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const left = await json(client, 'memtrace_memory_list', { agent_id: agentId });
      expect(left.memories.map((m: { id: string }) => m.id)).toEqual([kept.id]);
      const none = await call(client, 'memtrace_forget', {});
      expect(none.isError).toBe(true);
      expect(none.text).toMatch(/^HTTP 400: forget needs at least one filter/);
    });

    it('errors come back as tool errors with the status and the server\'s message', async () => {
      const unknownAgent = await call(client, 'memtrace_agent_get', { agent_id: 'agent_000000000000000000000000' });
      expect(unknownAgent).toEqual({ isError: true, text: 'HTTP 404: agent not found' });

      const badAgentId = await call(client, 'memtrace_session_create', { agent_id: `mcp ${kind} nobody` });
      expect(badAgentId.isError).toBe(true);
      expect(badAgentId.text).toMatch(/^HTTP 400: invalid agent_id: invalid ID format/);

      const unknownSession = await call(client, 'memtrace_session_context', { session_id: 'sess_000000000000000000000000' });
      expect(unknownSession).toEqual({ isError: true, text: 'HTTP 404: session not found' });

      const unknownMemory = await call(client, 'memtrace_memory_get', { id: '01900000-0000-7000-8000-000000000000' });
      expect(unknownMemory).toEqual({ isError: true, text: 'HTTP 404: memory not found' });

      // A value the server refuses: its 400 and message.
      const badWindow = await call(client, 'memtrace_recall', { agent_id: `mcp-${kind}-writer`, since: 'yesterday' });
      expect(badWindow.isError).toBe(true);
      expect(badWindow.text).toMatch(/^HTTP 400: /);

      // Arguments the tool's schema refuses never reach the server.
      const missing = await call(client, 'memtrace_remember', { content: 'who am I?' });
      expect(missing.isError).toBe(true);
      expect(missing.text).toMatch(/agent_id/);

      // A repeat within the dedup window is upstream's 409.
      await json(client, 'memtrace_remember', { agent_id: `mcp-${kind}-dup`, content: 'said twice' });
      expect(await call(client, 'memtrace_remember', { agent_id: `mcp-${kind}-dup`, content: 'said twice' })).toEqual({ isError: true, text: 'HTTP 409: duplicate memory' });
    });
  });

  it('HTTP: a read-only key reads, but its remember is a 403 tool error and nothing is stored', async () => {
    const client = await connect('http', env.readOnlyKey);
    try {
      expect((await json(client, 'memtrace_agent_list')).agents).toEqual(expect.any(Array));
      const denied = await call(client, 'memtrace_remember', { agent_id: 'mcp-reader', content: 'should not land' });
      expect(denied.isError).toBe(true);
      expect(denied.text).toMatch(/^HTTP 403: API key lacks the 'write' scope/);
      const register = await call(client, 'memtrace_agent_register', { name: 'mcp-reader' });
      expect(register.text).toMatch(/^HTTP 403: /);
      expect((await json(client, 'memtrace_recall', { agent_id: 'mcp-reader' })).memories).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('HTTP: /mcp without a valid key is 401 with the usual {error} body; GET and DELETE are 405', async () => {
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
    });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const anonymous = await fetch(`${env.baseUrl}/mcp`, { method: 'POST', headers, body: initialize });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'missing API key' });

    const wrongKey = await fetch(`${env.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, authorization: 'Bearer mtk_not-a-key' }, body: initialize });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toMatchObject({ error: 'invalid API key' });

    // The same request with a key (as a Bearer token this time) is served: JSON, not an event stream.
    const served = await fetch(`${env.baseUrl}/mcp`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${env.key}` }, body: initialize });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/application\/json/);
    expect(served.headers.get('x-request-id')).toBeTruthy();
    expect(((await served.json()) as any).result.serverInfo).toMatchObject({ name: 'memtrace' });

    for (const method of ['GET', 'DELETE']) {
      const reply = await fetch(`${env.baseUrl}/mcp`, { method, headers: { 'x-api-key': env.key, accept: 'text/event-stream' } });
      expect({ method, status: reply.status, allow: reply.headers.get('allow') }).toEqual({ method, status: 405, allow: 'POST' });
      expect(((await reply.json()) as any).error).toMatchObject({ message: 'Method not allowed.' });
    }
    expect((await fetch(`${env.baseUrl}/mcp`)).status).toBe(401);
  });

  it('stdio: the binary without MEMTRACE_API_KEY exits non-zero, saying what to set, and writes nothing to stdout', () => {
    const result = spawnSync(process.execPath, [BIN], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', MEMTRACE_URL: env.baseUrl }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^memtrace-mcp: MEMTRACE_API_KEY is not set: set it to a Memtrace API key/);
  });

  it('stdio: a server that cannot be reached is a tool error that says so', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = await connect('stdio', env.key, `http://127.0.0.1:${closedPort}`);
    try {
      const outcome = await call(client, 'memtrace_agent_list');
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/^network error: could not reach the Memtrace server: .*ECONNREFUSED/);
    } finally {
      await client.close();
    }
  });
});
