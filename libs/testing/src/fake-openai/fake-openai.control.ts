// Typed client of a fake OpenAI server's control API, for tests and example scripts. Works the
// same against an in-process fake and a spawned one; takes the server root or its /v1 baseURL.
import type { FakeOpenAIError, FakeOpenAIReply, FakeOpenAIRequest } from './fake-openai.types';

export class FakeOpenAIControl {
  private readonly root: string;

  constructor(url: string) {
    this.root = url.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  /** Queues replies, answered in order by the next model requests (either endpoint). */
  async script(...replies: FakeOpenAIReply[]): Promise<void> {
    await this.call('POST', '/_control/script', { replies });
  }

  /** Makes the next model request fail with OpenAI's error envelope (default: a 500). */
  failNext(error: Partial<FakeOpenAIError> = {}): Promise<void> {
    return this.script({ error: { status: 500, ...error } });
  }

  /** Every model request body received since start or reset, in order. */
  requests(): Promise<FakeOpenAIRequest[]> {
    return this.call<FakeOpenAIRequest[]>('GET', '/_control/requests');
  }

  /** Drops pending replies and recorded requests, and restarts ids at 1. */
  async reset(): Promise<void> {
    await this.call('POST', '/_control/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.root}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`fake openai control ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
