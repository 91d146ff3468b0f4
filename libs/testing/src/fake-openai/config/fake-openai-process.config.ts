// Options of the stand-alone fake (main.ts), read from FAKE_OPENAI_* variables and overridden by
// --kebab-case flags, then validated once. The only place the fake reads process.env.
import { z } from 'zod';
import type { FakeOpenAIOptions } from '../fake-openai.types';

const processConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  /** Exit when stdin ends: the spawn helper's pipe closes if the test process dies. */
  exitOnStdinEnd: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});

const FLAGS = { port: 'port', host: 'host', 'exit-on-stdin-end': 'exitOnStdinEnd' } as const;

export interface FakeOpenAIProcessConfig {
  options: FakeOpenAIOptions;
  exitOnStdinEnd: boolean;
}

export function loadFakeOpenAIProcessConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): FakeOpenAIProcessConfig {
  const raw: Record<string, string | undefined> = { port: env.FAKE_OPENAI_PORT || undefined, host: env.FAKE_OPENAI_HOST || undefined };
  for (let i = 0; i < argv.length; i++) {
    // `--port 4010` and `--port=4010` both work.
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    const key = match && Object.hasOwn(FLAGS, match[1]) ? FLAGS[match[1] as keyof typeof FLAGS] : undefined;
    if (!match || !key) throw new Error(`unexpected argument: ${argv[i]} (flags: --port, --host, --exit-on-stdin-end)`);
    raw[key] = match[2] ?? argv[++i] ?? '';
  }
  const { exitOnStdinEnd, ...options } = processConfigSchema.parse(raw);
  return { options, exitOnStdinEnd: exitOnStdinEnd ?? false };
}
