import { useState } from 'preact/hooks';
import { applyTheme, nextTheme, storedTheme, ThemeChoice } from './theme';

const LABELS: Record<ThemeChoice, string> = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <button
      type="button"
      class="theme-toggle"
      title="Switch between the system's colours, dark and light"
      onClick={() => {
        const next = nextTheme(choice);
        applyTheme(next);
        setChoice(next);
      }}
    >
      {LABELS[choice]}
    </button>
  );
}
