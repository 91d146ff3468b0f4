#!/bin/sh
# Entry point of the Memtrace image, also usable straight from a built checkout:
#   sh docker/entrypoint.sh <command> [args…]
# It runs from MEMTRACE_HOME: the directory holding dist/, node_modules/, bin/ and prisma/.
# Default: the parent of this script's directory (/app in the image, the repo root in a checkout).
# Relative paths in the environment (MEMTRACE_DATA_DIR, MEMTRACE_BOOTSTRAP_KEY_FILE) are taken
# relative to it.
set -eu

usage() {
  cat <<'USAGE'
usage: entrypoint.sh <command> [args…]

servers (run in the foreground; SIGTERM drains and exits 0):
  gateway         public REST API and MCP (MEMTRACE_SERVER_PORT, 9100)
  admin           admin API (MEMTRACE_ADMIN_PORT, 9101); bootstraps org_default on an empty database
  ingest-worker   writes queued memories to each org's store (probes on MEMTRACE_WORKER_PORT, 9102)
  query           internal read service for gateways (TCP, MEMTRACE_QUERY_PORT, 9103)
  standalone      all four in one process, with the embedded DuckDB store

one-shot:
  migrate         apply pending database migrations to DATABASE_URL (prisma migrate deploy), then exit
  cli [args…]     the memtrace admin CLI, e.g. `cli org list --json`, `cli --help`
  healthcheck [app]
                  exit 0 if the server answers on its own port: GET /health for the HTTP apps, a TCP
                  connect for query; without [app], the server running as PID 1 (the container's)
USAGE
}

die() {
  printf 'entrypoint: %s\n' "$1" >&2
  exit "${2:-1}"
}

if [ -z "${MEMTRACE_HOME:-}" ]; then
  MEMTRACE_HOME=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
fi
cd "$MEMTRACE_HOME" || die "cannot enter MEMTRACE_HOME=$MEMTRACE_HOME"
export MEMTRACE_HOME

# The Prisma CLI otherwise calls home (checkpoint.prisma.io) on every run.
: "${CHECKPOINT_DISABLE:=1}"
export CHECKPOINT_DISABLE

require_build() {
  [ -f dist/apps/gateway/src/main.js ] || die "no build in $MEMTRACE_HOME/dist: run \`npm run build\` first"
}

no_more_args() {
  if [ "$#" -gt 0 ]; then
    printf 'entrypoint: %s takes no arguments (configure it with environment variables)\n' "$cmd" >&2
    usage >&2
    exit 64
  fi
}

# The app a container runs, from PID 1's command line: `node dist/apps/<app>/src/main.js` (the server
# commands exec node), or `docker-init -- …/entrypoint.sh <app>` under `docker run --init`.
running_app() {
  [ -r /proc/1/cmdline ] || return 0
  tr '\0' '\n' </proc/1/cmdline | awk '
    prev ~ /entrypoint\.sh$/ { print; exit }
    /dist\/apps\/[a-z-]+\/src\/main\.js$/ { sub(/^.*dist\/apps\//, ""); sub(/\/src\/main\.js$/, ""); print; exit }
    { prev = $0 }'
}

if [ "$#" -eq 0 ]; then
  usage >&2
  exit 64
fi
cmd=$1
shift

case "$cmd" in
  gateway | admin | ingest-worker | query | standalone)
    no_more_args "$@"
    require_build
    exec node "dist/apps/$cmd/src/main.js"
    ;;
  migrate)
    no_more_args "$@"
    [ -n "${DATABASE_URL:-}" ] || die 'migrate: set DATABASE_URL to the database to migrate'
    exec node node_modules/prisma/build/index.js migrate deploy
    ;;
  cli)
    require_build
    exec node bin/memtrace.js "$@"
    ;;
  healthcheck)
    app=${1:-$(running_app)}
    [ -n "$app" ] || die 'healthcheck: name the app (gateway, admin, ingest-worker, query, standalone): no server runs as PID 1' 64
    require_build
    exec node docker/healthcheck.js "$app"
    ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    printf 'entrypoint: unknown command: %s\n' "$cmd" >&2
    usage >&2
    exit 64
    ;;
esac
