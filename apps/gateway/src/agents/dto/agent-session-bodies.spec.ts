import { ArgumentMetadata } from '@nestjs/common';
import { AppError } from '@memtrace/contracts';
import { RequestValidationPipe } from '@memtrace/http';
import { CreateSessionRequestDto } from '../../sessions/dto/create-session.request.dto';
import { UpdateSessionRequestDto } from '../../sessions/dto/update-session.request.dto';
import { CreateAgentRequestDto } from './create-agent.request.dto';

const pipe = new RequestValidationPipe();
const body = (metatype: Function, value: unknown) => pipe.transform(value, { type: 'body', metatype } as ArgumentMetadata);

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.message}`;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('agent and session bodies (the gateway’s validation pipe)', () => {
  it('requires a name and an agent_id with upstream messages', () => {
    expect(messageOf(() => body(CreateAgentRequestDto, {}))).toBe('400 name is required');
    expect(messageOf(() => body(CreateAgentRequestDto, { name: '' }))).toBe('400 name is required');
    expect(messageOf(() => body(CreateAgentRequestDto, undefined))).toBe('400 name is required');
    expect(messageOf(() => body(CreateSessionRequestDto, null))).toBe('400 agent_id is required');
  });

  it('checks the name before the optional fields, as before', () => {
    expect(messageOf(() => body(CreateAgentRequestDto, { description: 5, config: [1] }))).toBe('400 name is required');
    expect(messageOf(() => body(CreateAgentRequestDto, { name: 'n'.repeat(257), config: [1] }))).toBe('400 name is over 256 characters');
    expect(messageOf(() => body(CreateAgentRequestDto, { name: 'a', description: 5, config: [1] }))).toBe('400 invalid request body: description must be a string');
    expect(messageOf(() => body(CreateSessionRequestDto, { metadata: 5 }))).toBe('400 agent_id is required');
  });

  it('rejects wrong JSON types instead of storing them', () => {
    expect(messageOf(() => body(CreateAgentRequestDto, { name: 'a', config: [1] }))).toBe('400 invalid request body: config must be an object');
    expect(messageOf(() => body(UpdateSessionRequestDto, { status: 3 }))).toBe('400 invalid request body: status must be a string');
    expect(messageOf(() => body(UpdateSessionRequestDto, 'closed'))).toBe('400 invalid request body: expected a JSON object');
  });

  it('hands the controller an instance of the DTO, unknown fields dropped', () => {
    const update = body(UpdateSessionRequestDto, {});
    expect(update).toBeInstanceOf(UpdateSessionRequestDto);
    expect({ ...(update as object) }).toEqual({});
    expect({ ...(body(CreateAgentRequestDto, { Name: 'n', extra: true }) as object) }).toEqual({ name: 'n' });
  });

  it('leaves parameters that are not request DTOs alone', () => {
    const raw = { anything: 1 };
    expect(body(Object, raw)).toBe(raw);
    expect(pipe.transform('id', { type: 'param', metatype: String } as ArgumentMetadata)).toBe('id');
  });
});
