// An OpenAI Agents SDK agent with long-term memory in Memtrace. Two turns in one session, then a
// third in a new session: the agent still knows what it learned, because the new session starts
// with the agent's memories from its earlier sessions.
//
//   npm install @memtrace/sdk @openai/agents openai
//   MEMTRACE_URL=http://localhost:9100 MEMTRACE_API_KEY=mtk_… OPENAI_API_KEY=sk-… node agents-sdk.mjs
//
// OPENAI_BASE_URL and OPENAI_MODEL are optional.
import { Agent, run, setDefaultOpenAIClient } from '@openai/agents';
import OpenAI from 'openai';
import { ConflictError, Memtrace } from '@memtrace/sdk';
import { createMemtraceTools, MemtraceSession } from '@memtrace/sdk/agents';

const memtrace = new Memtrace(process.env.MEMTRACE_URL ?? 'http://localhost:9100', process.env.MEMTRACE_API_KEY);
setDefaultOpenAIClient(new OpenAI()); // reads OPENAI_API_KEY and OPENAI_BASE_URL
const model = process.env.OPENAI_MODEL ?? 'gpt-5.4-mini';

// 1. Register the agent; on a later run the name is taken, so fetch it instead.
let agent;
try {
  agent = await memtrace.registerAgent({ name: 'agents-sdk-assistant', description: 'Agents SDK with Memtrace memory' });
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  agent = await memtrace.getAgent('agents-sdk-assistant');
}

// 2. One Memtrace session per conversation. It stores the messages as memories and starts with
//    what the agent remembers from its earlier sessions. The tools file memories under it.
async function conversation(questions) {
  const session = await MemtraceSession.create(memtrace, { agentId: agent.id, persistAssistantMessages: true });
  const assistant = new Agent({
    name: 'Assistant',
    model,
    instructions:
      'You are a helpful assistant with long-term memory. Use memtrace_remember for anything worth ' +
      'keeping about the user, and memtrace_recall or memtrace_search to look things up.',
    tools: createMemtraceTools(memtrace, { agentId: agent.id, sessionId: session.sessionId }),
  });
  try {
    for (const question of questions) {
      const result = await run(assistant, question, { session });
      console.log(`[${session.sessionId}] > ${question}\n${result.finalOutput}\n`);
    }
  } finally {
    await session.close();
  }
}

await conversation(["Hi, I'm Ada. Please remember that I drink tea, never coffee.", 'What should you bring me in the morning?']);
await conversation(['Do you remember what I drink?']);
