// Public face of the Arc test double (reference/arc.md §8).
export { startArcDouble } from './arc-double.server';
export { spawnArcDouble } from './arc-double.process';
export type { ArcDoubleProcess, SpawnArcDoubleOptions } from './arc-double.process';
export { ControlClient } from './http/control.client';
export type {
  ArcDoubleFaults,
  ArcDoubleHandle,
  ArcDoubleOptions,
  ArcDoubleStats,
  ArcMeasurementRows,
  ArcPermission,
  ArcRouteCounters,
  ArcTokenTable,
} from './arc-double.types';
