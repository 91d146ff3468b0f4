// The fake's state: the queue of scripted replies, the requests received, and id counters (so ids
// are deterministic from one reset to the next).
import type { FakeAnthropicRequest, FakeAnthropicError, FakeAnthropicReply } from './fake-anthropic.types';

export class ReplyScript {
  private replies: FakeAnthropicReply[] = [];
  private received: FakeAnthropicRequest[] = [];
  private counters = { message: 0, toolUse: 0, request: 0 };

  append(replies: FakeAnthropicReply[]): number {
    this.replies.push(...replies);
    return this.replies.length;
  }

  /** Puts `times` copies of the error in front of the queue. */
  failNext(error: FakeAnthropicError, times: number): number {
    this.replies.unshift(...Array.from({ length: times }, () => ({ error })));
    return this.replies.length;
  }

  /** The next scripted reply, or undefined when the script is used up (the default reply applies). */
  next(): FakeAnthropicReply | undefined {
    return this.replies.shift();
  }

  pending(): FakeAnthropicReply[] {
    return [...this.replies];
  }

  record(request: FakeAnthropicRequest): void {
    this.received.push(request);
  }

  requests(): FakeAnthropicRequest[] {
    return [...this.received];
  }

  messageId(): string {
    return `msg_fake_${pad(++this.counters.message)}`;
  }

  toolUseId(): string {
    return `toolu_fake_${pad(++this.counters.toolUse)}`;
  }

  requestId(): string {
    return `req_fake_${pad(++this.counters.request)}`;
  }

  reset(): void {
    this.replies = [];
    this.received = [];
    this.counters = { message: 0, toolUse: 0, request: 0 };
  }
}

function pad(n: number): string {
  return String(n).padStart(6, '0');
}
