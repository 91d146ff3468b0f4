/**
 * Light or dark: the system's `prefers-color-scheme` unless the user picked one with the toggle
 * (kept in localStorage: a preference, not a secret). CSS reads `data-theme` on <html>.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'memtrace.explorer.theme';
const ORDER: ThemeChoice[] = ['system', 'dark', 'light'];

export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // not kept: the choice lasts for this page
  }
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length];
}
