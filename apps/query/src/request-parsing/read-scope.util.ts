import { nowUs } from '@memtrace/contracts';
import { ReadScope } from './read-scope.types';

/** The scope of a read served now: the caller's org and the current clock. */
export function readScopeNow(orgId: string): ReadScope {
  return { orgId, nowUs: nowUs() };
}
