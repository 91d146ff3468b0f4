import { AppError } from './error-codes';
import { z } from 'zod';

/** Validates a request body (or query) with a zod schema; every problem is named in one 400. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  throw new AppError('bad_request', `invalid ${what}: ${problems.join('; ')}`);
}
