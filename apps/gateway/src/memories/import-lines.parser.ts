import { AppError, MEMORY_ID_PATTERN, MemoryRecord, parseTimeUs } from '@memtrace/contracts';
import { dtoFields, jsonObject, parseJsonBody, validateRequest } from '@memtrace/http';
import { CreateMemoryRequestDto, WriteLimits } from './dto/create-memory.request.dto';
import { toNewMemory } from './new-memory.mapper';

/** Lines one import request may carry; the SDK's `import` sends larger files in requests of this size. */
export const IMPORT_MAX_LINES = 5_000;
/** An import request's body limit (the other routes keep MEMTRACE_BODY_LIMIT_BYTES). */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;

export type ImportedMemory = Omit<MemoryRecord, 'orgId'>;

/**
 * `POST /api/v1/import`: NDJSON, one memory per line as `GET /api/v1/export` writes it (its `id`
 * and `time` kept; `org_id` ignored, the org is the key's). Every line is checked as a create
 * request is, and the first bad one is a 400 naming its line number; blank lines are skipped.
 */
export function parseImportLines(body: unknown, limits: WriteLimits): ImportedMemory[] {
  if (typeof body !== 'string') throw new AppError('bad_request', 'an import is NDJSON: send it with Content-Type: application/x-ndjson');
  const memories: ImportedMemory[] = [];
  const lines = body.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (memories.length === IMPORT_MAX_LINES) {
      throw new AppError('bad_request', `an import request holds at most ${IMPORT_MAX_LINES} memories`, 'split the file; the SDK does it for you');
    }
    try {
      memories.push(parseLine(line));
    } catch (error) {
      if (error instanceof AppError) throw new AppError('bad_request', `line ${index + 1}: ${error.message}`, error.hint);
      throw error;
    }
  }
  if (memories.length === 0) throw new AppError('bad_request', 'nothing to import: the body holds no memory');
  return memories;

  function parseLine(line: string): ImportedMemory {
    const raw = jsonObject(parseJsonBody(line, { checkText: true }), [...dtoFields(CreateMemoryRequestDto), 'id', 'time', 'org_id']);
    const id = typeof raw.id === 'string' ? raw.id : '';
    if (!MEMORY_ID_PATTERN.test(id)) throw new AppError('bad_request', 'id must be a memory id (a UUID)');
    const timeUs = typeof raw.time === 'string' ? parseTimeUs(raw.time) : undefined;
    if (timeUs === undefined || !Number.isSafeInteger(timeUs)) throw new AppError('bad_request', 'time must be an RFC 3339 timestamp');
    return { ...toNewMemory(validateRequest(CreateMemoryRequestDto, raw, { limits })), id: id.toLowerCase(), timeUs };
  }
}
