#!/usr/bin/env bash
# Soak test of `errsig serve` over loopback (issue #8), bounded in time.
#
#   reliability/soak.sh [--secs 600] [--rate 200] [--reload-every 20]
#
# Serves a copy of signatures/ on 127.0.0.1 with an admin token, then for --secs seconds:
#   - oha sends POST /match at a constant --rate (2 KB real-log body, 8 connections);
#   - every --reload-every seconds POST /admin/reload swaps in a rebuilt corpus;
#   - half-way, a broken signature file is added and a reload is asked for: it must be refused
#     (422 invalid_corpus) while the old corpus keeps serving; the file is then removed;
#   - resident memory (VmRSS) is sampled every 5 s.
# Fails when any request fails (non-2xx or a connection error), a reload fails, or resident
# memory at the end differs from the first sample after warm-up by 10 % or more. The samples are
# kept in target/soak/rss.tsv (seconds, KiB, reloads so far).
# Every loop here ends by itself and the server is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=600
RATE=200
RELOAD_EVERY=20
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) SECS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --reload-every) RELOAD_EVERY=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=benches/oha.sh
source benches/oha.sh
cargo build --release --locked --quiet

WORK=$(mktemp -d)
cp -r signatures "$WORK/signatures"
BODY=tests/web/azure-404-full-deployment-url.log
TOKEN="soak-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
PORT=$((20000 + RANDOM % 20000))
BASE=http://127.0.0.1:$PORT
ERRSIG_ADMIN_TOKEN=$TOKEN target/release/errsig serve --addr "127.0.0.1:$PORT" \
  --signatures "$WORK/signatures" >"$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the server exited:"; cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
curl -sf --data-binary @"$BODY" -H 'content-type: text/plain' "$BASE/match" | grep -q '"verdict":"matched"' ||
  { echo "error: the body should match" >&2; exit 1; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
reload() { # prints the HTTP status of one reload
  curl -s -o "$WORK/reload.json" -w '%{http_code}' -X POST -H "authorization: Bearer $TOKEN" "$BASE/admin/reload"
}

echo "== soak: $SECS s at $RATE req/s, a reload every $RELOAD_EVERY s, server pid $SERVER, port $PORT"
"$OHA" -z "${SECS}s" -q "$RATE" -c 8 --latency-correction --no-tui --output-format json \
  -m POST -T text/plain -D "$BODY" "$BASE/match" >"$WORK/oha.json" &
LOAD=$!

started=$(date +%s)
reloads=0
failed_reloads=0
broken_refused=no
broken_served=no
mkdir -p target/soak
SAMPLES=target/soak/rss.tsv
: >"$SAMPLES"
next_reload=$RELOAD_EVERY
while kill -0 "$LOAD" 2>/dev/null; do
  sleep 5
  now=$(($(date +%s) - started))
  printf '%s\t%s\t%s\n' "$now" "$(rss_kib)" "$reloads" >>"$SAMPLES"
  if [ "$now" -ge "$next_reload" ] && [ "$now" -lt "$SECS" ]; then
    next_reload=$((next_reload + RELOAD_EVERY))
    if [ "$broken_refused" = no ] && [ "$now" -ge $((SECS / 2)) ]; then
      printf 'id = "broken"\ntitle = \n' >"$WORK/signatures/broken.toml"
      status=$(reload)
      if [ "$status" = 422 ] && grep -q invalid_corpus "$WORK/reload.json"; then broken_refused=yes; fi
      curl -sf --data-binary @"$BODY" -H 'content-type: text/plain' "$BASE/match" |
        grep -q '"verdict":"matched"' && broken_served=yes
      rm -f "$WORK/signatures/broken.toml"
      echo "   ${now}s: broken reload answered $status; old corpus serving: $broken_served"
    else
      status=$(reload)
      reloads=$((reloads + 1))
      [ "$status" = 200 ] || failed_reloads=$((failed_reloads + 1))
    fi
  fi
done
wait "$LOAD"

python3 - "$WORK/oha.json" "$SAMPLES" "$reloads" "$failed_reloads" "$broken_refused" "$broken_served" <<'EOF'
import json, sys
sys.path.insert(0, "benches")
from oha_counts import counts, milliseconds as ms
oha, rss_path, reloads, failed_reloads, refused, served = sys.argv[1:]
d = json.load(open(oha))
ok, non2xx, cut, other, errors = counts(d)
p = d["latencyPercentiles"]
samples = [tuple(map(int, line.split()[:2])) for line in open(rss_path) if line.strip()]
# The first minute is warm-up (allocator pools, lazily compiled patterns, the article index).
warm = [kib for t, kib in samples if t >= 60] or [kib for _, kib in samples]
first, last, peak = warm[0], warm[-1], max(kib for _, kib in samples)
drift = (last - first) / first
print(f"requests: {ok} ok, {non2xx} non-2xx, {other} failed, {cut} cut at the deadline; "
      f"{d['summary']['requestsPerSec']:.0f} req/s; p50 {ms(p['p50'])} ms, "
      f"p99 {ms(p['p99'])} ms, p99.9 {ms(p['p99.9'])} ms")
print(f"reloads under load: {reloads}, failed {failed_reloads}; broken reload refused: {refused}, "
      f"old corpus served meanwhile: {served}")
print(f"resident memory: {first / 1024:.1f} MiB after warm-up, {last / 1024:.1f} MiB at the end "
      f"({drift * 100:+.1f} %), peak {peak / 1024:.1f} MiB, {len(samples)} samples")
bad = non2xx or other or int(failed_reloads) or refused != "yes" or served != "yes" or abs(drift) >= 0.10
if errors:
    print("errors: " + "; ".join(f"{e}: {n}" for e, n in errors.items()))
print("FAILED" if bad else "ok")
sys.exit(1 if bad else 0)
EOF
