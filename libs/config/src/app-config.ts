import { Env, loadEnv } from './env.config';

/** Typed, nested view of the environment, injected where needed (token `AppConfig`). */
export class AppConfig {
  readonly database: { url: string };
  readonly redis: { url: string; prefix: string };
  readonly masterKey: { current?: string; previous?: string };
  readonly http: { host: string; gatewayPort: number; adminPort: number; bodyLimitBytes: number };
  readonly log: { level: Env['MEMTRACE_LOG_LEVEL'] };
  readonly bootstrap: { keyFile?: string; operatorOrgId: string };
  readonly dataDir: string;
  readonly auth: { cacheTtlMs: number };

  constructor(env: Env) {
    this.database = { url: env.DATABASE_URL };
    this.redis = { url: env.REDIS_URL, prefix: env.MEMTRACE_REDIS_PREFIX };
    this.masterKey = { current: env.MEMTRACE_MASTER_KEY || undefined, previous: env.MEMTRACE_MASTER_KEY_PREVIOUS || undefined };
    this.http = {
      host: env.MEMTRACE_SERVER_HOST,
      gatewayPort: env.MEMTRACE_SERVER_PORT,
      adminPort: env.MEMTRACE_ADMIN_PORT,
      bodyLimitBytes: env.MEMTRACE_BODY_LIMIT_BYTES,
    };
    this.log = { level: env.MEMTRACE_LOG_LEVEL };
    this.bootstrap = { keyFile: env.MEMTRACE_BOOTSTRAP_KEY_FILE || undefined, operatorOrgId: env.MEMTRACE_OPERATOR_ORG };
    this.dataDir = env.MEMTRACE_DATA_DIR;
    this.auth = { cacheTtlMs: env.MEMTRACE_AUTH_CACHE_TTL_MS };
  }

  static fromEnv(source: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(loadEnv(source));
  }
}
