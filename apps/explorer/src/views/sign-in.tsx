import { useState } from 'preact/hooks';
import { ErrorMessage } from '../ui/status';

/**
 * The key goes from this field to `onSignIn` and, once the server accepts it, to sessionStorage.
 * The form never submits itself (no action, and the CSP's `form-action 'none'`), so the key can
 * never end up in a URL; the field is a password field, so it is not shown or autofilled.
 */
export function SignIn({ onSignIn, notice }: { onSignIn: (key: string) => Promise<void>; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setError('Paste an API key (mtk_…).');
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(trimmed);
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  }

  return (
    <main id="main" tabIndex={-1} class="sign-in">
      <h1>Memtrace explorer</h1>
      <p>Look at what your agents remembered, and when. Sign in with an API key that has the <code>read</code> scope.</p>
      {notice && <p class="notice">{notice}</p>}
      <form method="post" onSubmit={submit} aria-describedby="key-help">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="mtk_…"
          value={key}
          onInput={(event) => setKey((event.currentTarget as HTMLInputElement).value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : undefined}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <p id="key-help" class="help">
        The key is kept in this tab's session storage only: never in the address, a cookie or a log. It is gone when the tab closes, or when you sign out.
      </p>
      {error && (
        <div id="sign-in-error">
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      )}
    </main>
  );
}
