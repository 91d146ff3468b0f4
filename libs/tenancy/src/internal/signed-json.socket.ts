import { Type } from '@nestjs/common';
import { TcpSocket } from '@nestjs/microservices';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface SignedJsonSocketOptions {
  /** MEMTRACE_INTERNAL_SECRET: both ends hold it, nobody else does. */
  secret: string;
  /** The largest frame this end accepts, in bytes; a peer announcing more is cut off at once. */
  maxFrameBytes: number;
  /** A frame that was refused (bad length, too large, bad or stale signature); the connection closes after. */
  onRefused(reason: string, remote: string): void;
  /** How long a peer may stall mid-frame before the connection closes (default 30 s). */
  stalledFrameMs?: number;
  /** How far a signature's timestamp may be from this clock (default 5 minutes). */
  maxClockSkewMs?: number;
}

/** base64url of HMAC-SHA256: always 43 characters. */
const MAC_CHARS = 43;
/** `<length>#`: a length needs at most this many digits before the `#` must appear. */
const MAX_LENGTH_DIGITS = 12;
const EMPTY = Buffer.alloc(0);

/**
 * The framing of the internal RPC (gateway ↔ query service, design §7). Nest's TCP transport
 * trusts whatever arrives on the port and buffers frames of any announced size; this socket,
 * used at both ends, signs every frame and refuses the rest:
 *
 *     <length>#<timestamp ms>.<HMAC-SHA256(secret, "<timestamp>.<json>") base64url><json>
 *
 * A frame whose signature does not verify, whose timestamp is outside the allowed skew (replays of
 * old captures), or whose announced length exceeds the cap is never parsed: the connection is
 * destroyed and the refusal reported. The signature covers the whole message, so the `orgId`
 * inside a request is as trustworthy as the gateway that sent it, and replies are authenticated too.
 */
export function signedJsonSocket(options: SignedJsonSocketOptions): Type<TcpSocket> {
  const key = Buffer.from(options.secret, 'utf8');
  const stalledFrameMs = options.stalledFrameMs ?? 30_000;
  const maxClockSkewMs = options.maxClockSkewMs ?? 5 * 60_000;
  const mac = (...parts: Array<string | Buffer>) => {
    const hmac = createHmac('sha256', key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('base64url');
  };

  return class SignedJsonSocket extends TcpSocket {
    /** Received bytes not yet consumed, flattened lazily (a large frame arrives in many chunks). */
    private chunks: Buffer[] = [];
    private buffered = 0;
    /** Where the frame being received starts and ends, once its header has arrived. */
    private frame?: { start: number; end: number };
    private stalled?: NodeJS.Timeout;

    constructor(socket: Socket) {
      super(socket);
      socket.once('close', () => clearTimeout(this.stalled));
    }

    protected handleSend(message: unknown, callback?: (err?: unknown) => void): void {
      const json = JSON.stringify(message);
      const stamp = String(Date.now());
      const body = `${stamp}.${mac(`${stamp}.`, json)}${json}`;
      this.socket.write(`${Buffer.byteLength(body)}#${body}`, 'utf8', callback);
    }

    protected handleData(chunk: Buffer | string): void {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.chunks.push(data);
      this.buffered += data.length;
      for (;;) {
        if (!this.frame && !this.readHeader()) break;
        if (!this.frame || this.buffered < this.frame.end) break;
        const all = this.flatten();
        const body = all.subarray(this.frame.start, this.frame.end);
        const rest = all.subarray(this.frame.end);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        this.frame = undefined;
        const json = this.verified(body);
        if (json === undefined) return;
        this.emitMessage(json);
      }
      this.watchStall();
    }

    /** Parses `<length>#` once it has arrived; false while it has not (or after refusing it). */
    private readHeader(): boolean {
      const head = this.flatten();
      const hash = head.indexOf(0x23, 0);
      if (hash === -1 || hash > MAX_LENGTH_DIGITS) {
        if (hash !== -1 || head.length > MAX_LENGTH_DIGITS) this.refuse('malformed frame length');
        return false;
      }
      const header = head.toString('latin1', 0, hash);
      if (!/^\d{1,12}$/.test(header)) return this.refuse('malformed frame length');
      const length = Number(header);
      if (length > options.maxFrameBytes) return this.refuse(`frame of ${length} bytes exceeds the ${options.maxFrameBytes}-byte cap`);
      this.frame = { start: hash + 1, end: hash + 1 + length };
      return true;
    }

    /** The JSON of a frame whose signature and timestamp hold; otherwise refuses the connection. */
    private verified(body: Buffer): string | undefined {
      const dot = body.indexOf(0x2e);
      const stamp = dot > 0 ? body.toString('latin1', 0, dot) : '';
      const macEnd = dot + 1 + MAC_CHARS;
      if (!/^\d{1,15}$/.test(stamp) || body.length < macEnd) return void this.refuse('unsigned frame');
      const presented = body.subarray(dot + 1, macEnd);
      const expected = Buffer.from(mac(body.subarray(0, dot + 1), body.subarray(macEnd)));
      if (!timingSafeEqual(presented, expected)) return void this.refuse('bad signature');
      if (Math.abs(Date.now() - Number(stamp)) > maxClockSkewMs) return void this.refuse('stale signature');
      return body.toString('utf8', macEnd);
    }

    private flatten(): Buffer {
      if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
      return this.chunks[0] ?? EMPTY;
    }

    /** A peer that stops mid-frame holds a buffer: it gets `stalledFrameMs`, not forever. */
    private watchStall(): void {
      clearTimeout(this.stalled);
      if (this.buffered === 0) return;
      this.stalled = setTimeout(() => this.refuse('frame stalled'), stalledFrameMs);
      this.stalled.unref();
    }

    private refuse(reason: string): false {
      clearTimeout(this.stalled);
      this.chunks = [];
      this.buffered = 0;
      this.frame = undefined;
      options.onRefused(reason, `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`);
      this.socket.destroy();
      return false;
    }
  };
}
