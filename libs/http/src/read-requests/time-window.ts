import { AppError, parseTimeUs } from '@memtrace/contracts';

const US_PER_MINUTE = 60_000_000;
const US_PER_HOUR = 60 * US_PER_MINUTE;
const US_PER_DAY = 24 * US_PER_HOUR;

/** Upstream's generic cap, checked before the unit (which makes its 525600-minute check dead code). */
const MAX_RELATIVE_VALUE = 8760;
const MAX_DAYS = 365;

const RANGE_TEXT = 'h: 1-8760, d: 1-365, m (minutes): 1-8760';

/** The default window of the context endpoints and of `GET /agents/:id/memories`. */
export const DEFAULT_WINDOW = '24h';

/**
 * Upstream's `ParseRelativeTime`: `<int><unit>` with unit `h`, `d` or `m` (minutes), the integer read
 * as Go's `strconv.Atoi` reads it (a leading `+` and leading zeros pass; zero, negatives and
 * whitespace fail). Returns the duration in µs, or undefined when the text is not a valid window.
 */
export function parseRelativeWindowUs(text: string): number | undefined {
  const match = /^([+-]?\d+)([hdm])$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isSafeInteger(value) || value <= 0 || value > MAX_RELATIVE_VALUE) return undefined;
  switch (match[2]) {
    case 'h':
      return value * US_PER_HOUR;
    case 'd':
      return value > MAX_DAYS ? undefined : value * US_PER_DAY;
    default:
      return value * US_PER_MINUTE;
  }
}

/**
 * An absolute timestamp as list/search accept it. Upstream spliced the value into SQL, so anything
 * DuckDB casts to a timestamp worked there; we accept the forms clients actually send: RFC 3339,
 * the same with a space instead of `T`, without a zone (read as UTC, as Arc's naive TIMESTAMP
 * column was; Python's `datetime.isoformat()` gives this), and a bare date (midnight UTC).
 *
 * µs since the epoch are safe integers only from 1684 to 2255, so values beyond are clamped to
 * that range: `until=9999-12-31` (a common "no upper bound") still means "everything", and
 * `since=0001-01-01` "from the beginning", instead of a bound the store cannot take.
 */
export function parseAbsoluteTimeUs(text: string): number | undefined {
  let normalised = text;
  if (/^\d{4}-\d{2}-\d{2}$/.test(normalised)) normalised += 'T00:00:00';
  normalised = normalised.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(normalised)) normalised += 'Z';
  const us = parseTimeUs(normalised);
  return us === undefined ? undefined : Math.min(Math.max(us, Number.MIN_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
}

/**
 * `since` on list, search, the memory lists and context: `time > now − X` for a relative window,
 * `time > t` for a timestamp, no bound when empty. Anything else is a 400 (upstream sent it to Arc
 * and answered 500, and context silently used 24h; upstream's docs promised "relative or ISO8601").
 */
export function resolveSinceUs(text: string, nowUs: number): number | undefined {
  return resolveBound('since', text, nowUs);
}

/** `until`: as `since` but `time < now − X`; `now` or empty means no upper bound. */
export function resolveUntilUs(text: string, nowUs: number): number | undefined {
  if (text === 'now') return undefined;
  return resolveBound('until', text, nowUs);
}

/** Why a `since`/`until` value is refused, or undefined when it is fine ('' and `until=now` are fine). */
export type TimeBoundProblem = 'out-of-range' | 'unreadable';

export function timeBoundProblem(text: string, allowNow: boolean): TimeBoundProblem | undefined {
  if (text === '' || (allowNow && text === 'now')) return undefined;
  if (parseRelativeWindowUs(text) !== undefined || parseAbsoluteTimeUs(text) !== undefined) return undefined;
  return /^[+-]?\d+[hdm]$/.test(text) ? 'out-of-range' : 'unreadable';
}

/** The 400 of a refused value, named after its parameter. */
export function timeBoundError(field: string, text: string, problem: TimeBoundProblem): { message: string; hint?: string } {
  if (problem === 'out-of-range') return { message: `invalid ${field}: ${text} is out of range (${RANGE_TEXT})` };
  return { message: `invalid ${field}: '${clip(text)}' is neither a relative window nor an RFC 3339 timestamp`, hint: TIME_BOUND_HINT };
}

export const TIME_BOUND_HINT = 'use e.g. 30m, 2h or 7d, or a timestamp like 2026-02-08T12:00:00Z';

function resolveBound(field: 'since' | 'until', text: string, nowUs: number): number | undefined {
  if (text === '') return undefined;
  const windowUs = parseRelativeWindowUs(text);
  if (windowUs !== undefined) return nowUs - windowUs;
  const absoluteUs = parseAbsoluteTimeUs(text);
  if (absoluteUs !== undefined) return absoluteUs;
  const { message, hint } = timeBoundError(field, text, timeBoundProblem(text, false) ?? 'unreadable');
  throw new AppError('bad_request', message, hint);
}

/** Echoing a 4 KiB value back in an error helps nobody. */
function clip(text: string): string {
  const chars = Array.from(text.slice(0, 130));
  return chars.length > 64 ? `${chars.slice(0, 64).join('')}...` : chars.join('');
}
