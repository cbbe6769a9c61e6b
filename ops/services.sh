#!/usr/bin/env bash
# `make services`: Debian's PostgreSQL and Redis on loopback with project-local data under var/services/.
#
#   ops/services.sh [start|stop|status]      (default: start; idempotent)
#
# Installs the packages with apt-get when missing (root or sudo), then starts the servers from this project's own
# data directories, never the system clusters: PostgreSQL on 127.0.0.1:$BRANDSTATION_PG_PORT (default 55432) with
# database and user `brandstation` (password $BRANDSTATION_PG_PASSWORD, default `brandstation`), Redis on
# 127.0.0.1:$BRANDSTATION_REDIS_PORT (default 56379). As root the servers run as the `postgres` / `redis` system
# users the packages create (PostgreSQL refuses to run as root). ops/endpoints.scaled.yml points Rasa at them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/var/services"
PG_PORT="${BRANDSTATION_PG_PORT:-55432}"
PG_PASSWORD="${BRANDSTATION_PG_PASSWORD:-brandstation}"
REDIS_PORT="${BRANDSTATION_REDIS_PORT:-56379}"
PGDATA="$DATA/postgres"
PGRUN="$DATA/postgres-run"   # the unix socket; also where pg_ctl's log goes
REDISDIR="$DATA/redis"

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$dir" ] && echo "$dir/$1" || command -v "$1"
}

as_user() {  # as_user USER cmd...: run as USER when we are root, else as ourselves
  local user="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

install_packages() {
  local missing=()
  [ -n "$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)   # make run-scaled's load balancer; never a system service
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing ${missing[*]} (apt-get) ..."
  $sudo apt-get update -q
  # policy-rc.d 101: the packages' own system services are not started; we run our own instances.
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

start_postgres() {
  local owner=postgres
  [ "$(id -u)" -eq 0 ] || owner="$(id -un)"
  mkdir -p "$PGDATA" "$PGRUN"
  [ "$(id -u)" -eq 0 ] && chown "$owner" "$PGDATA" "$PGRUN" && chmod 700 "$PGDATA"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    local pwfile
    pwfile="$(mktemp)"; printf '%s\n' "$PG_PASSWORD" > "$pwfile"; chmod 644 "$pwfile"
    as_user "$owner" "$(pg_bin initdb)" -D "$PGDATA" -U brandstation --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
  fi
  if as_user "$owner" "$(pg_bin pg_ctl)" -D "$PGDATA" status >/dev/null 2>&1; then
    echo "postgresql: already running on 127.0.0.1:$PG_PORT"
  else
    as_user "$owner" "$(pg_bin pg_ctl)" -D "$PGDATA" -l "$PGRUN/postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGRUN -c max_connections=200" >/dev/null
    echo "postgresql: started on 127.0.0.1:$PG_PORT (data $PGDATA, log $PGRUN/postgres.log)"
  fi
  local psql=(as_user "$owner" "$(pg_bin psql)" -h "$PGRUN" -p "$PG_PORT" -U brandstation -d postgres -qtA)
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'brandstation'")" != "1" ]; then
    "${psql[@]}" -c "create database brandstation"
  fi
}

start_redis() {
  mkdir -p "$REDISDIR"
  local user=redis
  [ "$(id -u)" -eq 0 ] || user="$(id -un)"
  [ "$(id -u)" -eq 0 ] && chown "$user" "$REDISDIR"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "redis: already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  as_user "$user" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDISDIR" --daemonize yes \
    --pidfile "$REDISDIR/redis.pid" --logfile "$REDISDIR/redis.log" --appendonly yes --protected-mode yes
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "redis: started on 127.0.0.1:$REDIS_PORT (data $REDISDIR)"
}

stop_all() {
  local owner=postgres
  [ "$(id -u)" -eq 0 ] || owner="$(id -un)"
  if [ -f "$PGDATA/postmaster.pid" ]; then as_user "$owner" "$(pg_bin pg_ctl)" -D "$PGDATA" -m fast -w stop || true; fi
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  echo "stopped"
}

case "${1:-start}" in
  start) install_packages; start_postgres; start_redis
    "$ROOT/ops/rabbitmq.sh" start ;;  # RabbitMQ for the analytics event broker (its own script: install, node, user)
  stop) stop_all
    "$ROOT/ops/rabbitmq.sh" stop ;;
  status)
    "$(pg_bin pg_isready)" -h 127.0.0.1 -p "$PG_PORT" || true
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || true
    "$ROOT/ops/rabbitmq.sh" status || true ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
