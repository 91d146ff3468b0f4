// Options of the stand-alone fake (main.ts), read from FAKE_ANTHROPIC_* variables and overridden by
// --kebab-case flags, then validated once. The only place the fake reads process.env.
import { z } from 'zod';
import { readDoubleSettings } from '../../double-main';
import type { FakeAnthropicOptions } from '../fake-anthropic.types';

const processConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  /** Exit when stdin ends: the spawn helper's pipe closes if the test process dies. */
  exitOnStdinEnd: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});

const KEYS = ['port', 'host', 'apiKey', 'exitOnStdinEnd'] as const;

export interface FakeAnthropicProcessConfig {
  options: FakeAnthropicOptions;
  exitOnStdinEnd: boolean;
}

export function loadFakeAnthropicProcessConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): FakeAnthropicProcessConfig {
  const raw = readDoubleSettings('FAKE_ANTHROPIC', KEYS, argv, env);
  const { exitOnStdinEnd, ...options } = processConfigSchema.parse(raw);
  return { options, exitOnStdinEnd: exitOnStdinEnd ?? false };
}
