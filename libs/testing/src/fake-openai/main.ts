// Stand-alone fake OpenAI server: `node dist/libs/testing/src/fake-openai/main.js [--port 4010]`,
// then point clients at OPENAI_BASE_URL=<baseURL>. Prints one JSON line {"event":"listening",...}
// on stdout once it accepts requests, so a parent process can wait for it.
import { loadFakeOpenAIProcessConfig } from './config/fake-openai-process.config';
import { startFakeOpenAI } from './fake-openai.server';

async function main(): Promise<void> {
  const config = loadFakeOpenAIProcessConfig();
  const fake = await startFakeOpenAI(config.options);
  const shutdown = () => {
    fake.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  if (config.exitOnStdinEnd) {
    process.stdin.on('end', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }
  const ready = { event: 'listening', port: fake.port, url: fake.url, baseURL: fake.baseURL, pid: process.pid };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ event: 'failed', error: (error as Error).message })}\n`);
  process.exit(1);
});
