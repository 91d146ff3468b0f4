import { AppError } from '@memtrace/contracts';

/** Test-only: a fixed clock and read scope for the request parsers' specs. */
export const HOUR = 3_600_000_000;
export const NOW = Date.UTC(2026, 1, 8, 12) * 1000;
export const scope = { orgId: 'org_a', nowUs: NOW };

/** The status and message a parser rejects with; fails the test if it accepts. */
export function rejection(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}
