// An OpenAI agent with long-term memory in Memtrace: four memory tools (remember, recall, search,
// decide), and what it remembers from earlier sessions in its system prompt.
//
//   npm install @memtrace/sdk openai
//   MEMTRACE_URL=http://localhost:9100 MEMTRACE_API_KEY=mtk_… OPENAI_API_KEY=sk-… \
//     node openai-single-agent.mjs "Remember that deploys are frozen on Fridays."
//
// OPENAI_BASE_URL and OPENAI_MODEL (default gpt-4o-mini) are optional.
import OpenAI from 'openai';
import { ConflictError, Memtrace } from '@memtrace/sdk';
import { handleToolCalls, openaiTools } from '@memtrace/sdk/openai';

const memtrace = new Memtrace(process.env.MEMTRACE_URL ?? 'http://localhost:9100', process.env.MEMTRACE_API_KEY);
const openai = new OpenAI(); // reads OPENAI_API_KEY and OPENAI_BASE_URL
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';
const task = process.argv[2] ?? 'Remember that deploys are frozen on Fridays, then tell me what you know about deploys.';

// 1. Register the agent; on a later run the name is taken, so fetch it instead.
let agent;
try {
  agent = await memtrace.registerAgent({ name: 'openai-assistant', description: 'An OpenAI model with Memtrace memory' });
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  agent = await memtrace.getAgent('openai-assistant');
}
console.log(`agent ${agent.name} (${agent.id})`);

// 2. One session per conversation: the memories stored during it are filed under it.
const session = await memtrace.createSession({ agent_id: agent.id, metadata: { source: 'openai-single-agent' } });
console.log(`session ${session.id}`);

try {
  // 3. What the agent remembers from its earlier sessions goes into the system prompt.
  const { context, memory_count } = await memtrace.getAgentContext(agent.id, { since: '7d', max_tokens: 2000 });
  console.log(`context: ${memory_count} memories`);
  const system =
    'You are a helpful assistant with long-term memory. Use memtrace_remember for anything worth keeping, ' +
    'memtrace_recall or memtrace_search to look things up, and memtrace_decide to record decisions with their reasoning.' +
    (memory_count > 0 ? `\n\n${context}` : '');

  // 4. The tool loop: send the conversation, run the memory tools the model calls, send the results back.
  const tools = openaiTools();
  const binding = { agentId: agent.id, sessionId: session.id };
  const messages = [{ role: 'system', content: system }, { role: 'user', content: task }];
  for (let round = 0; round < 10; round++) {
    const { message } = (await openai.chat.completions.create({ model, messages, tools })).choices[0];
    messages.push(message);
    if (!message.tool_calls?.length) {
      console.log(`answer: ${message.content}`);
      break;
    }
    for (const call of message.tool_calls) console.log(`tool: ${call.function.name} ${call.function.arguments}`);
    messages.push(...(await handleToolCalls(memtrace, binding, message, { unknownTools: 'error' })));
  }
} finally {
  // 5. Close the session, whatever happened.
  await memtrace.closeSession(session.id);
  console.log(`closed session ${session.id}`);
}
