import type { ActivityBucketSize } from '@memtrace/sdk';

export type WindowPreset = '1h' | '24h' | '7d' | 'custom';

/** A window as the API takes it: `since` a relative window or a timestamp, `until` absent for now. */
export interface TimeWindow {
  preset: WindowPreset;
  since: string;
  until?: string;
}

export const PRESETS: ReadonlyArray<{ preset: Exclude<WindowPreset, 'custom'>; label: string }> = [
  { preset: '1h', label: 'Last hour' },
  { preset: '24h', label: 'Last 24 hours' },
  { preset: '7d', label: 'Last 7 days' },
];

export function presetWindow(preset: Exclude<WindowPreset, 'custom'>): TimeWindow {
  return { preset, since: preset };
}

/**
 * A custom window from two `datetime-local` values, read as UTC (the explorer shows UTC
 * throughout). Returns an error message instead when they do not make a window.
 */
export function customWindow(from: string, to: string): TimeWindow | string {
  const since = localToUtc(from);
  const until = to ? localToUtc(to) : undefined;
  if (!since) return 'Choose a start time.';
  if (to && !until) return 'The end time is not a time.';
  if (until && Date.parse(until) <= Date.parse(since)) return 'The end must be after the start.';
  return { preset: 'custom', since, until };
}

/** `2026-02-08T12:30` (a datetime-local value) as `2026-02-08T12:30:00Z`; undefined if it is not one. */
function localToUtc(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!match) return undefined;
  const text = `${match[1]}T${match[2]}${match[3] ?? ':00'}Z`;
  return Number.isNaN(Date.parse(text)) ? undefined : text;
}

const BUCKET_SECONDS: Record<ActivityBucketSize, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3_600, '6h': 21_600, '1d': 86_400 };
export const BUCKETS = Object.keys(BUCKET_SECONDS) as ActivityBucketSize[];

/** The chart's bucket for a window: per minute for an hour, hourly for a day or a week, else at most ~200 bars. */
export function defaultBucket(window: TimeWindow, nowMs = Date.now()): ActivityBucketSize {
  if (window.preset === '1h') return '1m';
  if (window.preset === '24h' || window.preset === '7d') return '1h';
  const until = window.until ? Date.parse(window.until) : nowMs;
  const seconds = Math.max(60, (until - Date.parse(window.since)) / 1000);
  return BUCKETS.find((bucket) => seconds / BUCKET_SECONDS[bucket] <= 200) ?? '1d';
}
