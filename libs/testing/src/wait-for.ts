/**
 * Polls `check` every `intervalMs` until it returns true; throws `timed out waiting for <what>`
 * once `timeoutMs` has passed without it. The timeout is a liveness bound, not a timing claim.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
