/**
 * What a wrapped `create` hands back: awaitable like openai's `APIPromise`, with its
 * `withResponse()` and `asResponse()`, and streams that are still openai `Stream`s.
 */
import type { StreamReader } from './turn-adapter.js';

/** The parts of openai's `APIPromise` a wrapped call keeps. */
export interface ApiPromiseLike<T> extends PromiseLike<T> {
  withResponse?(): Promise<{ data: T; response: Response; request_id: string | null }>;
  asResponse?(): Promise<Response>;
}

export interface ReplyWithResponse<T> {
  data: T;
  response: Response;
  request_id: string | null;
}

/**
 * The request goes out as soon as the memory context is in (a context failure only means no
 * context); `finish` sees the parsed reply exactly once, however it is awaited. Internal openai
 * helpers such as `_thenUnwrap` are not kept.
 */
export class MemoryCall<T> implements PromiseLike<T> {
  readonly [Symbol.toStringTag] = 'Promise';
  private result?: Promise<ReplyWithResponse<T>>;

  constructor(
    /** Wrapped in an object: a bare APIPromise would be awaited (parsed) by `then`. */
    private readonly started: Promise<{ call: ApiPromiseLike<T> }>,
    private readonly finish: (data: T) => T,
  ) {}

  /** The reply with the raw `Response` and the request id, as `APIPromise.withResponse()`. */
  withResponse(): Promise<ReplyWithResponse<T>> {
    return (this.result ??= this.started.then(async ({ call }) => {
      const reply =
        typeof call.withResponse === 'function'
          ? await call.withResponse()
          : { data: await call, response: undefined as unknown as Response, request_id: null };
      return { ...reply, data: this.finish(reply.data) };
    }));
  }

  /** The raw HTTP response, unparsed. Its body is yours to read, so the reply is not recorded. */
  asResponse(): Promise<Response> {
    return this.started.then(({ call }) => {
      if (typeof call.asResponse !== 'function') throw new TypeError('asResponse() is not available on this client');
      return call.asResponse();
    });
  }

  then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.withResponse()
      .then((reply) => reply.data)
      .then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}

/**
 * A stream that yields exactly the events of `stream`, feeding each to `reader`, and calls `onEnd`
 * once it ends: `complete` is false when it failed or the caller stopped early. Errors reach the
 * caller unchanged. An openai `Stream` comes back as a `Stream` (its own class, same controller),
 * so `tee()`, `toReadableStream()` and `controller.abort()` keep working.
 */
export function tapStream<E>(stream: AsyncIterable<E>, client: unknown, reader: StreamReader<E>, onEnd: (complete: boolean) => void): AsyncIterable<E> {
  async function* tapped(): AsyncGenerator<E> {
    let complete = false;
    try {
      for await (const event of stream) {
        try {
          reader.read(event);
        } catch {
          // An event we cannot read costs the recording some text, never the caller its stream.
        }
        yield event;
      }
      complete = true;
    } finally {
      onEnd(complete);
    }
  }
  const { constructor: StreamClass, controller } = stream as { constructor?: unknown; controller?: unknown };
  if (controller !== undefined && typeof StreamClass === 'function') {
    try {
      const rebuilt = new (StreamClass as new (iterator: () => AsyncIterator<E>, controller: unknown, client: unknown) => AsyncIterable<E>)(tapped, controller, client);
      if (typeof rebuilt?.[Symbol.asyncIterator] === 'function') return rebuilt;
    } catch {
      // Not openai's Stream: a plain async iterable below.
    }
  }
  return { [Symbol.asyncIterator]: tapped };
}
