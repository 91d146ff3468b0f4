// The control port: a tiny JSON API for tests, on its own listener because the data port may
// be "down". GET /faults, POST /faults {…}, GET /stats, POST /flush, POST /reset, GET /health.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import type { ArcDoubleFaults, ArcDoubleStats } from '../arc-double.types';
import { readRequestBody } from './request-body.reader';

export interface ControlActions {
  faults(): ArcDoubleFaults;
  setFaults(patch: Partial<ArcDoubleFaults>): Promise<ArcDoubleFaults>;
  stats(): ArcDoubleStats;
  flush(): Promise<void>;
  reset(): Promise<void>;
}

const CONTROL_BODY_LIMIT = 64 * 1024;

export async function serveControl(actions: ControlActions, incoming: IncomingMessage, outgoing: ServerResponse) {
  const send = (status: number, body: unknown) =>
    outgoing.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const path = new URL(incoming.url ?? '/', 'http://control').pathname;
  const route = `${incoming.method ?? 'GET'} ${path}`;
  const read = await readRequestBody(incoming, CONTROL_BODY_LIMIT);
  try {
    switch (route) {
      case 'GET /health':
        return send(200, { status: 'ok' });
      case 'GET /faults':
        return send(200, actions.faults());
      case 'POST /faults': {
        if (read.kind !== 'ok') return send(413, { error: 'body too large' });
        const text = read.body.toString('utf8').trim();
        return send(200, await actions.setFaults(text === '' ? {} : (JSON.parse(text) as Partial<ArcDoubleFaults>)));
      }
      case 'GET /stats':
        return send(200, actions.stats());
      case 'POST /flush':
        await actions.flush();
        return send(200, { status: 'flushed' });
      case 'POST /reset':
        await actions.reset();
        return send(200, { status: 'reset' });
      default:
        return send(404, { error: `Cannot ${route}` });
    }
  } catch (error) {
    if (error instanceof ZodError || error instanceof SyntaxError) return send(400, { error: error.message });
    return send(500, { error: (error as Error).message });
  }
}
