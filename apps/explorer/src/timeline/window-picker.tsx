import { useState } from 'preact/hooks';
import { customWindow, PRESETS, type TimeWindow } from './time-window';

/** 1 h / 24 h / 7 d, or a custom window in UTC. */
export function WindowPicker({ value, onChange }: { value: TimeWindow; onChange: (window: TimeWindow) => void }) {
  const [custom, setCustom] = useState(value.preset === 'custom');
  const [from, setFrom] = useState(value.preset === 'custom' ? value.since.slice(0, 16) : '');
  const [to, setTo] = useState(value.preset === 'custom' && value.until ? value.until.slice(0, 16) : '');
  const [error, setError] = useState<string | undefined>();

  return (
    <fieldset class="window-picker">
      <legend>Time window</legend>
      <div class="segmented">
        {PRESETS.map(({ preset, label }) => (
          <button
            key={preset}
            type="button"
            aria-pressed={!custom && value.preset === preset}
            onClick={() => {
              setCustom(false);
              setError(undefined);
              onChange({ preset, since: preset });
            }}
          >
            {label}
          </button>
        ))}
        <button type="button" aria-pressed={custom} onClick={() => setCustom(true)}>
          Custom
        </button>
      </div>
      {custom && (
        <form
          class="custom-window"
          onSubmit={(event) => {
            event.preventDefault();
            const chosen = customWindow(from, to);
            if (typeof chosen === 'string') return setError(chosen);
            setError(undefined);
            onChange(chosen);
          }}
        >
          <label for="window-from">From (UTC)</label>
          <input id="window-from" type="datetime-local" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} required />
          <label for="window-to">To (UTC, empty for now)</label>
          <input id="window-to" type="datetime-local" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit">Apply window</button>
          {error && (
            <span class="error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </fieldset>
  );
}
