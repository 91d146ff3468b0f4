import type { AgentActivity } from '@memtrace/sdk';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { bucketLabel, displayTime } from '../api/time';

const HEIGHT = 240;
const MARGIN = { top: 18, right: 12, bottom: 28, left: 44 };
/** The four memory types first, in a fixed order (so colours stay put), then any other type. */
const KNOWN_TYPES = ['episodic', 'decision', 'entity', 'session'];

export function typeOrder(types: readonly string[]): string[] {
  return [...KNOWN_TYPES.filter((t) => types.includes(t)), ...types.filter((t) => !KNOWN_TYPES.includes(t))];
}

/** A CSS class for a type's colour; unknown types share one. */
export function typeClass(type: string): string {
  return KNOWN_TYPES.includes(type) ? `type-${type}` : 'type-other';
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** `12 episodic, 3 decision; 1 error` */
export function describeBucket(bucket: AgentActivity['buckets'][number], types: readonly string[]): string {
  const parts = types.filter((t) => bucket.counts[t]).map((t) => `${bucket.counts[t]} ${t}`);
  const counts = parts.length > 0 ? parts.join(', ') : 'no memories';
  return bucket.errors > 0 ? `${counts}; ${plural(bucket.errors, 'error', 'errors')}` : counts;
}

/**
 * Memories per bucket, stacked by memory type, errors marked in red: drawn as plain SVG, one
 * `<rect>` per (bucket, type) with its count as data, so it needs no canvas, no library and no
 * inline style (the CSP allows none), reads with a screen reader (a summary, a readout of the
 * focused bucket and the same numbers as a table) and is checked by the tests bar by bar.
 * ←/→ (Home/End) move through the buckets.
 */
export function ActivityChart({ activity }: { activity: AgentActivity }) {
  const frame = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(760);
  const [focused, setFocused] = useState<number | null>(null);

  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => element.clientWidth > 0 && setWidth(element.clientWidth);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { buckets } = activity;
  const types = typeOrder(activity.memory_types);
  const plotWidth = Math.max(40, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const slot = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(1, slot * 0.8);
  const y = (value: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const spansDays = buckets.length > 0 && buckets[0].start.slice(0, 10) !== buckets[buckets.length - 1].start.slice(0, 10);
  const labelEvery = Math.max(1, Math.ceil(buckets.length / Math.max(2, Math.floor(plotWidth / 90))));
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  const selected = focused === null ? null : buckets[focused];

  function onKeyDown(event: KeyboardEvent) {
    if (buckets.length === 0) return;
    const at = focused ?? -1;
    const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at < 0 ? buckets.length - 1 : at - 1, Home: 0, End: buckets.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    setFocused(Math.max(0, Math.min(buckets.length - 1, moves[event.key])));
  }

  return (
    <figure class="chart">
      <figcaption id="chart-caption">
        Memories per {activity.bucket} by type, {displayTime(activity.since)} to {displayTime(activity.until)}: {plural(activity.total, 'memory', 'memories')},{' '}
        {plural(activity.errors, 'error', 'errors')}
      </figcaption>
      <ul class="legend" aria-label="Legend">
        {types.map((t) => (
          <li key={t}>
            <span class={`swatch ${typeClass(t)}`} aria-hidden="true" />
            {t}
          </li>
        ))}
        <li>
          <span class="swatch errors" aria-hidden="true" />
          errors
        </li>
      </ul>
      <div ref={frame} class="chart-frame" tabIndex={0} role="group" aria-labelledby="chart-caption" aria-describedby="chart-readout" onKeyDown={onKeyDown}>
        <svg width={width} height={HEIGHT} aria-hidden="true" focusable="false">
          {ticks.map((tick) => (
            <g key={`t${tick}`} class="tick">
              <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(tick)} y2={y(tick)} />
              <text x={MARGIN.left - 6} y={y(tick) + 4} text-anchor="end">
                {tick}
              </text>
            </g>
          ))}
          {buckets.map((bucket, i) => {
            const x = MARGIN.left + i * slot + (slot - barWidth) / 2;
            let base = 0;
            return (
              <g key={bucket.start} class={i === focused ? 'bucket focused' : 'bucket'} data-bucket={bucket.start} data-total={bucket.total} data-errors={bucket.errors}>
                <title>{`${displayTime(bucket.start)}: ${describeBucket(bucket, types)}`}</title>
                <rect class="hit" x={MARGIN.left + i * slot} y={MARGIN.top} width={slot} height={plotHeight} />
                {types.map((type) => {
                  const count = bucket.counts[type] ?? 0;
                  if (count === 0) return null;
                  const top = y(base + count);
                  const rect = <rect key={type} class={`bar ${typeClass(type)}`} data-type={type} data-count={count} x={x} y={top} width={barWidth} height={y(base) - top} />;
                  base += count;
                  return rect;
                })}
                {bucket.errors > 0 && (
                  <>
                    <rect class="error-bar" x={x + barWidth * 0.3} y={Math.min(y(bucket.errors), y(0) - 2)} width={Math.max(1, barWidth * 0.4)} height={Math.max(2, y(0) - y(bucket.errors))} />
                    <path class="error-marker" d={`M${x + barWidth / 2} ${y(bucket.total) - 3} l-4 -7 h8 z`} />
                  </>
                )}
              </g>
            );
          })}
          {buckets.map((bucket, i) =>
            i % labelEvery === 0 ? (
              <text key={`l${bucket.start}`} class="axis-label" x={MARGIN.left + i * slot + slot / 2} y={HEIGHT - 8} text-anchor="middle">
                {bucketLabel(bucket.start, activity.bucket_seconds, spansDays)}
              </text>
            ) : null,
          )}
        </svg>
      </div>
      <p id="chart-readout" class="readout" aria-live="polite">
        {selected ? `${displayTime(selected.start)}: ${describeBucket(selected, types)}` : 'Focus the chart and use ← and → to read each bucket.'}
      </p>
      <details class="chart-table">
        <summary>The counts as a table</summary>
        <table>
          <caption>Non-empty buckets of {activity.bucket}</caption>
          <thead>
            <tr>
              <th scope="col">Bucket start (UTC)</th>
              {types.map((t) => (
                <th key={t} scope="col">
                  {t}
                </th>
              ))}
              <th scope="col">total</th>
              <th scope="col">errors</th>
            </tr>
          </thead>
          <tbody>
            {buckets
              .filter((b) => b.total > 0)
              .map((bucket) => (
                <tr key={bucket.start} data-bucket={bucket.start}>
                  <th scope="row">{displayTime(bucket.start)}</th>
                  {types.map((t) => (
                    <td key={t}>{bucket.counts[t] ?? 0}</td>
                  ))}
                  <td>{bucket.total}</td>
                  <td class={bucket.errors > 0 ? 'has-errors' : undefined}>{bucket.errors}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
