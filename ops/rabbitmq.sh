#!/usr/bin/env bash
# RabbitMQ for the event broker (analytics): Debian's rabbitmq-server as a project-local node on loopback.
#
#   ops/rabbitmq.sh [start|stop|status]      (default: start; idempotent; `make services` calls it)
#   ops/rabbitmq.sh ctl list_queues -p brandstation name messages consumers     (rabbitmqctl on this node)
#
# Installs rabbitmq-server with apt-get when missing (root or sudo; the package's own service is not started), then
# runs this project's node, never the system one: AMQP on 127.0.0.1:$BRANDSTATION_RABBITMQ_PORT (default 55672),
# Erlang distribution on 127.0.0.1:$BRANDSTATION_RABBITMQ_DIST_PORT (default port + 1), CLI tools on the ten ports
# after that, its own epmd on 127.0.0.1:$BRANDSTATION_EPMD_PORT (default 54369); data, logs, the Erlang cookie and
# the config under var/services/rabbitmq. User and vhost `brandstation` (password $BRANDSTATION_RABBITMQ_PASSWORD,
# default `brandstation`); the default `guest` user is deleted. As root the node runs as the `rabbitmq` system user
# the package creates. The node starts in 5-6.5 s on a 2-core VM (the script prints it; 7.5-10 s for the whole
# script, user and vhost included; 2 s when already running).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/var/services/rabbitmq"
PORT="${BRANDSTATION_RABBITMQ_PORT:-55672}"
DIST_PORT="${BRANDSTATION_RABBITMQ_DIST_PORT:-$((PORT + 1))}"
EPMD_PORT="${BRANDSTATION_EPMD_PORT:-54369}"
USER_NAME=brandstation
VHOST=brandstation
PASSWORD="${BRANDSTATION_RABBITMQ_PASSWORD:-brandstation}"
NODE="brandstation-$PORT@localhost"   # one node per project port: never the system's rabbit@<host>
BIN=/usr/lib/rabbitmq/bin              # the real scripts; /usr/sbin's wrapper su's to rabbitmq and drops our env
LOOPBACK="-kernel inet_dist_use_interface {127,0,0,1}"

rmq() {  # rmq cmd args...: a RabbitMQ script with this node's environment, as the node's owner
  local env=(
    HOME="$DATA/home" LC_ALL=C.UTF-8 PATH="$PATH"
    RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$PORT"
    RABBITMQ_DIST_PORT="$DIST_PORT" RABBITMQ_CTL_DIST_PORT_MIN="$((DIST_PORT + 1))"
    RABBITMQ_CTL_DIST_PORT_MAX="$((DIST_PORT + 10))" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="$LOOPBACK" RABBITMQ_CTL_ERL_ARGS="$LOOPBACK"
    RABBITMQ_MNESIA_BASE="$DATA/mnesia" RABBITMQ_LOG_BASE="$DATA/log" RABBITMQ_PID_FILE="$DATA/rabbitmq.pid"
    RABBITMQ_CONFIG_FILE="$DATA/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$DATA/enabled_plugins"
    RABBITMQ_CONF_ENV_FILE="$DATA/rabbitmq-env.conf"
  )
  local cmd="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u rabbitmq -- env -i "${env[@]}" "$BIN/$cmd" "$@"
  else
    env -i "${env[@]}" "$BIN/$cmd" "$@"
  fi
}

