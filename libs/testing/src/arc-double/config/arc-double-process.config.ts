// Options of the stand-alone double (main.ts), read from ARC_DOUBLE_* variables and overridden
// by --kebab-case flags, then validated once. The only place the double reads process.env.
import { z } from 'zod';
import { readDoubleSettings } from '../../double-main';
import type { ArcDoubleOptions } from '../arc-double.types';

const permission = z.enum(['read', 'write', 'delete', 'admin']);
const integer = z.coerce.number().int().min(0);

const processConfigSchema = z.object({
  port: integer.max(65535).optional(),
  controlPort: integer.max(65535).optional(),
  host: z.string().min(1).optional(),
  maxBufferAgeMs: integer.optional(),
  maxBufferSize: integer.min(1).optional(),
  maxPayloadBytes: integer.min(1).optional(),
  deleteEnabled: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug']).optional(),
  /** Exit when stdin ends: the spawn helper's pipe closes if the test process dies. */
  exitOnStdinEnd: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  /** JSON: {"<token>": ["read", "write", ...]}. Absent means auth off. */
  tokens: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'tokens must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.array(permission)))
    .optional(),
});

const KEYS = [
  'port',
  'controlPort',
  'host',
  'maxBufferAgeMs',
  'maxBufferSize',
  'maxPayloadBytes',
  'deleteEnabled',
  'logLevel',
  'tokens',
  'exitOnStdinEnd',
] as const;

export interface ArcDoubleProcessConfig {
  options: ArcDoubleOptions;
  exitOnStdinEnd: boolean;
}

export function loadArcDoubleProcessConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ArcDoubleProcessConfig {
  const raw = readDoubleSettings('ARC_DOUBLE', KEYS, argv, env);
  const parsed = processConfigSchema.parse(raw);
  const { tokens, exitOnStdinEnd, ...rest } = parsed;
  return { options: { ...rest, auth: tokens ?? false }, exitOnStdinEnd: exitOnStdinEnd ?? false };
}
