import { Injectable } from '@nestjs/common';
import { AgentRepository, SessionRepository } from '@memtrace/catalog';
import { AppError, ID_PATTERN, ID_PATTERN_MESSAGE, newId } from '@memtrace/contracts';
import { CreateSessionRequestDto } from './dto/create-session.request.dto';
import { UpdateSessionRequestDto } from './dto/update-session.request.dto';
import { SessionWire, toSessionWire } from '../agents/agent.mapper';

/**
 * Sessions in PostgreSQL (upstream §7.13–§7.16), always within the caller's org. A session keeps the
 * agent id it was created with: a registered agent's id or name, or a free-form id that memories
 * carry (upstream's quick starts pass `support_agent`). Lookups by agent match any of the agent's
 * aliases (`AgentRepository.aliases`), so an agent's sessions are the same by id and by name.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly agents: AgentRepository,
  ) {}

  async create(orgId: string, input: CreateSessionRequestDto): Promise<SessionWire> {
    const agentId = input.agent_id;
    // A registered name may be any text; anything else must be a valid memory agent id, because the
    // session's memories are written under it.
    if (!ID_PATTERN.test(agentId) && !(await this.agents.findByIdOrName(orgId, agentId))) {
      throw new AppError('bad_request', `invalid agent_id: ${ID_PATTERN_MESSAGE}`);
    }
    return toSessionWire(await this.sessions.create({ id: newId('sess'), orgId, agentId, metadata: input.metadata ?? undefined, at: new Date() }));
  }

  async list(orgId: string, agentId?: string): Promise<{ sessions: SessionWire[]; count: number }> {
    const agentIds = agentId === undefined ? undefined : await this.agents.aliases(orgId, agentId);
    const sessions = (await this.sessions.list(orgId, agentIds)).map(toSessionWire);
    return { sessions, count: sessions.length };
  }

  async get(orgId: string, id: string): Promise<SessionWire> {
    const row = await this.sessions.get(orgId, id);
    if (!row) throw new AppError('not_found', 'session not found');
    return toSessionWire(row);
  }

  /** Any status string; `closed` sets `closed_at` once; metadata is merged into the stored object. */
  async update(orgId: string, id: string, input: UpdateSessionRequestDto): Promise<SessionWire> {
    const row = await this.sessions.update(orgId, id, { status: input.status ?? undefined, metadata: input.metadata ?? undefined, at: new Date() });
    if (!row) throw new AppError('not_found', 'session not found');
    return toSessionWire(row);
  }
}
