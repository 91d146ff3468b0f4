// Stand-alone fake OpenAI server: `node dist/libs/testing/src/fake-openai/main.js [--port 4010]`,
// then point clients at OPENAI_BASE_URL=<baseURL>. Prints {"event":"listening",...} on stdout once
// it accepts requests.
import { runDouble } from '../double-main';
import { loadFakeOpenAIProcessConfig } from './config/fake-openai-process.config';
import { startFakeOpenAI } from './fake-openai.server';

runDouble(async () => {
  const config = loadFakeOpenAIProcessConfig();
  const fake = await startFakeOpenAI(config.options);
  const { port, url, baseURL } = fake;
  return { ready: { port, url, baseURL }, stop: () => fake.stop(), exitOnStdinEnd: config.exitOnStdinEnd };
});
