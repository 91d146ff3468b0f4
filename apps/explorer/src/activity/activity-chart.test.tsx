import type { AgentActivity } from '@memtrace/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { mount, press } from '../test/render';
import { ActivityChart, describeBucket, typeOrder } from './activity-chart';

const ACTIVITY: AgentActivity = {
  agent_id: 'sdr-7',
  since: '2026-02-08T09:00:00Z',
  until: '2026-02-08T12:00:00Z',
  bucket: '1h',
  bucket_seconds: 3600,
  memory_types: ['decision', 'episodic', 'custom'],
  buckets: [
    { start: '2026-02-08T09:00:00Z', counts: { episodic: 3, decision: 1 }, total: 4, errors: 2 },
    { start: '2026-02-08T10:00:00Z', counts: {}, total: 0, errors: 0 },
    { start: '2026-02-08T11:00:00Z', counts: { decision: 2, custom: 1 }, total: 3, errors: 0 },
  ],
  total: 7,
  errors: 2,
};

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

function chart() {
  const mounted = mount(<ActivityChart activity={ACTIVITY} />);
  cleanup = mounted.cleanup;
  return mounted.root;
}

describe('ActivityChart', () => {
  it('draws one bar per bucket and type with its count, stacked, known types first', () => {
    const root = chart();
    const bars = [...root.querySelectorAll('g.bucket')].map((g) => ({
      start: g.getAttribute('data-bucket'),
      total: Number(g.getAttribute('data-total')),
      bars: [...g.querySelectorAll('rect.bar')].map((r) => [r.getAttribute('data-type'), Number(r.getAttribute('data-count'))]),
    }));
    expect(bars).toEqual([
      { start: '2026-02-08T09:00:00Z', total: 4, bars: [['episodic', 3], ['decision', 1]] },
      { start: '2026-02-08T10:00:00Z', total: 0, bars: [] },
      { start: '2026-02-08T11:00:00Z', total: 3, bars: [['decision', 2], ['custom', 1]] },
    ]);
    const [episodic, decision] = [...root.querySelectorAll('g.bucket')[0].querySelectorAll('rect.bar')];
    // Stacked: the second bar sits on top of the first.
    expect(Number(decision.getAttribute('y')) + Number(decision.getAttribute('height'))).toBeCloseTo(Number(episodic.getAttribute('y')));
    expect(decision.getAttribute('class')).toBe('bar type-decision');
    expect(root.querySelector('rect[data-type=custom]')?.getAttribute('class')).toBe('bar type-other');
  });

  it('marks the buckets with errors, and only those', () => {
    const root = chart();
    const marked = [...root.querySelectorAll('g.bucket')].filter((g) => g.querySelector('.error-marker')).map((g) => g.getAttribute('data-errors'));
    expect(marked).toEqual(['2']);
    expect(root.querySelectorAll('.error-bar')).toHaveLength(1);
    expect(root.querySelector('figcaption')?.textContent).toContain('7 memories, 2 errors');
  });

  it('gives the same numbers as a table and reads each bucket out with ← and →', () => {
    const root = chart();
    const rows = [...root.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['2026-02-08 09:00:00.000 UTC', '3', '1', '0', '4', '2'],
      ['2026-02-08 11:00:00.000 UTC', '0', '2', '1', '3', '0'],
    ]);
    const frame = root.querySelector('.chart-frame') as HTMLElement;
    expect(frame.getAttribute('tabindex')).toBe('0');
    press(frame, 'ArrowRight');
    expect(root.querySelector('#chart-readout')?.textContent).toBe('2026-02-08 09:00:00.000 UTC: 3 episodic, 1 decision; 2 errors');
    press(frame, 'ArrowRight');
    expect(root.querySelector('#chart-readout')?.textContent).toBe('2026-02-08 10:00:00.000 UTC: no memories');
    press(frame, 'End');
    expect(root.querySelector('g.bucket.focused')?.getAttribute('data-bucket')).toBe('2026-02-08T11:00:00Z');
  });

  it('orders and describes types', () => {
    expect(typeOrder(['zeta', 'session', 'episodic'])).toEqual(['episodic', 'session', 'zeta']);
    expect(describeBucket({ start: '', counts: { episodic: 1 }, total: 1, errors: 1 }, ['episodic'])).toBe('1 episodic; 1 error');
  });
});
