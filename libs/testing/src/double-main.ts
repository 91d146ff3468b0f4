// The process side of a test double (the Arc double, the fake OpenAI and Anthropic APIs): how its
// settings are read, and how it announces itself and shuts down. The spawning side is
// double-process.ts.

/**
 * A double's raw settings: `<PREFIX>_<SNAKE_CASE>` variables, overridden by `--kebab-case` flags
 * (`--port 4010` or `--port=4010`). Unknown flags are refused; values are validated by the caller.
 */
export function readDoubleSettings(
  prefix: string,
  keys: readonly string[],
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const value = env[`${prefix}_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument: ${argv[i]}`);
    const key = match[1].replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (!keys.includes(key)) throw new Error(`unknown flag: --${match[1]} (flags: ${keys.map(kebab).join(', ')})`);
    raw[key] = match[2] ?? argv[++i] ?? '';
  }
  return raw;
}

function kebab(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export interface RunningDouble {
  /** What the "listening" line carries besides the event and pid (ports, urls). */
  ready: Record<string, unknown>;
  stop(): Promise<void>;
  /** Exit when stdin ends: the spawn helper's pipe closes if the test process dies. */
  exitOnStdinEnd: boolean;
}

/**
 * Starts a double and prints one JSON line `{"event":"listening",…}` on stdout once it accepts
 * requests (stdout stays machine-readable; logs go to stderr). SIGTERM, SIGINT and, if asked, the
 * end of stdin stop it; a failed start prints `{"event":"failed"}` and exits 1.
 */
export function runDouble(start: () => Promise<RunningDouble>): void {
  start()
    .then((double) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        double.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
      if (double.exitOnStdinEnd) {
        process.stdin.on('end', shutdown);
        process.stdin.on('error', shutdown);
        process.stdin.resume();
      }
      process.stdout.write(`${JSON.stringify({ event: 'listening', ...double.ready, pid: process.pid })}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${JSON.stringify({ event: 'failed', error: (error as Error).message })}\n`);
      process.exit(1);
    });
}
