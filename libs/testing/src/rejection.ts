import { AppError } from '@memtrace/contracts';

/** The status and message `run` rejects with (an `AppError`); fails the test if it accepts or throws anything else. */
export function rejection(run: () => unknown): { status: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}
