// HTTP client for the control port, used by the spawn helper to drive a child-process double.
import type { ArcDoubleFaults, ArcDoubleStats } from '../arc-double.types';

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  setFaults(faults: Partial<ArcDoubleFaults>): Promise<ArcDoubleFaults> {
    return this.call<ArcDoubleFaults>('POST', '/faults', faults);
  }

  faults(): Promise<ArcDoubleFaults> {
    return this.call<ArcDoubleFaults>('GET', '/faults');
  }

  stats(): Promise<ArcDoubleStats> {
    return this.call<ArcDoubleStats>('GET', '/stats');
  }

  async flush(): Promise<void> {
    await this.call('POST', '/flush');
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`arc double control ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
