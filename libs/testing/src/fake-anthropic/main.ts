// Stand-alone fake Anthropic API: `node dist/libs/testing/src/fake-anthropic/main.js [--port 0]`.
// Prints one JSON line {"event":"listening","url":…} on stdout once it accepts requests; point the
// Anthropic client at that url (ANTHROPIC_BASE_URL) and script it through <url>/_control.
import { loadFakeAnthropicProcessConfig } from './config/fake-anthropic-process.config';
import { startFakeAnthropic } from './fake-anthropic.server';

async function main(): Promise<void> {
  const config = loadFakeAnthropicProcessConfig();
  const fake = await startFakeAnthropic(config.options);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
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
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: fake.port, url: fake.url, pid: process.pid })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ event: 'failed', error: (error as Error).message })}\n`);
  process.exit(1);
});
