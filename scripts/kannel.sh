#!/usr/bin/env bash
# The SMS gateway for development and tests: Kannel's bearerbox and smsbox on loopback ports, and
# fakesmsc (kannel-extras) standing in for the operator, writing each SMS it receives to fakesmsc.out.
#   scripts/kannel.sh start RUN_DIR   (ports from KANNEL_ADMIN_PORT, KANNEL_SMSBOX_PORT, KANNEL_FAKE_PORT,
#                                      KANNEL_SENDSMS_PORT; user SMS_GATEWAY_USER / SMS_GATEWAY_PASSWORD)
#   scripts/kannel.sh stop RUN_DIR
set -euo pipefail

command=${1:?start or stop}
run_dir=$(mkdir -p "${2:?run directory}" && cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
FAKESMSC=${FAKESMSC:-/usr/lib/kannel/test/fakesmsc}

stop() {
  for name in fakesmsc smsbox bearerbox; do
    if [ -f "$run_dir/$name.pid" ]; then
      pid=$(cat "$run_dir/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$run_dir/$name.pid"
    fi
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "$command" = stop ]; then
  stop
  exit 0
fi

if ! command -v bearerbox >/dev/null || [ ! -x "$FAKESMSC" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kannel kannel-extras >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kannel kannel-extras >/dev/null
  fi
fi

admin=${KANNEL_ADMIN_PORT:-13000}
smsbox=${KANNEL_SMSBOX_PORT:-13001}
fake=${KANNEL_FAKE_PORT:-13015}
sendsms=${KANNEL_SENDSMS_PORT:-13013}
if port_open "$sendsms"; then
  if [ -f "$run_dir/smsbox.pid" ] && kill -0 "$(cat "$run_dir/smsbox.pid")" 2>/dev/null; then
    echo "sms gateway: already answering on 127.0.0.1:$sendsms"
    exit 0
  fi
  echo "port $sendsms is taken by another program: Kannel not started" >&2
  exit 1
fi
sed -e "s|@ADMIN_PORT@|$admin|; s|@SMSBOX_PORT@|$smsbox|; s|@FAKE_PORT@|$fake|; s|@SENDSMS_PORT@|$sendsms|" \
  -e "s|@RUN_DIR@|$run_dir|; s|@ADMIN_PASSWORD@|${KANNEL_ADMIN_PASSWORD:-multaqa-admin}|" \
  -e "s|@SMS_USER@|${SMS_GATEWAY_USER:-multaqa}|; s|@SMS_PASSWORD@|${SMS_GATEWAY_PASSWORD:-multaqa-dev}|" \
  "$here/kannel/kannel.conf.in" >"$run_dir/kannel.conf"

stop
bearerbox "$run_dir/kannel.conf" >"$run_dir/bearerbox.out" 2>&1 &
echo $! >"$run_dir/bearerbox.pid"
for _ in $(seq 50); do port_open "$smsbox" && port_open "$fake" && break; sleep 0.1; done
smsbox "$run_dir/kannel.conf" >"$run_dir/smsbox.out" 2>&1 &
echo $! >"$run_dir/smsbox.pid"
# -m 0: generate no incoming SMS; print every SMS the gateway hands to the "operator"
"$FAKESMSC" -H 127.0.0.1 -r "$fake" -m 0 "0 0 text none" >>"$run_dir/fakesmsc.out" 2>>"$run_dir/fakesmsc.log" &
echo $! >"$run_dir/fakesmsc.pid"
# the port answering is not enough: another program may hold it; smsbox says when it has bound it
ready="Set up send sms service at port $sendsms"
for _ in $(seq 50); do grep -q "$ready" "$run_dir/smsbox.out" 2>/dev/null && break; sleep 0.1; done
grep -q "$ready" "$run_dir/smsbox.out" || { echo "Kannel's smsbox did not open port $sendsms" >&2; stop; exit 1; }
echo "sms gateway: sendsms on 127.0.0.1:$sendsms, operator log $run_dir/fakesmsc.out"
