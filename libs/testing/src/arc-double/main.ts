// Stand-alone Arc test double: `node dist/libs/testing/src/arc-double/main.js [--port 0 ...]`.
// Prints one JSON line {"event":"listening",...} on stdout once both ports accept requests;
// logs (if enabled) go to stderr so stdout stays machine-readable.
import { startArcDouble } from './arc-double.server';
import { loadArcDoubleProcessConfig } from './config/arc-double-process.config';

async function main(): Promise<void> {
  const config = loadArcDoubleProcessConfig();
  const double = await startArcDouble(config.options);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    double.stop().then(
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
  const ready = {
    event: 'listening',
    port: double.port,
    controlPort: double.controlPort,
    url: double.url,
    controlUrl: double.controlUrl,
    pid: process.pid,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ event: 'failed', error: (error as Error).message })}\n`);
  process.exit(1);
});
