// Runs the double as a separate process on loopback, the way integration tests use Arc, and drives
// faults and stats through the control port. Build first: npx swc apps libs generated -d dist
import { spawnDouble } from '../double-process';
import type { ArcDoubleHandle, ArcDoubleOptions } from './arc-double.types';
import { ControlClient } from './http/control.client';

export interface SpawnArcDoubleOptions extends ArcDoubleOptions {
  /** Path of the compiled main.js; found under <repo>/dist by default. */
  entry?: string;
  /** How long to wait for the "listening" line. Default 20 s. */
  startTimeoutMs?: number;
}

export interface ArcDoubleProcess extends ArcDoubleHandle {
  readonly pid: number;
}

interface ListeningLine {
  event: 'listening';
  port: number;
  controlPort: number;
  url: string;
  controlUrl: string;
}

export async function spawnArcDouble(options: SpawnArcDoubleOptions = {}): Promise<ArcDoubleProcess> {
  const double = await spawnDouble<ListeningLine>({
    name: 'arc double',
    folder: 'arc-double',
    entry: options.entry,
    flags: toFlags(options),
    startTimeoutMs: options.startTimeoutMs,
  });
  const { ready } = double;
  const control = new ControlClient(ready.controlUrl);
  return {
    pid: double.pid,
    url: ready.url,
    controlUrl: ready.controlUrl,
    port: ready.port,
    controlPort: ready.controlPort,
    setFaults: (faults) => control.setFaults(faults),
    stats: () => control.stats(),
    flush: () => control.flush(),
    reset: () => control.reset(),
    stop: () => double.stop(),
  };
}

function toFlags(options: SpawnArcDoubleOptions): Array<[string, string | number | boolean | undefined]> {
  return [
    ['port', options.port ?? 0],
    ['control-port', options.controlPort ?? 0],
    ['host', options.host],
    ['max-buffer-age-ms', options.maxBufferAgeMs],
    ['max-buffer-size', options.maxBufferSize],
    ['max-payload-bytes', options.maxPayloadBytes],
    ['delete-enabled', options.deleteEnabled],
    ['log-level', options.logLevel],
    ['tokens', options.auth ? JSON.stringify(options.auth) : undefined],
  ];
}
