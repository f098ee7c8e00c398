#!/bin/bash
# The POP3 modes of ../shared/bench/compare.sh with the load split over two mailbench
# processes of 4 clients each (one Python process can use one core, and at 100 KiB per
# RETR it is the bottleneck). Uses the state compare.sh leaves in /tmp/popstore-bench:
# run `compare.sh MODE 1` once first so the users are filled.
#   POPSTORE_BIN=.build/release/popstore scripts/bench-two-generators.sh retr100k|retr4k|sessions [REPS]
set -uo pipefail
MODE="${1:?mode}"; REPS="${2:-2}"
BENCH="$(cd "$(dirname "$0")/../../shared/bench" && pwd)"
DIR="${BENCH_DIR:-/tmp/popstore-bench}"
BIN="${POPSTORE_BIN:?set POPSTORE_BIN to a release build of popstore}"
MB="python3 $BENCH/mailbench.py"
case "$MODE" in
  retr4k)   A=(retr --first 1000 --expect 200 --uidl); B=(retr --first 1004 --expect 200 --uidl) ;;
  retr100k) A=(retr --first 1100 --expect 20 --uidl);  B=(retr --first 1104 --expect 20 --uidl) ;;
  sessions) A=(sessions --first 1300 -u 50 --expect 20); B=(sessions --first 1350 -u 50 --expect 20) ;;
  *) echo "unknown mode $MODE"; exit 2 ;;
esac
for f in "$DIR/popstore-store" "$DIR/dovecot"; do [ -e "$f" ] || { echo "run compare.sh $MODE 1 first"; exit 2; }; done
DOVECOT_BENCH_DIR="$DIR/dovecot" LOGIN_MODE=perf "$BENCH/dovecot/start-dovecot.sh" >/dev/null 2>&1 </dev/null
"$BIN" serve --store "$DIR/popstore-store" --pop3 127.0.0.1:21110 --lmtp 127.0.0.1:22424 >"$DIR/popstore.log" 2>&1 </dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; DOVECOT_BENCH_DIR="$DIR/dovecot" "$BENCH/dovecot/stop-dovecot.sh" >/dev/null 2>&1' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/21110) 2>/dev/null && break; sleep 0.1; done
run() {  # run WHO PORT PID: both generators at once, prints the summed rate
  local out_a out_b
  out_a=$(mktemp); out_b=$(mktemp)
  $MB "${A[@]}" -c 4 -n 500000 -t 8 --port "$2" --pid "$3" >"$out_a" 2>/dev/null & local pa=$!
  $MB "${B[@]}" -c 4 -n 500000 -t 8 --port "$2" >"$out_b" 2>/dev/null & local pb=$!
  wait $pa $pb
  python3 - "$1" "$out_a" "$out_b" <<'PY'
import json, sys
a, b = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[2:4])
total = a["ops_per_s"] + b["ops_per_s"]
print("%-8s %s ops/s=%.0f ok=%s" % (sys.argv[1], a["mode"], total, a["ok"] and b["ok"]))
PY
  rm -f "$out_a" "$out_b"
}
# Warm both (Popstore's credential cache starts cold: one scrypt hash per user).
$MB "${A[@]}" -c 8 -n 500000 -t 6 --port 21110 >/dev/null 2>&1; $MB "${B[@]}" -c 8 -n 500000 -t 6 --port 21110 >/dev/null 2>&1
for _ in $(seq 1 "$REPS"); do
  run popstore 21110 $SERVER
  run dovecot 11110 "$(cat "$DIR/dovecot/run/master.pid")"
done
