// Automatic memory for an OpenAI client: withMemory() records every exchange in Memtrace and puts
// what the persona remembers about the user into the system prompt. Two personas × two users,
// each pair with its own memory: nobody sees another pair's conversation.
//
//   npm install @memtrace/sdk openai
//   MEMTRACE_URL=http://localhost:9100 MEMTRACE_API_KEY=mtk_… OPENAI_API_KEY=sk-… node with-memory.mjs
//
// OPENAI_BASE_URL and OPENAI_MODEL (default gpt-4o-mini) are optional.
import OpenAI from 'openai';
import { Memtrace } from '@memtrace/sdk';
import { withMemory } from '@memtrace/sdk/openai';

const memtrace = new Memtrace(process.env.MEMTRACE_URL ?? 'http://localhost:9100', process.env.MEMTRACE_API_KEY);
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';

// The persona is a Memtrace agent (registered on first use); the user is whoever you are talking to.
const tutor = withMemory(new OpenAI(), memtrace, { agent: 'tutor', user: 'ada' });
const pairs = [
  [tutor, 'I am learning Spanish and keep mixing up ser and estar.'],
  [tutor.memory.forUser('bob'), 'I am studying for a calculus exam on Friday.'],
  [tutor.memory.forAgent('chef'), 'I am allergic to peanuts.'],
  [tutor.memory.forAgent('chef').memory.forUser('bob'), 'I only cook vegetarian food.'],
];

async function ask(client, content) {
  const reply = await client.chat.completions.create({ model, messages: [{ role: 'system', content: `You are a friendly ${client.memory.agent}.` }, { role: 'user', content }] });
  console.log(`[${client.memory.agent} ↔ ${client.memory.user}] ${content}\n  → ${reply.choices[0].message.content}`);
}

// First conversations: each pair tells its persona something.
for (const [client, fact] of pairs) await ask(client, fact);
await tutor.memory.flush(); // recording runs in the background; wait before asking again

// Later: each persona remembers its own user, and only them.
for (const [client] of pairs) await ask(client, 'What do you remember about me?');
await tutor.memory.flush();
console.log('memory stats:', tutor.memory.stats);
