#!/usr/bin/env bash
# Issue 5 item 7 (third goal): the gateway's p99 with the audit trail on vs off, ONE build, the SAME run.
# Targets serve the same mock upstream; each round runs the shared peer bench's paced wrk (post.lua, PACE_MS: every
# connection waits 0.5x..1.5x PACE_MS between requests, so ≈ CONNS*1000/PACE_MS requests/s, a fixed modest rate)
# against every target, alternately (order reversed every other round) or at the same time (MODE=parallel: both see the
# same machine load), and prints each round's p50/p90/p99/max, CPU µs and context switches per request and the 1-minute
# load average, then each round's on/off ratios and their medians. With METRICS=1 it also scrapes every audited target's
# /metrics before and after the measured rounds and prints how many appends, commits and requests went above 1/2/5/10/25
# ms, and their means (bench/gateway/metrics-delta.py): what the audit-on requests' extra time and tail are made of.
#
# Usage: bench/gateway/p99-ab.sh PUBLISH_DIR [NAME=ENV=VALUE[,ENV=VALUE...]] ...
#   default targets: on (audit on, as configured) and off (Warden__Audit__UnsafeDisableForBenchmark=true);
#   extra NAME=... targets are more variants of the same build, e.g. writer=Warden__Audit__CallerCommitMaxRate=0;
#   NAME=@DIR[,ENV=VALUE...] uses another publish (e.g. old=@/tmp/base-pub): ratios are always against "off".
# Env: ROUNDS=6 DURATION=15 CONNS=10 PACE_MS=50 WARMUP=15 MODE=alternate|parallel METRICS=1
#      MOCK=/tmp/gwperf/mock (gcc -O2 -o mock ../shared/bench/peer-proxy/mock-upstream/mock.c) UPSTREAM_PORT=19300 BASE_PORT=18300
#      UPSTREAM_DELAY_MS=0: above 0 the upstream is bench/gateway/mock-delay.c (built into the run's directory), which answers
#      every completion that many milliseconds (fractions allowed) after the request arrived, as a provider would
#      (the shared mock answers in ≈ 0.1 ms, so any fixed per-request cost of the gateway looks large next to it).
#      A delay lowers the paced rate to ≈ CONNS*1000/(PACE_MS+delay): raise CONNS to keep it.
# On a shared machine a round of one target swings 2-5x: read the per-round ratios and the load column, not one number.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEER=${PEER:-/work/shared/bench/peer-proxy}
PUB=${1:?usage: p99-ab.sh PUBLISH_DIR [NAME=ENV=VALUE,...]}
shift
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-15}
CONNS=${CONNS:-10}
PACE_MS=${PACE_MS:-50}
MODE=${MODE:-alternate}
METRICS=${METRICS:-1}
MOCK=${MOCK:-/tmp/gwperf/mock}
UPSTREAM_PORT=${UPSTREAM_PORT:-19300}
WORK=$(mktemp -d /tmp/warden-p99.XXXXXX)
BODY=$PEER/body.json
specs=("on=" "off=Warden__Audit__UnsafeDisableForBenchmark=true" "$@")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

UPSTREAM_DELAY_MS=${UPSTREAM_DELAY_MS:-0}
if [ "$UPSTREAM_DELAY_MS" != 0 ]; then
  gcc -O2 -o "$WORK/mock-delay" "$ROOT/bench/gateway/mock-delay.c"
  "$WORK/mock-delay" "$UPSTREAM_PORT" "$(awk -v d="$UPSTREAM_DELAY_MS" 'BEGIN { printf "%d", d * 1000 }')" >/dev/null 2>&1 &
else
  "$MOCK" "$UPSTREAM_PORT" >/dev/null 2>&1 &
fi
pids+=($!)

