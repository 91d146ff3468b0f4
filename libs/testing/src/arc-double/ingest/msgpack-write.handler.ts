// POST /api/v1/write/msgpack (reference/arc.md §2): decompress by magic bytes, decode with
// type fidelity, validate names, then type and buffer each batch. Success is a bodiless 204;
// decode problems are 400s and type conversion problems 500s, with Arc's messages.
import { DataRequest, DataResponse, errorResponse, headerValue } from '../http/data-exchange.types';
import { IngestBuffer } from '../storage/ingest.buffer';
import { decompressBody } from './body.decompressor';
import { ColumnConversionError, typeRecords } from './column.typer';
import { decodePayload, DecodedRecord, PayloadError } from './payload.decoder';

const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MEASUREMENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export class MsgpackWriteHandler {
  constructor(
    private readonly buffer: IngestBuffer,
    private readonly maxPayloadBytes: number,
  ) {}

  async handle(request: DataRequest): Promise<DataResponse> {
    if (request.body.length === 0) return errorResponse(400, 'Empty payload');
    const decompressed = decompressBody(request.body, this.maxPayloadBytes);
    if (decompressed.kind === 'too-large') return payloadTooLarge(this.maxPayloadBytes);
    if (decompressed.kind === 'error') return errorResponse(400, decompressed.message);

    let records: DecodedRecord[];
    try {
      records = decodePayload(decompressed.payload, BigInt(Date.now()) * 1000n);
    } catch (error) {
      if (error instanceof PayloadError) return errorResponse(400, `Invalid MessagePack payload: ${error.message}`);
      throw error;
    }

    const database = headerValue(request.headers, 'x-arc-database') || 'default';
    if (!DATABASE_NAME.test(database)) {
      return errorResponse(
        400,
        'invalid database name: must start with a letter and contain only alphanumeric characters, underscores, or hyphens (max 64 characters)',
      );
    }
    for (const measurement of new Set(records.map((record) => record.measurement))) {
      if (!MEASUREMENT_NAME.test(measurement) || measurement.length > 128) {
        return errorResponse(
          400,
          `invalid measurement name ${JSON.stringify(measurement)}: must start with a letter and contain only alphanumeric characters, underscores, or hyphens`,
        );
      }
    }

    try {
      for (const batch of typeRecords(records)) await this.buffer.write(database, batch);
    } catch (error) {
      if (error instanceof ColumnConversionError) {
        return errorResponse(500, `Failed to write records: failed to convert columns: ${error.message}`);
      }
      throw error;
    }
    return { status: 204 };
  }
}

export function payloadTooLarge(maxBytes: number): DataResponse {
  return errorResponse(413, `Payload too large (max ${formatBytes(maxBytes)}). Consider batching into smaller requests.`);
}

function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ];
  for (const [unit, size] of units) if (bytes >= size) return `${Math.round((bytes / size) * 10) / 10}${unit}`;
  return `${bytes}B`;
}
