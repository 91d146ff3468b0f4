// Stand-alone fake Anthropic API: `node dist/libs/testing/src/fake-anthropic/main.js [--port 0]`.
// Prints {"event":"listening","url":…} on stdout once it accepts requests; point the Anthropic
// client at that url (ANTHROPIC_BASE_URL) and script it through <url>/_control.
import { runDouble } from '../double-main';
import { loadFakeAnthropicProcessConfig } from './config/fake-anthropic-process.config';
import { startFakeAnthropic } from './fake-anthropic.server';

runDouble(async () => {
  const config = loadFakeAnthropicProcessConfig();
  const fake = await startFakeAnthropic(config.options);
  const { port, url } = fake;
  return { ready: { port, url }, stop: () => fake.stop(), exitOnStdinEnd: config.exitOnStdinEnd };
});
