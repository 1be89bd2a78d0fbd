#!/usr/bin/env bash
# Start Debian's PostgreSQL on 127.0.0.1 for the tests (and a team setup to try): installs the package when
# missing, creates and starts a cluster, and a role `newsdesk` (password `newsdesk`, may create databases)
# with its database. Idempotent; run as root (CI) or with sudo.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
port=${NEWSDESK_PG_PORT:-5432}
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  as_root pg_createcluster "$version" main -p "$port" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
if ! pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$version" main start
fi
psql_admin() { as_root runuser -u postgres -- psql -p "$port" -qtAX -v ON_ERROR_STOP=1 "$@"; }
for _ in $(seq 30); do psql_admin -c "select 1" >/dev/null 2>&1 && break; sleep 1; done
if [ "$(psql_admin -c "select 1 from pg_roles where rolname='newsdesk'")" != 1 ]; then
  psql_admin -c "create role newsdesk login createdb password 'newsdesk'"
fi
if [ "$(psql_admin -c "select 1 from pg_database where datname='newsdesk'")" != 1 ]; then
  psql_admin -c "create database newsdesk owner newsdesk"
fi
echo "PostgreSQL $version on 127.0.0.1:$port: postgresql+psycopg://newsdesk:newsdesk@127.0.0.1:$port/newsdesk"