install_package() {
  [ -x "$BIN/rabbitmq-server" ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing rabbitmq-server (apt-get) ..."
  $sudo apt-get update -q
  # policy-rc.d 101: the package's own system service is not started; we run our own node.
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends rabbitmq-server
}

running() {  # the pid file's process first: rabbitmqctl alone would start an epmd just to ask
  [ -f "$DATA/rabbitmq.pid" ] && kill -0 "$(cat "$DATA/rabbitmq.pid")" 2>/dev/null &&
    rmq rabbitmqctl -q -n "$NODE" status >/dev/null 2>&1
}

start_node() {
  mkdir -p "$DATA/home" "$DATA/mnesia" "$DATA/log"
  [ -f "$DATA/rabbitmq.conf" ] || printf '%s\n' "# written by ops/rabbitmq.sh" "log.console = false" \
    "log.file.level = info" "disk_free_limit.absolute = 200MB" > "$DATA/rabbitmq.conf"
  [ -f "$DATA/enabled_plugins" ] || echo "[]." > "$DATA/enabled_plugins"   # no management UI: nothing but AMQP
  touch "$DATA/rabbitmq-env.conf"                                           # not /etc/rabbitmq/rabbitmq-env.conf
  [ "$(id -u)" -eq 0 ] && chown -R rabbitmq: "$DATA" && chmod 700 "$DATA/home"
  if running; then
    echo "rabbitmq: already running on 127.0.0.1:$PORT (node $NODE)"
  else
    local t0 t1
    t0="$(date +%s.%N)"
    rm -f "$DATA/rabbitmq.pid"
    # setsid: the node outlives this script and is not in its process group
    setsid "${BASH_SOURCE[0]}" foreground > "$DATA/log/startup.log" 2>&1 < /dev/null &
    if ! rmq rabbitmqctl -q -n "$NODE" wait "$DATA/rabbitmq.pid" --timeout 120 >/dev/null 2>&1; then
      echo "rabbitmq: did not start; see $DATA/log/" >&2
      tail -n 20 "$DATA/log/startup.log" >&2 || true
      exit 1
    fi
    t1="$(date +%s.%N)"
    echo "rabbitmq: started on 127.0.0.1:$PORT (node $NODE, data $DATA) in $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s"
  fi
  if ! rmq rabbitmqctl -q -n "$NODE" list_users | grep -q "^$USER_NAME\b"; then
    rmq rabbitmqctl -q -n "$NODE" add_user "$USER_NAME" "$PASSWORD" >/dev/null
    rmq rabbitmqctl -q -n "$NODE" delete_user guest >/dev/null 2>&1 || true
  else
    rmq rabbitmqctl -q -n "$NODE" change_password "$USER_NAME" "$PASSWORD" >/dev/null
  fi
  rmq rabbitmqctl -q -n "$NODE" list_vhosts | grep -qx "$VHOST" || rmq rabbitmqctl -q -n "$NODE" add_vhost "$VHOST"
  rmq rabbitmqctl -q -n "$NODE" set_permissions -p "$VHOST" "$USER_NAME" ".*" ".*" ".*" >/dev/null
}

stop_node() {
  if running; then
    rmq rabbitmqctl -q -n "$NODE" stop "$DATA/rabbitmq.pid" >/dev/null 2>&1 || true
    echo "rabbitmq: stopped"
  else
    echo "rabbitmq: not running"
  fi
  # our epmd (started by the node, outlives it); never the system's on 4369
  if command -v epmd >/dev/null 2>&1; then ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true; fi
}

case "${1:-start}" in
  start) install_package; start_node ;;
  foreground) rmq rabbitmq-server ;;    # what `start` runs in the background (setsid)
  ctl) shift; rmq rabbitmqctl -n "$NODE" "$@" ;;  # e.g. ops/rabbitmq.sh ctl list_queues -p brandstation name messages
  stop) [ -x "$BIN/rabbitmqctl" ] && stop_node || echo "rabbitmq: not installed" ;;
  status)
    if [ -x "$BIN/rabbitmqctl" ] && running; then
      echo "rabbitmq: running on 127.0.0.1:$PORT (node $NODE)"
    else
      echo "rabbitmq: not running on 127.0.0.1:$PORT"; exit 3
    fi ;;
  *) echo "usage: $0 [start|stop|status|ctl RABBITMQCTL-ARGS...]" >&2; exit 2 ;;
esac
