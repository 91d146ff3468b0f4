import { ParsedRequestOf, QUERY_REQUEST_SCHEMAS, QueryPattern } from '@memtrace/contracts';

/** A message parsed with its pattern's schema (a failure is the filter's `internal`: a gateway of another version). */
export function parseRequest<P extends QueryPattern>(pattern: P, data: unknown): ParsedRequestOf<P> {
  return QUERY_REQUEST_SCHEMAS[pattern].parse(data) as ParsedRequestOf<P>;
}
