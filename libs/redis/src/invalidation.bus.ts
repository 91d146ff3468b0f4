import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { z } from 'zod';
import { RedisClient, RedisService } from './redis.service';

/** What changed in the control plane; every process drops the matching cached entries. */
export const invalidationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key'), keyHash: z.string() }),
  z.object({ kind: z.literal('org'), orgId: z.string() }),
  z.object({ kind: z.literal('binding'), orgId: z.string() }),
  /** An org's rate-limit overrides changed. */
  z.object({ kind: z.literal('limits'), orgId: z.string() }),
  z.object({ kind: z.literal('all') }),
]);
export type Invalidation = z.infer<typeof invalidationSchema>;
export type InvalidationHandler = (event: Invalidation) => void;

export const PUBLISH_TIMEOUT_MS = 1_000;

/**
 * Redis pub/sub fan-out of control-plane changes (revoked keys, deleted orgs, changed bindings), so
 * in-process caches everywhere forget them within a second. A subscriber that reconnects may have
 * missed messages, so it treats the reconnect itself as "everything changed".
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnModuleDestroy {
  private readonly handlers = new Set<InvalidationHandler>();
  /** Messages that could not be published (Redis down): the CLI warns about them. */
  undelivered = 0;
  private subscriber?: RedisClient;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    @Optional() @Inject('INVALIDATION_SUBSCRIBE') private readonly subscribe: boolean | null,
  ) {
    this.channel = redis.key('control', 'invalidate');
  }

  on(handler: InvalidationHandler): void {
    this.handlers.add(handler);
  }

  async onModuleInit() {
    if (this.subscribe === false) return;
    const subscriber = this.redis.connect({ maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) this.dispatch({ kind: 'all' });
      connectedBefore = true;
    });
    subscriber.on('message', (_channel: string, message: string) => {
      const parsed = invalidationSchema.safeParse(safeJson(message));
      if (parsed.success) this.dispatch(parsed.data);
    });
    await subscriber.subscribe(this.channel);
  }

  /**
   * Best effort, bounded: the CLI must work with Redis down. Returns false when the message could
   * not be sent; callers say so, since other processes then only forget on their cache TTL.
   */
  async publish(event: Invalidation): Promise<boolean> {
    this.dispatch(event);
    try {
      await withTimeout(this.redis.client.publish(this.channel, JSON.stringify(event)), PUBLISH_TIMEOUT_MS);
      return true;
    } catch {
      this.undelivered++;
      return false;
    }
  }

  private dispatch(event: Invalidation) {
    for (const handler of this.handlers) handler(event);
  }

  async onModuleDestroy() {
    this.handlers.clear();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    );
  });
}
