// Reads a request body with Arc's size cap (server.max_payload_size). Past the cap the rest of
// the upload is drained and dropped, so the 413 can still be delivered on the same socket.
import type { IncomingMessage } from 'node:http';

export type BodyRead = { kind: 'ok'; body: Buffer } | { kind: 'too-large' };

export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    request.on('error', reject);
  });
}
