import type { Memtrace } from '@memtrace/sdk';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const ApiContext = createContext<Memtrace | null>(null);

/** The signed-in client; views render only inside the signed-in app. */
export function useApi(): Memtrace {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside of a signed-in explorer');
  return api;
}
