import { Injectable } from '@nestjs/common';
import { AgentRepository, SessionRepository } from '@memtrace/catalog';
import { AppError, newId } from '@memtrace/contracts';
import { CreateSessionInput, UpdateSessionInput } from '../agents/agent-body.parser';
import { SessionWire, toSessionWire } from '../agents/agent.mapper';

/** Sessions in PostgreSQL (upstream §7.13–§7.16), always within the caller's org. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly agents: AgentRepository,
  ) {}

  async create(orgId: string, input: CreateSessionInput): Promise<SessionWire> {
    // Upstream surfaced a raw foreign-key error (400); a missing agent is a 404 that says what to do.
    if (!(await this.agents.exists(orgId, input.agentId))) {
      throw new AppError('not_found', `agent '${input.agentId}' not found`, 'sessions belong to a registered agent: POST /api/v1/agents first and use its id');
    }
    return toSessionWire(await this.sessions.create({ id: newId('sess'), orgId, ...input, at: new Date() }));
  }

  async list(orgId: string, agentId?: string): Promise<{ sessions: SessionWire[]; count: number }> {
    const sessions = (await this.sessions.list(orgId, agentId)).map(toSessionWire);
    return { sessions, count: sessions.length };
  }

  async get(orgId: string, id: string): Promise<SessionWire> {
    const row = await this.sessions.get(orgId, id);
    if (!row) throw new AppError('not_found', 'session not found');
    return toSessionWire(row);
  }

  /** Any status string; `closed` sets `closed_at` once; metadata is merged into the stored object. */
  async update(orgId: string, id: string, input: UpdateSessionInput): Promise<SessionWire> {
    const row = await this.sessions.update(orgId, id, { ...input, at: new Date() });
    if (!row) throw new AppError('not_found', 'session not found');
    return toSessionWire(row);
  }
}
