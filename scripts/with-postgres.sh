#!/usr/bin/env bash
# Runs COMMAND beside a private, throw-away PostgreSQL 15 server and stops the server
# afterwards, whatever happens to COMMAND (failure, Ctrl-C): the tests' server.
#
#   scripts/with-postgres.sh COMMAND [ARG...]
#
# The server lives in a fresh temporary folder, listens on 127.0.0.1 only (first free
# port from 55432 up) and on a unix socket inside that folder, trusts every local
# connection and runs with fsync off. COMMAND sees
#   KAGAMI_TEST_POSTGRES=postgresql://USER@127.0.0.1:PORT/kagami
# and exits with its own status. The system's own clusters are never touched.
# As root (CI), the server runs as the `postgres` system user: initdb refuses root.
set -uo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

bin=${KAGAMI_PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl createdb; do
  if [[ ! -x "$bin/$tool" ]]; then
    echo "with-postgres: $bin/$tool not found: install PostgreSQL 15" \
      "(scripts/install-deps.sh installs the Debian package postgresql)" >&2
    exit 2
  fi
done

as_server=()
user=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root needs the 'postgres' system user" \
      "(created by the Debian package postgresql)" >&2
    exit 2
  fi
  as_server=(runuser -u postgres --)
  user=postgres
fi

# /tmp rather than a long TMPDIR: a unix socket path must stay under 108 bytes.
dir=$(mktemp -d /tmp/kagami-pg.XXXXXX) || exit 2
data=$dir/data
log=$dir/server.log
started=0

cleanup() {
  if [[ $started -eq 1 ]]; then
    "${as_server[@]}" "$bin/pg_ctl" stop -D "$data" -m immediate -s >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
# Ctrl-C or a kill still stops the server (the EXIT trap runs on the way out).
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[[ ${#as_server[@]} -eq 0 ]] || chown postgres: "$dir"

if ! "${as_server[@]}" "$bin/initdb" -D "$data" -U "$user" -A trust -E UTF8 --locale=C \
    --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 2
fi
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

# A port in use makes the server fail at bind(): then the next port.
port=55432
while :; do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    rm -f "$log"
    if "${as_server[@]}" "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 -s \
        -o "-p $port" >/dev/null 2>&1; then
      started=1
      break
    fi
    if ! grep -q "could not bind\|could not create listen socket" "$log" 2>/dev/null; then
      echo "with-postgres: the server did not start:" >&2
      tail -n 20 "$log" >&2
      exit 2
    fi
  fi
  port=$((port + 1))
  if [[ $port -ge 55532 ]]; then
    echo "with-postgres: no free port in 55432-55531" >&2
    exit 2
  fi
done

if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" kagami; then
  echo "with-postgres: could not create the database kagami" >&2
  exit 2
fi

export KAGAMI_TEST_POSTGRES="postgresql://$user@127.0.0.1:$port/kagami"
"$@"
exit $?
