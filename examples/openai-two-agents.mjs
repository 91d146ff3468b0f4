// Two OpenAI agents sharing memory through Memtrace: a researcher stores its findings, and a writer
// reads the researcher's memories (the tools' `agent_id` override) in the same session.
//
//   npm install @memtrace/sdk openai
//   MEMTRACE_URL=http://localhost:9100 MEMTRACE_API_KEY=mtk_… OPENAI_API_KEY=sk-… node openai-two-agents.mjs
//
// OPENAI_BASE_URL and OPENAI_MODEL (default gpt-4o-mini) are optional.
import OpenAI from 'openai';
import { ConflictError, Memtrace } from '@memtrace/sdk';
import { handleToolCalls, openaiTools } from '@memtrace/sdk/openai';

const memtrace = new Memtrace(process.env.MEMTRACE_URL ?? 'http://localhost:9100', process.env.MEMTRACE_API_KEY);
const openai = new OpenAI(); // reads OPENAI_API_KEY and OPENAI_BASE_URL
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';

/** Registers an agent, or fetches it when the name is taken (a later run). */
async function agentNamed(name, description) {
  try {
    return await memtrace.registerAgent({ name, description });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return memtrace.getAgent(name);
  }
}

/** One agent's turn: the tool loop until the model answers in text. */
async function run(agent, sessionId, system, task) {
  const messages = [{ role: 'system', content: system }, { role: 'user', content: task }];
  for (let round = 0; round < 10; round++) {
    const { message } = (await openai.chat.completions.create({ model, messages, tools: openaiTools() })).choices[0];
    messages.push(message);
    if (!message.tool_calls?.length) return message.content;
    for (const call of message.tool_calls) console.log(`${agent.name} → ${call.function.name} ${call.function.arguments}`);
    messages.push(...(await handleToolCalls(memtrace, { agentId: agent.id, sessionId }, message, { unknownTools: 'error' })));
  }
  return '(no answer after 10 rounds)';
}

const researcher = await agentNamed('researcher', 'Finds facts and remembers them');
const writer = await agentNamed('writer', "Writes summaries from the researcher's findings");
const session = await memtrace.createSession({ agent_id: researcher.id, metadata: { project: 'ocean-report' } });
console.log(`researcher ${researcher.id}, writer ${writer.id}, shared session ${session.id}`);

try {
  const findings = await run(
    researcher,
    session.id,
    'You are a researcher. Store each finding with memtrace_remember, one fact per memory.',
    'Research three facts about the deep ocean.',
  );
  console.log(`researcher: ${findings}`);

  const summary = await run(
    writer,
    session.id,
    `You are a writer. The researcher's agent id is ${researcher.id}: read its findings with memtrace_recall ` +
      `(agent_id "${researcher.id}"), then record your editorial choice with memtrace_decide.`,
    'Write a two-sentence summary of the research.',
  );
  console.log(`writer: ${summary}`);
} finally {
  await memtrace.closeSession(session.id);
}
