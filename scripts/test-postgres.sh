#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (Debian's `postgresql` package, which
# `scripts/setup.sh test` installs): a new cluster in DIR, listening only on a Unix socket in
# DIR (no TCP port is opened), trusting local connections, without fsync (test data only).
#   scripts/test-postgres.sh start DIR [PORT]   prints the SQLAlchemy URL of its `postgres` database
#   scripts/test-postgres.sh stop DIR
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root); as anyone
# else, as that user. Where the `postgres` user
# cannot write to /dev/null (some containers make it root's only), initdb and the server get a
# private mount namespace with a /dev/null of their own.
set -euo pipefail
action=${1:?start or stop}
dir=$(realpath -m "${2:?a folder for the server}")
port=${3:-5432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "test-postgres: PostgreSQL is not installed (scripts/setup.sh test installs it)" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" != 0 ]; then sh -c "$1"; return; fi   # any user but root may run it
  if su postgres -s /bin/sh -c 'test -w /dev/null'; then
    su postgres -s /bin/sh -c "$1"
  else
    unshare -m sh -c "mknod -m 666 '$dir/null' c 1 3 2>/dev/null || true; mount --bind '$dir/null' /dev/null && su postgres -s /bin/sh -c \"\$0\"" "$1"
  fi
}

case $action in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_postgres "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --no-locale >'$dir/initdb.log' 2>&1" \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_postgres "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 start -o \"-p $port -k '$dir' -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" >/dev/null" \
      || { tail -20 "$dir/server.log" >&2; exit 1; }
    echo "postgresql+psycopg://postgres@/postgres?host=$dir&port=$port"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && as_postgres "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
    ;;
  *) echo "test-postgres: start or stop" >&2; exit 2 ;;
esac
