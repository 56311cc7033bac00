#!/usr/bin/env bash
# Finds (or installs and starts) PostgreSQL and Redis on loopback and prints
# DATABASE_URL=... and REDIS_URL=... lines for the scale-out test run.
# Uses DATABASE_URL / REDIS_URL when they are already set.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq >&2; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >&2
}

if [ -z "${DATABASE_URL:-}" ]; then
  if ! port_open 5432; then
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    version=$(ls /etc/postgresql | sort -n | tail -1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
    # A fresh Debian cluster only trusts the postgres OS user: allow loopback TCP for tests.
    if ! psql -h 127.0.0.1 -U postgres -c 'select 1' >/dev/null 2>&1; then
      hba="/etc/postgresql/$version/main/pg_hba.conf"
      as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload >&2
    fi
  fi
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:5432/plaza"
else
  echo "DATABASE_URL=$DATABASE_URL"
fi

if [ -z "${REDIS_URL:-}" ]; then
  if ! port_open 6379; then
    command -v redis-server >/dev/null || apt_install redis-server
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >&2
    for _ in $(seq 1 30); do port_open 6379 && break; sleep 1; done
  fi
  echo "REDIS_URL=redis://127.0.0.1:6379/0"
else
  echo "REDIS_URL=$REDIS_URL"
fi
