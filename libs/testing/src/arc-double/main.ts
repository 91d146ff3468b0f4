// Stand-alone Arc test double: `node dist/libs/testing/src/arc-double/main.js [--port 0 ...]`.
// Prints {"event":"listening",...} on stdout once both ports accept requests.
import { runDouble } from '../double-main';
import { startArcDouble } from './arc-double.server';
import { loadArcDoubleProcessConfig } from './config/arc-double-process.config';

runDouble(async () => {
  const config = loadArcDoubleProcessConfig();
  const double = await startArcDouble(config.options);
  const { port, controlPort, url, controlUrl } = double;
  return { ready: { port, controlPort, url, controlUrl }, stop: () => double.stop(), exitOnStdinEnd: config.exitOnStdinEnd };
});
