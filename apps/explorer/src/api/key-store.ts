/**
 * Where the API key lives while the tab is open: `sessionStorage`, and nowhere else. Never in the
 * URL (so not in history, logs or a Referer), never in a cookie (so never sent by the browser on
 * its own), never in `localStorage` (so it is gone when the tab closes).
 */
const STORAGE_KEY = 'memtrace.explorer.apiKey';

export const keyStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null; // storage disabled: the user signs in on every load
    }
  },
  set(key: string): void {
    try {
      sessionStorage.setItem(STORAGE_KEY, key);
    } catch {
      // storage disabled: the key lives only in memory for this page
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // nothing stored
    }
  },
};
