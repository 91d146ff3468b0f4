import { ArgumentsHost } from '@nestjs/common';
import { AppError, ERROR_STATUS, noStoreBinding, RpcErrorPayload } from '@memtrace/contracts';
import { StoreRejectedError, StoreUnavailableError } from '@memtrace/store';
import pino from 'pino';
import { firstValueFrom } from 'rxjs';
import { z } from 'zod';
import { QueryRpcFilter } from './query-rpc.filter';

const host = { switchToRpc: () => ({ getContext: () => ({ getPattern: () => 'query.test.v1' }) }) } as unknown as ArgumentsHost;

async function payloadOf(error: unknown): Promise<RpcErrorPayload> {
  const filter = new QueryRpcFilter(pino({ level: 'silent' }));
  return firstValueFrom(filter.catch(error, host)).then(
    () => {
      throw new Error('expected an error');
    },
    (payload: RpcErrorPayload) => payload,
  );
}

describe('QueryRpcFilter', () => {
  it('passes AppErrors on with code, message and hint', async () => {
    await expect(payloadOf(new AppError('bad_request', 'invalid agent_id: x'))).resolves.toEqual({ code: 'bad_request', message: 'invalid agent_id: x' });
    await expect(payloadOf(noStoreBinding('org_a'))).resolves.toMatchObject({ code: 'no_store_binding', message: 'no arc instance configured for this org', hint: expect.stringContaining('org_a') });
  });

  it('maps store failures: unavailable → 503 with a hint, rejected → 400', async () => {
    const down = await payloadOf(new StoreUnavailableError('connect ECONNREFUSED'));
    expect(down).toMatchObject({ code: 'store_unavailable', hint: expect.stringContaining('ECONNREFUSED') });
    expect(ERROR_STATUS[down.code as keyof typeof ERROR_STATUS]).toBe(503);
    await expect(payloadOf(new StoreRejectedError('binder error'))).resolves.toMatchObject({ code: 'bad_request' });
  });

  it('hides unknown failures and contract violations behind a generic internal error', async () => {
    const unknown = await payloadOf(new Error('secret stack detail'));
    expect(unknown).toEqual({ code: 'internal', message: 'internal error in the query service' });
    const contract = await payloadOf(z.object({ orgId: z.string() }).safeParse({}).error);
    expect(contract.code).toBe('internal');
  });
});
