import { Injectable } from '@nestjs/common';
import { AppError } from '@memtrace/contracts';
import { RedisService } from '@memtrace/redis';
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** Stripe's convention: a retry within 24 h answers what the first request answered. */
const REPLAY_SECONDS = 24 * 3600;
/**
 * How long a request in progress holds its key. Longer than any write takes; short enough that a
 * gateway that died mid-request does not lock its client out for a day.
 */
const IN_PROGRESS_SECONDS = 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Namespace of the ids derived from an idempotency key (a fixed, random UUID). */
const ID_NAMESPACE = '5b0c4c2e-8d7f-4a51-9a43-1f6a2b7d9e10';

export interface IdempotentRequest {
  key: string;
  /** SHA-256 of the request body as parsed JSON. */
  fingerprint: string;
}

/** A request that may proceed (`begin` won), or the answer of one that already ran. */
export type Begin = { state: 'new' } | { state: 'replay'; response: unknown };

interface Entry {
  fingerprint: string;
  response?: unknown;
}

/**
 * `Idempotency-Key` on `POST /api/v1/memories`, shared by every gateway through Redis. The first
 * request with a key claims it; a retry with the same key and body gets the stored answer (same
 * ids), one with another body a 422, one while the first is still running a 409. The memory ids
 * of a keyed request are derived from the key, so even a retry after an ambiguous failure (a 503
 * whose writes reached Redis anyway) names the same memories, which reads collapse by id.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly redis: RedisService) {}

  /** The request's key and body fingerprint; `undefined` without the header; 400 for a bad key. */
  static parse(header: string | string[] | undefined, body: unknown): IdempotentRequest | undefined {
    if (header === undefined) return undefined;
    if (Array.isArray(header) || !KEY_PATTERN.test(header)) {
      throw new AppError('bad_request', 'invalid Idempotency-Key header', 'one header of 1-255 printable ASCII characters, e.g. a UUID');
    }
    return { key: header, fingerprint: createHash('sha256').update(JSON.stringify(body) ?? '').digest('base64url') };
  }

  /** The id of the `index`-th memory of a keyed request: the same for every retry. */
  static memoryId(orgId: string, request: IdempotentRequest, index: number): string {
    return uuidv5(`${orgId}\n${request.key}\n${index}`, ID_NAMESPACE);
  }

  async begin(orgId: string, request: IdempotentRequest): Promise<Begin> {
    const key = this.keyOf(orgId, request);
    const claimed = await this.redis.client.set(key, JSON.stringify({ fingerprint: request.fingerprint } satisfies Entry), 'EX', IN_PROGRESS_SECONDS, 'NX');
    if (claimed === 'OK') return { state: 'new' };
    const raw = await this.redis.client.get(key);
    // Expired between the two commands: the earlier request is over and left no answer.
    if (raw === null) return this.begin(orgId, request);
    const entry = JSON.parse(raw) as Entry;
    if (entry.fingerprint !== request.fingerprint) {
      throw new AppError('idempotency_mismatch', 'this Idempotency-Key was used with a different request body', 'use a new key for a new request');
    }
    if (entry.response === undefined) {
      throw new AppError('conflict', 'a request with this Idempotency-Key is still in progress', 'retry after it has finished');
    }
    return { state: 'replay', response: entry.response };
  }

  /** Keeps the answer for replays. */
  async complete(orgId: string, request: IdempotentRequest, response: unknown): Promise<void> {
    const entry: Entry = { fingerprint: request.fingerprint, response };
    await this.redis.client.set(this.keyOf(orgId, request), JSON.stringify(entry), 'EX', REPLAY_SECONDS);
  }

  /** Frees the key after a failure, so that a retry runs again (best effort: it expires anyway). */
  async abandon(orgId: string, request: IdempotentRequest): Promise<void> {
    await this.redis.client.del(this.keyOf(orgId, request)).catch(() => undefined);
  }

  private keyOf(orgId: string, request: IdempotentRequest): string {
    return this.redis.key('idem', this.redis.orgTag(orgId), createHash('sha256').update(request.key).digest('base64url'));
  }
}
