import type { ActivityBucketSize } from '@memtrace/sdk';
import { useState } from 'preact/hooks';
import { useApi } from '../api/api-context';
import { BUCKETS, defaultBucket, type TimeWindow } from '../timeline/time-window';
import { ErrorMessage, Loading } from '../ui/status';
import { useAsync } from '../ui/use-async';
import { ActivityChart } from './activity-chart';

/** `GET /api/v1/agents/:id/activity` for the window, drawn as a chart. */
export function ActivityView({ agentId, range }: { agentId: string; range: TimeWindow }) {
  const api = useApi();
  // A bucket picked by hand holds for its window; a new window starts from its own default.
  const rangeKey = `${range.since} ${range.until ?? ''}`;
  const [picked, setPicked] = useState<{ rangeKey: string; bucket: ActivityBucketSize } | null>(null);
  const bucket = picked?.rangeKey === rangeKey ? picked.bucket : defaultBucket(range);
  const setBucket = (next: ActivityBucketSize) => setPicked({ rangeKey, bucket: next });
  const activity = useAsync(() => api.getAgentActivity(agentId, { since: range.since, until: range.until, bucket }), [api, agentId, range.since, range.until, bucket]);

  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      <div class="inline-form">
        <label for="bucket">Bucket</label>
        <select id="bucket" value={bucket} onChange={(event) => setBucket((event.currentTarget as HTMLSelectElement).value as ActivityBucketSize)}>
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </div>
      {activity.error && <ErrorMessage>{activity.error}</ErrorMessage>}
      {activity.loading && <Loading what="activity" />}
      {activity.data && !activity.loading && <ActivityChart activity={activity.data} />}
    </section>
  );
}
