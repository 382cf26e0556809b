#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + PostGIS cluster for the PostGIS tests.
#
#   eval "$(bash scripts/pg_test_server.sh start)"   # prints `export PMIEK_PG_URI=...` lines
#   bash scripts/pg_test_server.sh stop               # stops the cluster and removes its folder
#
# Uses Debian's binaries (postgresql-15, postgresql-15-postgis-3, installed by `make setup`).
# The cluster lives in a fresh temp folder, listens on localhost only on a free port, and
# is owned by user postgres when we run as root (initdb refuses root).  Only the export
# lines go to stdout; progress and errors go to stderr.
set -euo pipefail

PGBIN=${PMIEK_PGBIN:-/usr/lib/postgresql/15/bin}
# /tmp (not $TMPDIR): user postgres must be able to reach the folder. Override with PMIEK_PG_TMP.
BASE=${PMIEK_PG_TMP:-/tmp}
STATE_FILE=$BASE/pmiek_pg_test_server.$(id -u).last
DBNAME=pmiek_test

log() { echo "pg_test_server: $*" >&2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

free_port() {
  local py
  py=$(command -v python3 || echo /usr/bin/python3)
  "$py" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

start() {
  for b in initdb pg_ctl postgres; do
    if [ ! -x "$PGBIN/$b" ]; then
      log "$PGBIN/$b ontbreekt; installeer postgresql-15 en postgresql-15-postgis-3 (make setup)."
      exit 1
    fi
  done
  if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    log "PostGIS ontbreekt (postgresql-15-postgis-3); voer 'make setup' uit."
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! getent passwd postgres >/dev/null; then
    log "gebruiker postgres bestaat niet (hoort bij het Debian-pakket postgresql-15)."
    exit 1
  fi
  local dir
  dir=$(mktemp -d "$BASE/pmiek-pg.XXXXXX")
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  local pass
  pass=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The password file is only for initdb; it is removed straight after.
  printf '%s\n' "$pass" >"$dir/pw"
  chmod 600 "$dir/pw"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pw"
  if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    exit 1
  fi
  rm -f "$dir/pw"
  local port tries=0
  while :; do
    port=$(free_port)
    if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=localhost -p $port -k $dir -c fsync=off -c full_page_writes=off" \
        start >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ $tries -ge 5 ]; then
      log "server start failed:"
      tail -n 30 "$dir/server.log" >&2 || true
      rm -rf "$dir"
      exit 1
    fi
  done
  echo "$dir" >"$STATE_FILE"
  if ! as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
      -c "CREATE DATABASE $DBNAME" >&2 ||
     ! as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d "$DBNAME" \
      -c "CREATE EXTENSION postgis" >&2; then
    log "database/PostGIS aanmaken mislukt"
    stop_dir "$dir"
    exit 1
  fi
  log "PostgreSQL + PostGIS draait op localhost:$port (map $dir)"
  echo "export PMIEK_PG_DIR=$dir"
  echo "export PMIEK_PG_PORT=$port"
  echo "export PMIEK_PG_URI=postgresql://postgres:$pass@localhost:$port/$DBNAME"
}

stop_dir() {
  local dir=$1
  case "$dir" in
    */pmiek-pg.*) ;;
    *) log "weiger te verwijderen: $dir"; return 1 ;;
  esac
  if [ -d "$dir/data" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

stop() {
  local dir=${PMIEK_PG_DIR:-}
  if [ -z "$dir" ] && [ -f "$STATE_FILE" ]; then
    dir=$(cat "$STATE_FILE")
  fi
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    log "geen draaiende testserver gevonden"
    rm -f "$STATE_FILE"
    return 0
  fi
  stop_dir "$dir"
  if [ -f "$STATE_FILE" ] && [ "$(cat "$STATE_FILE")" = "$dir" ]; then
    rm -f "$STATE_FILE"
  fi
  log "gestopt en verwijderd: $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "gebruik: $0 start|stop" >&2; exit 2 ;;
esac
