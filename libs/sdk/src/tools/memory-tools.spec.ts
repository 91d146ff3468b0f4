import { fakeMemtraceApi as recordingClient } from '@memtrace/testing';
import { MAX_TOOL_LIMIT, Memtrace, MEMORY_TOOL_NAMES, MEMORY_TOOLS, runMemoryTool, type JsonSchema } from '@memtrace/sdk';

/*
 * The one definition of the four memory tools: its two forms (bound to an agent, for the provider
 * adapters; unbound, for the MCP server) must describe the same arguments, and what the schemas
 * say (required fields, defaults, the limit cap) must be what `runMemoryTool` does.
 */


/** A property without its description: what a caller may send, whatever the wording. */
function constraints(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, { ...(property as object), description: undefined }]));
}

const byName = Object.fromEntries(MEMORY_TOOLS.map((tool) => [tool.name, tool]));

describe('MEMORY_TOOLS', () => {
  it("are upstream's four tools, in upstream's order, each with a description", () => {
    expect(MEMORY_TOOLS.map((tool) => tool.name)).toEqual([...MEMORY_TOOL_NAMES]);
    for (const tool of MEMORY_TOOLS) expect(tool.description.length).toBeGreaterThan(20);
  });

  it.each([...MEMORY_TOOL_NAMES])('%s: the bound and unbound forms take the same arguments; only agent_id differs', (name) => {
    const { parameters, unboundParameters } = byName[name];
    const { agent_id: boundAgent, ...bound } = constraints(parameters);
    const { agent_id: unboundAgent, ...unbound } = constraints(unboundParameters);
    expect(bound).toEqual(unbound);
    expect(boundAgent).toMatchObject({ type: 'string' });
    expect(unboundAgent).toMatchObject({ type: 'string', minLength: 1 });
    expect(unboundParameters.required.filter((field) => field !== 'agent_id')).toEqual(parameters.required);
    expect(parameters.required).not.toContain('agent_id');
    for (const schema of [parameters, unboundParameters]) {
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
      for (const field of schema.required) expect(schema.properties).toHaveProperty(field);
      for (const property of Object.values(schema.properties)) expect((property as { description?: string }).description).toBeTruthy();
    }
  });

  it("the bound form's agent_id is an override, described as one; the unbound form requires it except for search", () => {
    for (const tool of MEMORY_TOOLS) expect((tool.parameters.properties.agent_id as { description: string }).description).toMatch(/another agent/i);
    expect(Object.fromEntries(MEMORY_TOOLS.map((tool) => [tool.name, tool.unboundParameters.required.includes('agent_id')]))).toEqual({
      memtrace_remember: true,
      memtrace_recall: true,
      memtrace_search: false,
      memtrace_decide: true,
    });
  });

  it.each([...MEMORY_TOOL_NAMES])('%s: runMemoryTool refuses a call missing any field the schema requires, before any request', async (name) => {
    const required = byName[name].parameters.required;
    const complete = Object.fromEntries(required.map((field) => [field, `a ${field}`]));
    for (const field of required) {
      const api = recordingClient();
      const { [field]: _left, ...args } = complete;
      expect(await runMemoryTool(api.client, { agentId: 'bot' }, name, args)).toEqual({ isError: true, content: JSON.stringify({ error: `'${field}' is required` }) });
      expect(api.sent).toEqual([]);
    }
    const api = recordingClient();
    expect((await runMemoryTool(api.client, { agentId: 'bot' }, name, complete)).isError).toBe(false);
    expect(api.sent).toHaveLength(1);
  });

  it("runMemoryTool applies the schemas' defaults for recall and caps the limit at the schema's maximum", async () => {
    const recall = byName.memtrace_recall.parameters.properties as Record<string, { default?: unknown; maximum?: number }>;
    expect(recall.limit.maximum).toBe(MAX_TOOL_LIMIT);
    const api = recordingClient();
    await runMemoryTool(api.client, { agentId: 'bot', sessionId: 'sess_1' }, 'memtrace_recall', {});
    await runMemoryTool(api.client, { agentId: 'bot' }, 'memtrace_search', { limit: 10_000, agent_id: 'other' });
    const [recalled, searched] = api.sent;
    const query = new URL(recalled.path, 'http://x').searchParams;
    expect({ since: query.get('since'), limit: Number(query.get('limit')), session: query.get('session_id'), agent: query.get('agent_id') }).toEqual({
      since: recall.since.default,
      limit: recall.limit.default,
      session: 'sess_1',
      agent: 'bot',
    });
    expect(searched.body).toMatchObject({ agent_id: 'other', limit: MAX_TOOL_LIMIT });
  });

  it("the remember schema's memory_type and event_type defaults are the server's (episodic, general)", () => {
    const remember = byName.memtrace_remember.parameters.properties as Record<string, { default?: unknown; enum?: unknown }>;
    expect(remember.memory_type).toMatchObject({ default: 'episodic', enum: ['episodic', 'decision', 'entity', 'session'] });
    expect(remember.event_type.default).toBe('general');
  });
});
