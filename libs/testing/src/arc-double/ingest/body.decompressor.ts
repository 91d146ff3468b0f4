// Arc picks the codec from the body's magic bytes, never from Content-Encoding (§2.4).
// Node 20 has no zstd and no decoder is installed, so a zstd body gets a 400 that says so
// (a newer Node exposing zlib.zstdDecompressSync is used when present).
import * as zlib from 'node:zlib';

export type Decompressed =
  | { kind: 'ok'; payload: Buffer }
  | { kind: 'error'; message: string }
  | { kind: 'too-large' };

type ZstdDecompress = (buffer: Buffer, options?: { maxOutputLength?: number }) => Buffer;

export function decompressBody(raw: Buffer, maxBytes: number): Decompressed {
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return { kind: 'ok', payload: zlib.gunzipSync(raw, { maxOutputLength: maxBytes }) };
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large' };
      return { kind: 'error', message: `Invalid gzip compression: ${(error as Error).message}` };
    }
  }
  if (raw.length >= 4 && raw[0] === 0x28 && raw[1] === 0xb5 && raw[2] === 0x2f && raw[3] === 0xfd) {
    const zstd = (zlib as unknown as { zstdDecompressSync?: ZstdDecompress }).zstdDecompressSync;
    if (!zstd) {
      return { kind: 'error', message: 'Invalid zstd compression: zstd is unsupported by the Arc test double' };
    }
    try {
      return { kind: 'ok', payload: zstd(raw, { maxOutputLength: maxBytes }) };
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large' };
      return { kind: 'error', message: `Invalid zstd compression: ${(error as Error).message}` };
    }
  }
  return { kind: 'ok', payload: raw };
}
