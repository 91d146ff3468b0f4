import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Memtrace, MEMORY_TOOL_NAMES, MEMORY_TOOLS, type MemoryToolDefinition } from '@memtrace/sdk';
import { connectedMcpClient as connected, fakeMemtraceApi as recordingClient } from '@memtrace/testing';
import { MCP_TOOL_NAMES } from '../memtrace-mcp.server';
import { memoryToolInputSchema } from './memory.tools';

/*
 * The MCP server's memory tools are the SDK's (`MEMORY_TOOLS`): these specs fail as soon as the
 * two lists differ in a name, a description or an argument, or when the JSON Schema → zod step
 * loses something on the way to `tools/list`.
 */


/**
 * A schema with the spellings zod's JSON Schema output adds and the SDK leaves out taken away: the
 * dialect (`$schema`), an empty `required`, and `properties: {}, additionalProperties: {}` on a
 * free-form object (both mean "any properties"). Anything else that differs is a real difference.
 */
function normalized(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalized);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
  if (Array.isArray(rest.required) && rest.required.length === 0) delete rest.required;
  const isEmpty = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
  if (isEmpty(rest.properties) && isEmpty(rest.additionalProperties)) {
    delete rest.properties;
    delete rest.additionalProperties;
  }
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, normalized(value)]));
}

describe('MCP memory tools derive from the SDK', () => {
  it("lists the SDK's memory tools first, by the SDK's names and in its order", async () => {
    const client = await connected(recordingClient().client);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names.slice(0, MEMORY_TOOL_NAMES.length)).toEqual([...MEMORY_TOOL_NAMES]);
    expect(MCP_TOOL_NAMES.slice(0, MEMORY_TOOL_NAMES.length)).toEqual([...MEMORY_TOOL_NAMES]);
    expect(MEMORY_TOOLS.map((tool) => tool.name)).toEqual([...MEMORY_TOOL_NAMES]);
  });

  it.each(MEMORY_TOOLS.map((definition) => [definition.name, definition] as const))(
    "%s: tools/list answers the SDK's description and its unbound JSON Schema, unchanged",
    async (name, definition: MemoryToolDefinition) => {
      const client = await connected(recordingClient().client);
      const listed = (await client.listTools()).tools.find((tool) => tool.name === name)!;
      expect(listed.description).toBe(definition.description);
      expect(normalized(listed.inputSchema)).toEqual(normalized(definition.unboundParameters));
      expect(listed.title).toBeTruthy();
    },
  );

  it('the unbound schemas need agent_id to act as an agent and take it as a filter for search', () => {
    const required = Object.fromEntries(MEMORY_TOOLS.map((tool) => [tool.name, tool.unboundParameters.required]));
    expect(required).toEqual({
      memtrace_remember: ['agent_id', 'content'],
      memtrace_recall: ['agent_id'],
      memtrace_search: [],
      memtrace_decide: ['agent_id', 'decision', 'reasoning'],
    });
    for (const tool of MEMORY_TOOLS) expect(tool.unboundParameters.properties).toHaveProperty('agent_id');
  });

  it("the zod schema applies the SDK's defaults and refuses what its JSON Schema refuses", () => {
    const [remember, recall, search, decide] = MEMORY_TOOLS.map(memoryToolInputSchema);
    expect(remember.parse({ agent_id: 'bot', content: 'saw a cat' })).toEqual({ agent_id: 'bot', content: 'saw a cat', memory_type: 'episodic', event_type: 'general' });
    expect(recall.parse({ agent_id: 'bot' })).toEqual({ agent_id: 'bot', since: '24h', limit: 50 });
    expect(search.parse({})).toEqual({ limit: 50 });

    const refused = (schema: typeof remember, value: unknown) => schema.safeParse(value).error?.issues.map((issue) => issue.path.join('.') || issue.code);
    expect(refused(remember, { content: 'who?' })).toEqual(['agent_id']);
    expect(refused(remember, { agent_id: 'bot', content: '' })).toEqual(['content']);
    expect(refused(remember, { agent_id: 'bot', content: 'c', memory_type: 'semantic' })).toEqual(['memory_type']);
    expect(refused(remember, { agent_id: 'bot', content: 'c', importance: 1.5 })).toEqual(['importance']);
    expect(refused(remember, { agent_id: 'bot', content: 'c', metadata: ['not', 'an', 'object'] })).toEqual(['metadata']);
    expect(refused(recall, { agent_id: 'bot', limit: 201 })).toEqual(['limit']);
    expect(refused(recall, { agent_id: 'bot', limit: 2.5 })).toEqual(['limit']);
    expect(refused(search, { memory_types: ['episodic', 'nope'] })).toEqual(['memory_types.1']);
    // Upstream's search takes no session; an argument outside the schema is an error, not dropped.
    expect(refused(search, { session_id: 'sess_1' })).toEqual(['unrecognized_keys']);
    expect(refused(decide, { agent_id: 'bot', decision: 'd' })).toEqual(['reasoning']);
  });

  it('a call runs the SDK tool with agent_id as its binding; search without one reads every agent', async () => {
    const api = recordingClient();
    const client = await connected(api.client);
    await client.callTool({ name: 'memtrace_decide', arguments: { agent_id: 'bot', decision: 'ship it', reasoning: 'green' } });
    await client.callTool({ name: 'memtrace_search', arguments: { content_contains: 'cat' } });
    await client.callTool({ name: 'memtrace_search', arguments: { agent_id: 'bot', tags: ['x'] } });
    expect(api.sent).toEqual([
      {
        method: 'POST',
        path: '/api/v1/memories',
        body: { agent_id: 'bot', content: 'ship it', memory_type: 'decision', event_type: 'decision', metadata: { reasoning: 'green' } },
      },
      // An empty agent_id is "not given" to the server: every agent's memories.
      { method: 'POST', path: '/api/v1/search', body: { agent_id: '', content_contains: 'cat', limit: 50, order: 'desc' } },
      { method: 'POST', path: '/api/v1/search', body: { agent_id: 'bot', tags: ['x'], limit: 50, order: 'desc' } },
    ]);
  });

  it('refuses an argument outside the schema before any request, naming it', async () => {
    const api = recordingClient();
    const client = await connected(api.client);
    const result = await client.callTool({ name: 'memtrace_search', arguments: { session_id: 'sess_1' } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0].text).toMatch(/session_id/);
    expect(api.sent).toEqual([]);
  });
});
