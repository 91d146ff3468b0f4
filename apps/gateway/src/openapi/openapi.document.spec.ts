import { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { GATEWAY_CONTROLLERS } from '../gateway.module';
import { createOpenApiDocument } from './openapi.controller';

/**
 * Upstream's routes and request field names (reference/upstream-rest-api.md §7, §8; §12 MUST: "the
 * exact route set and JSON field names"). `body`: the JSON body's fields; `query`: query parameters.
 */
const UPSTREAM: Array<{ method: string; path: string; body?: string[]; query?: string[] }> = [
  { method: 'get', path: '/health' },
  { method: 'get', path: '/ready' },
  {
    method: 'post',
    path: '/api/v1/memories',
    body: ['agent_id', 'content', 'memory_type', 'event_type', 'session_id', 'metadata', 'tags', 'importance', 'dedup_key', 'parent_id', 'memories'],
  },
  { method: 'get', path: '/api/v1/memories', query: ['agent_id', 'session_id', 'memory_type', 'event_type', 'tags', 'since', 'until', 'limit', 'offset', 'order'] },
  { method: 'get', path: '/api/v1/memories/{id}' },
  { method: 'post', path: '/api/v1/agents', body: ['name', 'description', 'config'] },
  { method: 'get', path: '/api/v1/agents' },
  { method: 'get', path: '/api/v1/agents/{id}' },
  { method: 'get', path: '/api/v1/agents/{id}/memories', query: ['memory_type', 'event_type', 'since', 'limit', 'order'] },
  { method: 'get', path: '/api/v1/agents/{id}/stats' },
  { method: 'delete', path: '/api/v1/agents/{id}' },
  { method: 'post', path: '/api/v1/sessions', body: ['agent_id', 'metadata'] },
  { method: 'get', path: '/api/v1/sessions', query: ['agent_id'] },
  { method: 'get', path: '/api/v1/sessions/{id}' },
  { method: 'put', path: '/api/v1/sessions/{id}', body: ['status', 'metadata'] },
  { method: 'get', path: '/api/v1/sessions/{id}/memories', query: ['memory_type', 'since', 'limit', 'order'] },
  { method: 'post', path: '/api/v1/sessions/{id}/context', body: ['since', 'include_types', 'max_tokens'] },
  {
    method: 'post',
    path: '/api/v1/search',
    body: ['agent_id', 'session_id', 'memory_types', 'event_types', 'tags', 'content_contains', 'min_importance', 'since', 'until', 'limit', 'order'],
  },
];

type Schema = { $ref?: string; properties?: Record<string, unknown>; oneOf?: Schema[]; allOf?: Schema[] };

/** Every property name a body schema allows, following `$ref`s and `oneOf`/`allOf`. */
function bodyFields(document: OpenAPIObject, schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (schema.$ref) return bodyFields(document, document.components?.schemas?.[schema.$ref.split('/').pop()!] as Schema);
  return [...Object.keys(schema.properties ?? {}), ...[...(schema.oneOf ?? []), ...(schema.allOf ?? [])].flatMap((s) => bodyFields(document, s))];
}

describe('the OpenAPI document (GET /api/openapi.json)', () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: GATEWAY_CONTROLLERS })
      .useMocker(() => ({}))
      .compile();
    app = module.createNestApplication(new FastifyAdapter());
    document = createOpenApiDocument(app);
  });

  afterAll(() => app.close());

  it.each(UPSTREAM.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('has %s with upstream’s field names', (_name, route) => {
    const operation = document.paths[route.path]?.[route.method as 'get'];
    expect(operation).toBeDefined();
    if (route.body) {
      const schema = (operation!.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
      expect(bodyFields(document, schema).sort()).toEqual(expect.arrayContaining([...route.body].sort()));
    }
    if (route.query) {
      const names = (operation!.parameters ?? []).filter((p) => 'in' in p && p.in === 'query').map((p) => (p as { name: string }).name);
      expect(names).toEqual(expect.arrayContaining(route.query));
    }
  });

  it('documents the rules of the write body', () => {
    const memory = document.components?.schemas?.CreateMemoryRequestDto as { required?: string[]; properties: Record<string, Record<string, unknown>> };
    expect(memory.required?.sort()).toEqual(['agent_id', 'content']);
    expect(memory.properties.memory_type).toMatchObject({ enum: ['episodic', 'session', 'decision', 'entity'], default: 'episodic' });
    expect(memory.properties.tags).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(memory.properties.importance).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
  });

  it('is not itself a documented route', () => {
    expect(document.paths['/api/openapi.json']).toBeUndefined();
  });
});
