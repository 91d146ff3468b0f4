// Arc rewrites time_bucket() and date_trunc() with second..week units into epoch arithmetic
// before running a query (reference/arc.md §3.2). The results differ from stock DuckDB —
// week buckets start on Thursday, epoch(...)::BIGINT rounds to the nearest second — so the
// double applies the same textual rewrite. Like Arc, it runs on the raw text, before masking.

const UNIT = '(second|seconds|minute|minutes|hour|hours|day|days|week|weeks|month|months)';
const TIME_BUCKET_WITH_ORIGIN = new RegExp(
  String.raw`\btime_bucket\s*\(\s*(?:INTERVAL\s*)?'(\d+)\s*${UNIT}'\s*,\s*([^,]+)\s*,\s*(?:TIMESTAMP\s*)?'([^']+)'\s*\)`,
  'gi',
);
const TIME_BUCKET = new RegExp(String.raw`\btime_bucket\s*\(\s*(?:INTERVAL\s*)?'(\d+)\s*${UNIT}'\s*,\s*([^,)]+)\)`, 'gi');
const DATE_TRUNC = /\bdate_trunc\s*\(\s*'(second|minute|hour|day|week|month)'\s*,\s*([^)]+)\)/gi;

const SECONDS_PER_UNIT: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3_600,
  day: 86_400,
  week: 604_800,
};

export function rewriteTimeFunctions(sql: string): string {
  const lower = sql.toLowerCase();
  let result = sql;
  if (lower.includes('time_bucket')) {
    result = result.replace(TIME_BUCKET_WITH_ORIGIN, (match, amount: string, unit: string, column: string, origin: string) => {
      const seconds = intervalSeconds(amount, unit);
      const originEpoch = parseOrigin(origin);
      if (seconds === 0 || originEpoch === null) return match;
      const col = column.trim();
      return `to_timestamp(${originEpoch} + ((epoch(${col})::BIGINT - ${originEpoch}) // ${seconds}) * ${seconds})`;
    });
    result = result.replace(TIME_BUCKET, (match, amount: string, unit: string, column: string) => {
      const seconds = intervalSeconds(amount, unit);
      return seconds === 0 ? match : bucket(column.trim(), seconds);
    });
  }
  if (lower.includes('date_trunc')) {
    result = result.replace(DATE_TRUNC, (match, unit: string, column: string) => {
      const seconds = intervalSeconds('1', unit);
      return seconds === 0 ? match : bucket(column.trim(), seconds);
    });
  }
  return result;
}

function bucket(column: string, seconds: number): string {
  return `to_timestamp((epoch(${column})::BIGINT // ${seconds}) * ${seconds})`;
}

/** Months have no fixed length: 0 tells the caller to leave the call to DuckDB. */
function intervalSeconds(amount: string, unit: string): number {
  const perUnit = SECONDS_PER_UNIT[unit.toLowerCase().replace(/s$/, '')];
  return perUnit === undefined ? 0 : Number(amount) * perUnit;
}

/** The origin formats Arc's parser accepts, read as UTC; null when Arc would give up. */
function parseOrigin(origin: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(origin);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
}
