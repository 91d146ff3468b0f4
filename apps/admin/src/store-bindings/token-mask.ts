/** Upstream's masking: first 4, stars, last 4; short tokens all stars; none shows `(empty)`. */
export function maskToken(token: string | undefined): string {
  if (!token) return '(empty)';
  if (token.length <= 8) return '*'.repeat(token.length);
  return token.slice(0, 4) + '*'.repeat(token.length - 8) + token.slice(-4);
}
