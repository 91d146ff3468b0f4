import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/explorer-api';

export interface AsyncState<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

/**
 * Runs `load` whenever `deps` change. What it returns always belongs to the current `deps`: from
 * the render that changes them until the new answer arrives it is `loading` (never the previous
 * answer under new ids), and an answer to an outdated request is dropped.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const generation = useRef<{ deps: readonly unknown[] | null; n: number }>({ deps: null, n: 0 });
  if (!sameDeps(generation.current.deps, deps)) generation.current = { deps, n: generation.current.n + 1 };
  const n = generation.current.n;
  const [state, setState] = useState<AsyncState<T> & { n: number }>({ loading: true, n: 0 });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, loading: false, n }),
      (error) => current && setState({ error: describeError(error), loading: false, n }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state.n === n ? state : { loading: true };
}

function sameDeps(a: readonly unknown[] | null, b: readonly unknown[]): boolean {
  return a !== null && a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}
