import { agentAliases, AgentRepository } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import { AgentDirectoryVersion } from '@memtrace/tenancy';
import { AgentAliases } from './agent-aliases';

describe('AgentAliases', () => {
  function setup() {
    const registry = new Map<string, { id: string; name: string }>();
    let version = 0;
    let redisUp = true;
    const lookups: string[] = [];
    const agents = {
      aliases: async (_org: string, key: string) => {
        lookups.push(key);
        return agentAliases(key, [...registry.values()].find((a) => a.id === key || a.name === key) ?? null);
      },
    };
    const directory = {
      current: async () => {
        if (!redisUp) throw new Error('ECONNREFUSED');
        return String(version);
      },
    };
    const aliases = new AgentAliases(agents as unknown as AgentRepository, directory as unknown as AgentDirectoryVersion, AppConfig.fromEnv({}));
    return {
      aliases,
      lookups,
      register(agent: { id: string; name: string }) {
        registry.set(agent.id, agent);
        version += 1;
      },
      redisDown: () => (redisUp = false),
    };
  }

  it('answers repeated reads of an unregistered id from its cache', async () => {
    const { aliases, lookups } = setup();
    for (let i = 0; i < 3; i++) expect(await aliases.of('org_a', 'support_agent')).toEqual(['support_agent']);
    expect(lookups).toEqual(['support_agent']);
  });

  it('sees a registration at once: the bumped version makes the cached answer stale', async () => {
    const world = setup();
    expect(await world.aliases.of('org_a', 'billing-bot')).toEqual(['billing-bot']);
    world.register({ id: 'agent_1', name: 'billing-bot' });
    expect(await world.aliases.of('org_a', 'billing-bot')).toEqual(['billing-bot', 'agent_1']);
    expect(world.lookups).toHaveLength(2);
  });

  it('keeps orgs apart and asks PostgreSQL every time while Redis is unreachable', async () => {
    const world = setup();
    await world.aliases.of('org_a', 'x');
    await world.aliases.of('org_b', 'x');
    expect(world.lookups).toHaveLength(2);
    world.redisDown();
    await world.aliases.of('org_a', 'x');
    await world.aliases.of('org_a', 'x');
    expect(world.lookups).toHaveLength(4);
  });
});
