/**
 * What every read mapper needs besides the request: the caller's org (from the API key, never from
 * the request) and the clock, passed in so that time windows resolve deterministically in tests.
 */
export interface ReadScope {
  orgId: string;
  /** Now, µs since the epoch (`nowUs()` from contracts in production). */
  nowUs: number;
}
