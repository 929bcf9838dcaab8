#!/usr/bin/env bash
# Installs (from Debian packages) and starts the services Warden's tests need, on loopback only:
#   PostgreSQL on 127.0.0.1:${WARDEN_PG_PORT:-55432}, Redis on 127.0.0.1:${WARDEN_REDIS_PORT:-56379}.
# Idempotent: safe to run again. Prints the environment variables the tests read.
# Usage: eval "$(scripts/services.sh)"
set -euo pipefail
PG_PORT=${WARDEN_PG_PORT:-55432}
REDIS_PORT=${WARDEN_REDIS_PORT:-56379}
STATE=${WARDEN_SERVICES_DIR:-/tmp/warden-services}
log() { printf '[services] %s\n' "$*" >&2; }

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$STATE"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PGDATA=$STATE/pg
if ! "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q 2>/dev/null; then
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "initialising PostgreSQL in $PGDATA"
    rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chown -R postgres:postgres "$STATE"
    su postgres -s /bin/sh -c "$PGBIN/initdb -D '$PGDATA' -U postgres --auth=trust -E UTF8" >/dev/null
  fi
  chown -R postgres:postgres "$STATE"
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D '$PGDATA' -l '$STATE/pg.log' -w -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$STATE -c max_connections=200\" start" >/dev/null
  log "PostgreSQL started on 127.0.0.1:$PG_PORT"
fi
"$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='warden'" | grep -q 1 \
  || "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE warden LOGIN PASSWORD 'warden' CREATEDB" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='warden_test'" | grep -q 1 \
  || "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE warden_test OWNER warden" >/dev/null

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  log "Redis started on 127.0.0.1:$REDIS_PORT"
fi

echo "export WARDEN_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=warden;Password=warden;Database=warden_test'"
echo "export WARDEN_TEST_REDIS='127.0.0.1:$REDIS_PORT'"
