// Typed client of the fake's control API, for tests in this process or another one.
import type { FakeAnthropicRequest, FakeAnthropicError, FakeAnthropicReply } from './fake-anthropic.types';

export class FakeAnthropicControl {
  /** `baseUrl`: the fake's URL, the same one the Anthropic client is given. */
  constructor(private readonly baseUrl: string) {}

  /** Appends replies to the script; each `POST /v1/messages` takes the next. Returns how many are pending. */
  async script(...replies: FakeAnthropicReply[]): Promise<number> {
    return (await this.call<{ queued: number }>('POST', '/_control/script', { replies })).queued;
  }

  /** Makes the next `times` (default 1) replies this HTTP error, ahead of anything scripted. */
  async failNext(error: FakeAnthropicError, times = 1): Promise<void> {
    await this.call('POST', '/_control/fail-next', { ...error, times });
  }

  /** The scripted replies not used yet. */
  async pending(): Promise<FakeAnthropicReply[]> {
    return (await this.call<{ pending: FakeAnthropicReply[] }>('GET', '/_control/script')).pending;
  }

  /** Every `POST /v1/messages` received since the last reset, oldest first. */
  async requests(): Promise<FakeAnthropicRequest[]> {
    return (await this.call<{ requests: FakeAnthropicRequest[] }>('GET', '/_control/requests')).requests;
  }

  /** Clears the script, the received requests and the id counters. */
  async reset(): Promise<void> {
    await this.call('POST', '/_control/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fake anthropic control ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
