// A Claude agent with long-term memory in Memtrace: it can remember, recall, search and record
// decisions through four tools, and starts each conversation with what it remembers.
//
//   npm install @memtrace/sdk @anthropic-ai/sdk
//   MEMTRACE_URL=http://localhost:9100 MEMTRACE_API_KEY=mtk_… ANTHROPIC_API_KEY=sk-ant-… \
//     node anthropic-memory-loop.mjs "What did we decide about the Friday deploys?"
//
// ANTHROPIC_BASE_URL and ANTHROPIC_MODEL are optional.
import Anthropic from '@anthropic-ai/sdk';
import { ConflictError, Memtrace } from '@memtrace/sdk';
import { anthropicTools, handleToolUse } from '@memtrace/sdk/anthropic';

const memtrace = new Memtrace(process.env.MEMTRACE_URL ?? 'http://localhost:9100', process.env.MEMTRACE_API_KEY);
const anthropic = new Anthropic(); // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
const model = process.env.ANTHROPIC_MODEL ?? 'claude-sonnet-5-5';
const question = process.argv[2] ?? 'What do you remember about our deploys?';

// 1. Register the agent; on a later run the name is taken, so fetch it instead.
let agent;
try {
  agent = await memtrace.registerAgent({ name: 'claude-assistant', description: 'Claude with Memtrace memory' });
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  agent = await memtrace.getAgent('claude-assistant');
}

// 2. One session per conversation: the memories stored during it are filed under it.
const session = await memtrace.createSession({ agent_id: agent.id, metadata: { source: 'anthropic-memory-loop' } });

try {
  // 3. What the agent remembers from its earlier sessions goes into the system prompt.
  const { context } = await memtrace.getAgentContext(agent.id, { since: '7d', max_tokens: 2000 });
  const system =
    'You are a helpful assistant with long-term memory. Use memtrace_remember for anything worth ' +
    'keeping, memtrace_recall or memtrace_search to look things up, and memtrace_decide to record ' +
    `decisions with their reasoning.\n\n${context}`;

  // 4. The tool loop: send the conversation, run the memory tools Claude calls, send the results back.
  const tools = anthropicTools();
  const binding = { agentId: agent.id, sessionId: session.id };
  const messages = [{ role: 'user', content: question }];
  let reply;
  for (let round = 0; round < 10; round++) {
    reply = await anthropic.messages.create({ model, max_tokens: 1024, system, tools, messages });
    if (reply.stop_reason !== 'tool_use') break;
    messages.push({ role: 'assistant', content: reply.content });
    messages.push({ role: 'user', content: await handleToolUse(memtrace, binding, reply.content, { unknownTools: 'error' }) });
  }
  console.log(reply.content.filter((block) => block.type === 'text').map((block) => block.text).join('\n'));
} finally {
  // 5. Close the session, whatever happened.
  await memtrace.closeSession(session.id);
}
