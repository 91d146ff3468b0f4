# Memtrace: one image for every process. The first argument picks the process
# (docker/entrypoint.sh: gateway | admin | ingest-worker | query | standalone | migrate | cli | healthcheck).
#   docker build -t memtrace:local .
#   docker run --rm memtrace:local cli --help
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: the full dependency set, Prisma client generation, swc to dist/, the SDK build ---------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1
# The manifests first, so the dependency layer survives source edits. libs/sdk is an npm workspace:
# npm ci needs its package.json. No install script is needed (DuckDB and swc come as prebuilt
# per-platform packages; Prisma runs its JS engines), and @prisma/engines' would try to download
# native engines, so none run; package.json `allowScripts` records the same decision for npm 11.
COPY package.json package-lock.json ./
COPY libs/sdk/package.json libs/sdk/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# `npm run build` = node scripts/setup.js build: prisma generate (it sets DATABASE_URL itself; no
# database is contacted), swc apps/libs/generated -> dist/, tsc for @memtrace/sdk.
# Specs and fixtures are never compiled; the test programs swc also compiles (libs/testing: the Arc
# double, the fake model APIs, the test harness, which e2e suites spawn from dist/) are dropped.
RUN npm run build \
 && rm -rf dist/libs/testing

# --- runtime: production dependencies, the compiled code, migrations --------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    MEMTRACE_HOME=/app
COPY package.json package-lock.json ./
COPY libs/sdk/package.json libs/sdk/
# prisma (the CLI behind `migrate`), @prisma/adapter-pg and pg are production dependencies, and
# the Prisma CLI loads prisma.config.ts with its own TypeScript loader (jiti): `migrate` needs
# nothing from devDependencies.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
# dist/ holds everything the processes load, including the generated Prisma client
# (dist/generated; the generated/ TypeScript sources are not needed at run time).
# scripts/ is not copied: setup.js builds with swc, a dev dependency absent here.
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY docker ./docker
# Writable places for the non-root user: ./data for the standalone's DuckDB file
# (MEMTRACE_DATA_DIR), /var/lib/memtrace for MEMTRACE_BOOTSTRAP_KEY_FILE. A named volume mounted
# on either starts with this ownership.
RUN chmod 0755 docker/entrypoint.sh \
 && mkdir -p /app/data /var/lib/memtrace \
 && chown node:node /app/data /var/lib/memtrace
USER node
# gateway, admin, ingest-worker probes, query RPC; metrics 9190-9193 bind loopback unless
# MEMTRACE_METRICS_HOST opens them.
EXPOSE 9100 9101 9102 9103
# Probes the server this container runs (found from PID 1); a `migrate` or `cli` container has no
# server and reports unhealthy, so compose disables the check for those.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/app/docker/entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