names=(); ports=(); wpids=(); keys=(); admins=()
port=${BASE_PORT:-18300}
for spec in "${specs[@]}"; do
  name=${spec%%=*}; rest=${spec#*=}
  bin=$PUB
  if [[ $rest == @* ]]; then bin=${rest%%,*}; bin=${bin#@}; rest=${rest#*@"$bin"}; rest=${rest#,}; fi
  envs=()
  [ -n "$rest" ] && IFS=, read -r -a envs <<<"$rest"
  dir=$WORK/$name
  mkdir -p "$dir"
  cat > "$dir/warden.json" <<JSON
{
  "Warden": {
    "EgressAllowlist": ["127.0.0.1"],
    "Providers": {
      "mock": { "Type": "openai-compatible", "BaseUrl": "http://127.0.0.1:$UPSTREAM_PORT/v1",
                "ApiKey": "sk-bench-provider-key", "Models": ["gpt-4o-mini", "gpt-4o"], "Agents": ["*"] }
    }
  },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
JSON
  dotnet "$bin/warden.dll" agents create "bench-$name" --data-dir "$dir/data" | tail -n1 > "$dir/agent.key"
  env DOTNET_TieredPGO=1 DOTNET_gcServer=0 "${envs[@]}" dotnet "$bin/warden.dll" serve --config "$dir/warden.json" \
    --data-dir "$dir/data" --urls "http://127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  pids+=($!); wpids+=($!)
  names+=("$name"); ports+=("$port"); keys+=("$(cat "$dir/agent.key")")
  port=$((port + 1))
done

for i in "${!names[@]}"; do
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:${ports[$i]}/healthz" && break; sleep 0.2; done
  admins+=("$(grep -o 'wdn_admin_[A-Za-z0-9_-]*' "$WORK/${names[$i]}/serve.log" | head -n1 || true)")
  if [ "${names[$i]}" = off ] && ! grep -q "AUDIT TRAIL IS DISABLED" "$WORK/off/serve.log"; then
    echo "the off target did not announce that its audit trail is off" >&2; exit 1
  fi
done
# warm-up (JIT, tiering, connection pool): closed loop, then the paced rate
for i in "${!names[@]}"; do
  (cd "$PEER" && BODY_FILE=$BODY timeout $(( ${WARMUP:-15} + 15 )) wrk -t2 -c32 -d"${WARMUP:-15}s" -s post.lua -H "x-api-key: ${keys[$i]}" \
    "http://127.0.0.1:${ports[$i]}/v1/chat/completions" >/dev/null)
  (cd "$PEER" && BODY_FILE=$BODY PACE_MS=$PACE_MS timeout 20 wrk -t2 -c"$CONNS" -d5s -s post.lua -H "x-api-key: ${keys[$i]}" \
    "http://127.0.0.1:${ports[$i]}/v1/chat/completions" >/dev/null)
done

scrape() { # index file
  [ -n "${admins[$1]}" ] && curl -s -H "Authorization: Bearer ${admins[$1]}" "http://127.0.0.1:${ports[$1]}/metrics" > "$2" || : > "$2"
}
if [ "$METRICS" = 1 ]; then for i in "${!names[@]}"; do scrape "$i" "$WORK/m0.$i"; done; fi

family() { echo "$1"; pgrep -P "$1" || true; }
cpu() { for p in $(family "$1"); do cat "/proc/$p/stat" 2>/dev/null; done | awk '{ s += $14 + $15 } END { print s }'; }
ctxsw() { for p in $(family "$1"); do cat /proc/"$p"/task/*/status 2>/dev/null; done | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
tck=$(getconf CLK_TCK)

run_one() { # index round -> one row
  local i=$1 r=$2 before after csb csa out line load
  python3 "$ROOT/bench/gateway/thread-delta.py" snap "${wpids[$i]}" > "$WORK/t0.$i.$r"
  before=$(cpu "${wpids[$i]}"); csb=$(ctxsw "${wpids[$i]}")
  out=$(cd "$PEER" && BODY_FILE=$BODY PACE_MS=$PACE_MS timeout $((DURATION + 10)) wrk -t2 -c"$CONNS" -d"${DURATION}s" -s post.lua \
    -H "x-api-key: ${keys[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions")
  after=$(cpu "${wpids[$i]}"); csa=$(ctxsw "${wpids[$i]}")
  python3 "$ROOT/bench/gateway/thread-delta.py" snap "${wpids[$i]}" > "$WORK/t1.$i.$r"
  load=$(cut -d' ' -f1 /proc/loadavg)
  line=$(grep RESULT <<<"$out")
  awk -v n="${names[$i]}" -v r="$r" -v line="$line" -v b="$before" -v a="$after" -v t="$tck" -v cs=$((csa - csb)) -v load="$load" \
    -v non2xx="$(grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out" | awk '{print $NF}' || true)" '
    BEGIN { split(line, kv, " "); for (k in kv) { split(kv[k], p, "="); v[p[1]] = p[2] }
      q = v["requests"] > 0 ? v["requests"] : 1
      printf "%-10s %5d %6d %6.0f %8.3f %8.3f %8.3f %8.2f %9.1f %7.2f %6s %s\n", n, r, v["requests"], v["rps"], v["p50_us"] / 1000, v["p90_us"] / 1000,
        v["p99_us"] / 1000, v["max_us"] / 1000, (a - b) / t * 1e6 / q, cs / q, load, (non2xx == "" ? 0 : non2xx) }'
}

echo "p99-ab: $(date -u +%FT%TZ) build $PUB, upstream delay ${UPSTREAM_DELAY_MS} ms, mode $MODE, $ROUNDS x ${DURATION}s, $CONNS conns, pace $PACE_MS ms ($([ "$PACE_MS" = 0 ] && echo "closed loop: saturation" || awk -v c="$CONNS" -v p="$PACE_MS" -v d="$UPSTREAM_DELAY_MS" 'BEGIN { printf "≈ %d rps", c * 1000 / (p + d) }')), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %5s %6s %6s %8s %8s %8s %8s %9s %7s %6s %s\n' target round req rps p50_ms p90_ms p99_ms max_ms cpu_us/req cs/req load1 non2xx | tee "$WORK/rows"
for r in $(seq "$ROUNDS"); do
  order=("${!names[@]}")
  if [ $((r % 2)) = 0 ]; then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  if [ "$MODE" = parallel ]; then
    jobs_=()
    for i in "${order[@]}"; do run_one "$i" "$r" > "$WORK/row.$i" & jobs_+=($!); done
    for p in "${jobs_[@]}"; do wait "$p"; done
    for i in "${order[@]}"; do tee -a "$WORK/rows" < "$WORK/row.$i"; done
  else
    for i in "${order[@]}"; do run_one "$i" "$r" | tee -a "$WORK/rows"; done
  fi
  awk -v r="$r" '$2 == r { p50[$1] = $5; p99[$1] = $7 }
    END { for (n in p99) if (n != "off" && p99["off"] > 0) printf "  round %d  %-10s p50 on/off %5.2fx  p99 on/off %5.2fx\n", r, n, p50[n] / p50["off"], p99[n] / p99["off"] }' "$WORK/rows" | tee -a "$WORK/ratios"
done

echo "medians over $ROUNDS rounds (load now $(cut -d' ' -f1-3 /proc/loadavg)):"
med='function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }'
for n in "${names[@]}"; do
  awk -v n="$n" "$med"' $1 == n { rps[++k] = $4; p50[k] = $5; p99[k] = $7; cpu[k] = $9; cs[k] = $10 }
    END { printf "%-10s rps %5.0f  p50_ms %6.3f  p99_ms %7.3f  cpu_us/req %7.1f  cs/req %6.2f\n", n, med(rps, k), med(p50, k), med(p99, k), med(cpu, k), med(cs, k) }' "$WORK/rows"
  [ "$n" = off ] || awk -v n="$n" "$med"' $3 == n { a[++k] = $6; b[k] = $9 }
    END { if (k) printf "%-10s median of per-round ratios: p50 on/off %.2fx  p99 on/off %.2fx  (%d rounds; p99 ratio above 1.10x in %d)\n", n, med(a, k), med(b, k), k, over }
    $3 == n && $9 + 0 > 1.10 { over++ }' <(sed 's/x//g' "$WORK/ratios")
done

echo "threads by name over the measured rounds (per request):"
for i in "${!names[@]}"; do
  req=$(awk -v n="${names[$i]}" '$1 == n { s += $3 } END { print s + 0 }' "$WORK/rows")
  files=(); for r in $(seq "$ROUNDS"); do files+=("$WORK/t0.$i.$r" "$WORK/t1.$i.$r"); done
  python3 "$ROOT/bench/gateway/thread-delta.py" diff "$req" "${names[$i]}" "${files[@]}" > "$WORK/threads.$i"
  head -n "${THREAD_ROWS:-8}" "$WORK/threads.$i"
done
if [ "$METRICS" = 1 ]; then
  echo "histograms over the measured rounds (count, and how many above each bound):"
  for i in "${!names[@]}"; do
    scrape "$i" "$WORK/m1.$i"
    python3 "$ROOT/bench/gateway/metrics-delta.py" "$WORK/m0.$i" "$WORK/m1.$i" "${names[$i]}"
  done
fi
echo "raw rows: $WORK/rows"
