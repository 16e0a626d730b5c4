#!/usr/bin/env bash
# Starts a private, throw-away MariaDB server for the mysql connector's integration tests and
# prints `TEST_MYSQL_URL=mysql://…` on its last line of stdout.
#
#   eval "$(bash scripts/start-mariadb.sh | tail -n 1 | sed 's/^/export /')"
#   npx vitest run --config vitest.mysql.config.ts
#   bash scripts/start-mariadb.sh stop
#
# What it does:
#  - when no mariadbd/mysqld binary exists and it runs as root with apt-get (Debian), installs
#    Debian's mariadb-server package (apt-get update + apt-get install -y --no-install-recommends);
#  - initialises a data directory under ${ETL_MARIADB_DIR:-/tmp/etl-mariadb} (wiped each start);
#  - starts mariadbd in the background on 127.0.0.1 and a free TCP port (never on another
#    address), as the `mysql` user when run as root, with small buffers;
#  - creates database `etl_test` and user `etl` (password `etl-test-pw`, all privileges: it is a private
#    test server) and prints the URL. `stop` shuts the server down.
set -euo pipefail

DIR="${ETL_MARIADB_DIR:-/tmp/etl-mariadb}"
SOCK="$DIR/mysqld.sock"
PIDFILE="$DIR/mysqld.pid"

log() { echo "start-mariadb: $*" >&2; }

find_server() {
  for b in mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}

stop_server() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    log "stopped server (pid $pid)"
  fi
}

if [ "${1:-}" = "stop" ]; then stop_server; exit 0; fi

SERVER="$(find_server || true)"
if [ -z "$SERVER" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's mariadb-server (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends mariadb-server >&2
    SERVER="$(find_server)"
  else
    log "no mariadbd/mysqld found; install mariadb-server (needs root on Debian) or set TEST_MYSQL_URL yourself"
    exit 1
  fi
fi

stop_server
rm -rf "$DIR"
mkdir -p "$DIR/data"
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  id mysql >/dev/null 2>&1 || useradd --system --no-create-home mysql
  chown -R mysql:mysql "$DIR"
  RUN_AS=(--user=mysql)
fi

INSTALL_DB="$(command -v mariadb-install-db || command -v mysql_install_db)"
"$INSTALL_DB" "${RUN_AS[@]}" --datadir="$DIR/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$DIR/install.log" 2>&1 || { cat "$DIR/install.log" >&2; exit 1; }

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
setsid "$SERVER" --no-defaults "${RUN_AS[@]}" --datadir="$DIR/data" --socket="$SOCK" --pid-file="$PIDFILE" \
  --bind-address=127.0.0.1 --port="$PORT" --skip-name-resolve --log-error="$DIR/error.log" \
  --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --max-connections=100 \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  </dev/null >/dev/null 2>&1 &

CLIENT="$(command -v mariadb || command -v mysql)"
for _ in $(seq 1 150); do
  if "$CLIENT" --no-defaults --socket="$SOCK" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 0.2
done
"$CLIENT" --no-defaults --socket="$SOCK" -uroot -e 'SELECT 1' >/dev/null 2>&1 || { tail -n 20 "$DIR/error.log" >&2; exit 1; }

"$CLIENT" --no-defaults --socket="$SOCK" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS etl_test CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'etl'@'127.0.0.1' IDENTIFIED BY 'etl-test-pw';
CREATE USER IF NOT EXISTS 'etl'@'localhost' IDENTIFIED BY 'etl-test-pw';
GRANT ALL PRIVILEGES ON *.* TO 'etl'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'etl'@'localhost';
SQL

log "MariaDB $("$CLIENT" --no-defaults --socket="$SOCK" -uroot -N -e 'SELECT VERSION()') on 127.0.0.1:$PORT (data in $DIR)"
echo "TEST_MYSQL_URL=mysql://etl:etl-test-pw@127.0.0.1:$PORT/etl_test"
