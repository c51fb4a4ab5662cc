#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, trust auth, database "test") and Redis (127.0.0.1:6379) answer;
# start them, or install them from Debian's packages, when they do not.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! postgres_up; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql postgresql-client
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  if ! grep -q "^host all all 127.0.0.1/32 trust" "$conf/pg_hba.conf"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do postgres_up && break; sleep 1; done
  postgres_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
if ! psql -h 127.0.0.1 -U postgres -d test -c 'select 1' >/dev/null 2>&1 && ! psql -h 127.0.0.1 -d test -c 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null 2>&1 || true
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis_up && break; sleep 0.5; done
  redis_up || { echo "Redis did not start" >&2; exit 1; }
fi
echo "services: PostgreSQL and Redis are up"

# The SMS gateway for development (Kannel's bearerbox + smsbox, fakesmsc as the operator) on loopback
# ports 13000-13015; the app uses it with SMS_GATEWAY_URL=http://127.0.0.1:13013/cgi-bin/sendsms.
# Tests start their own on free ports. MULTAQA_SMS_GATEWAY=0 skips it.
if [ "${MULTAQA_SMS_GATEWAY:-1}" = 1 ]; then
  "$(dirname "$0")/kannel.sh" start "${KANNEL_RUN_DIR:-$(dirname "$0")/../instance/kannel}" ||
    echo "services: the SMS gateway did not start (SMS go to the outbox)" >&2
fi
