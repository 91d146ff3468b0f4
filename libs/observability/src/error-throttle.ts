import type { Logger } from 'pino';

/** How long a repeated error stays quiet when nothing says its source recovered. */
const REPEAT_WINDOW_MS = 60_000;

/** What `watch` needs of a source: Node's EventEmitter, ioredis clients, BullMQ queues and workers. */
interface ErrorSource {
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Logs the 'error' events of clients that retry on their own (ioredis reconnects every second or
 * so, BullMQ re-emits its connections' errors) as single JSON lines, not one line per retry: an
 * error is logged when it is not the one logged last, or once the window has passed (`suppressed`
 * counts the errors left out since the previous line). Sources with a "working again" event are
 * tracked: the first error after all of them were fine is logged, and the moment the last of them
 * recovers is logged once. Attaching the 'error' listener is also what keeps ioredis and BullMQ
 * from printing raw stack traces (`[ioredis] Unhandled error event`, BullMQ's `console.error`
 * fallback for an 'error' event nobody listens to) between the JSON lines.
 */
export class ErrorThrottle {
  private last?: { key: string; at: number };
  private suppressed = 0;
  private readonly down = new Set<ErrorSource>();

  constructor(
    private readonly logger: Logger,
    /** The line's `msg`, e.g. "redis connection error". */
    private readonly message: string,
    private readonly windowMs = REPEAT_WINDOW_MS,
  ) {}

  /** `recoveredOn`: the source's event for "working again" ('ready' for ioredis). */
  watch(source: ErrorSource, options: { recoveredOn?: string; fields?: Record<string, unknown> } = {}): void {
    const { recoveredOn, fields } = options;
    source.on('error', (error: unknown) => {
      if (recoveredOn) this.down.add(source);
      this.report(error, fields);
    });
    if (recoveredOn) source.on(recoveredOn, () => this.recovered(source));
  }

  report(error: unknown, fields: Record<string, unknown> = {}): void {
    const { message, code } = describe(error);
    const key = `${code ?? ''} ${message}`;
    const now = Date.now();
    if (this.last?.key === key && now - this.last.at < this.windowMs) {
      this.suppressed++;
      return;
    }
    this.logger.warn({ ...fields, err: message, code, ...(this.suppressed ? { suppressed: this.suppressed } : {}) }, this.message);
    this.last = { key, at: now };
    this.suppressed = 0;
  }

  private recovered(source: ErrorSource): void {
    if (!this.down.delete(source) || this.down.size > 0 || !this.last) return;
    this.logger.info({ ...(this.suppressed ? { suppressed: this.suppressed } : {}) }, `${this.message}: recovered`);
    this.last = undefined;
    this.suppressed = 0;
  }
}

/** Node's connect errors to `localhost` are AggregateErrors with an empty message but a code. */
function describe(error: unknown): { message: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { message: error.message || error.name, code: typeof code === 'string' ? code : undefined };
}
