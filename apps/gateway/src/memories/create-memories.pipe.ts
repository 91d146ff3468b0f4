import { Injectable, PipeTransform } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { dtoFields, jsonObject, validateRequest } from '@memtrace/http';
import { CreateMemoryBatchRequestDto, CreateMemoryRequestDto, WriteLimits } from './dto/create-memory.request.dto';

/** A validated `POST /api/v1/memories` body: one memory, or a batch. */
export interface MemoryWrite {
  batch: boolean;
  memories: CreateMemoryRequestDto[];
}

/** Validates the body of `POST /api/v1/memories` with the DTOs' rules and config's write limits. */
@Injectable()
export class CreateMemoriesPipe implements PipeTransform<unknown, MemoryWrite> {
  private readonly limits: WriteLimits;

  constructor(config: AppConfig) {
    this.limits = config.writes;
  }

  transform(body: unknown): MemoryWrite {
    return parseMemoryWrite(body, this.limits);
  }
}

/**
 * Upstream's format detection: `{"memories":[…]}` with a non-empty array is a batch, anything else
 * a single memory (so `{"memories":[]}` fails with `agent_id is required`). A batch is rejected
 * whole, naming the first bad item's index, so nothing of it is written.
 */
export function parseMemoryWrite(body: unknown, limits: WriteLimits): MemoryWrite {
  const root = jsonObject(body, dtoFields(CreateMemoryBatchRequestDto));
  const items = root.memories;
  if (!Array.isArray(items) || items.length === 0) return { batch: false, memories: [validateRequest(CreateMemoryRequestDto, body, { limits })] };
  validateRequest(CreateMemoryBatchRequestDto, root, { limits });
  const memories = items.map((item: unknown, index) => {
    try {
      return validateRequest(CreateMemoryRequestDto, item, { limits });
    } catch (error) {
      if (error instanceof AppError) throw new AppError('bad_request', `failed to create memory ${index}: ${error.message}`, error.hint);
      throw error;
    }
  });
  return { batch: true, memories };
}
