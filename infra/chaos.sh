#!/usr/bin/env bash
# Faults under load against a local cluster (Azurite and three silos on loopback, infra/cluster.sh), and the report.
#
#   infra/chaos.sh            every experiment (about 17 minutes); writes the fault report into docs/reliability.md
#   infra/chaos.sh --short    two experiments on a small index (about 3 minutes); report in infra/.run/chaos/report.md
#   HYPERD_CHAOS_ONLY="kill-index-silo kill-during-rebuild" infra/chaos.sh
#                             only the experiments named (full size); report in infra/.run/chaos/report.md
#
# Each experiment runs `ClusterCheck load` (4 search loops, one appender of 100 fresh ids every 200 ms, no retries),
# injects its fault, restores, lets the load finish, then `ClusterCheck verify` asks for every acknowledged id (top hit
# of its own vector, exhaustively on a miss) and for every id of a failed call (it must not be found). Loopback only,
# bounded in time (HYPERD_CHAOS_TIMEOUT seconds in all), and it stops the cluster it started when it ends.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${HYPERD_RUN_DIR:-$ROOT/infra/.run}
CLUSTER=$ROOT/infra/cluster.sh
SHORT=0
[[ ${1:-} == --short ]] && SHORT=1
if ((SHORT)); then
  COUNT=20000 LOAD=24 FAULT_AT=8 EXPERIMENTS=(kill-bucket-silo storage-stall)
  REPORT=$RUN/chaos/report.md TIMEOUT=${HYPERD_CHAOS_TIMEOUT:-420}
else
  # 75 s of load: the 60 s after the fault at 12 s are the window of the "after" search p99.
  COUNT=100000 LOAD=75 FAULT_AT=12
  EXPERIMENTS=(kill-bucket-silo kill-index-silo kill-during-rebuild scale-out-in disk-full-rebuild storage-kill storage-stall)
  REPORT=${HYPERD_CHAOS_REPORT:-$ROOT/docs/reliability.md} TIMEOUT=${HYPERD_CHAOS_TIMEOUT:-1200}
fi
if [[ -n ${HYPERD_CHAOS_ONLY:-} ]]; then
  # Some experiments are not the whole report: docs/reliability.md is left as it is.
  read -r -a EXPERIMENTS <<<"$HYPERD_CHAOS_ONLY"
  REPORT=${HYPERD_CHAOS_REPORT:-$RUN/chaos/report.md}
fi
DIMS=64
INDEX=chaos
# The multi-silo default (src/Silo): two replicas of every bucket, on distinct silos. Hyperd__Replicas=1 measures without.
REPLICAS=${Hyperd__Replicas:-2}
# Every bucket split into this many shards, each its own grain (the silos read Hyperd:Shards): a fault hits part of a bucket.
export Hyperd__Shards=${Hyperd__Shards:-2}
# The experiments start the rebuilds they need: no automatic rebuild may change what an experiment measures.
export Hyperd__RebuildPendingThreshold=0 Hyperd__RebuildPendingFraction=0
# The balancer moves one replica per tick: 5 s (not the default 30 s) lets a silo that joins take its share within the load.
export Hyperd__BucketBalanceInterval=${Hyperd__BucketBalanceInterval:-00:00:05}
OUT=$RUN/chaos
FAILED=0
NOT_RUN=""

log() { printf '[chaos %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# The whole run is bounded: past the timeout this shell stops the cluster and exits.
(sleep "$TIMEOUT" && log "time limit of $TIMEOUT s reached: stopping" && kill -TERM $$) 2>/dev/null &
WATCHDOG=$!
cleanup() {
  kill "$WATCHDOG" 2>/dev/null || true
  local m
  for m in "$RUN"/work-*/scratch; do { mountpoint -q "$m" 2>/dev/null && umount -l "$m"; } || true; done
  "$CLUSTER" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

check() { (source "$RUN/cluster.env" && cd "$RUN/data" && dotnet "$RUN/check/HyperdOrleans.ClusterCheck.dll" "$@"); }

# The number of the silo whose silo port is in the address (S127.0.0.1:11112:123456789).
silo_number() {
  local port f
  port=$(cut -d: -f2 <<<"$1")
  for f in "$RUN"/silo-*.ports; do
    [[ $(cut -d' ' -f1 "$f") == "$port" ]] && { f=${f##*/silo-}; echo "${f%.ports}"; return; }
  done
  echo 0
}

index_silo() { silo_number "$(check where --name "$INDEX" --field Silo)"; }

other_silo() { local i; for i in 1 2 3; do [[ $i != "$1" ]] && { echo "$i"; return; }; done; }

# Waits until three silos are Active again and the index answers (a fault's effects have settled).
settle() {
  check --expect 3 --timeout 120 >/dev/null || log "warning: the cluster did not report three Active silos within 120 s"
}

# One experiment: load in the background, the fault at FAULT_AT s, the restore, then the verification.
experiment() {
  local name=$1 base=$2 note="" victim=""
  local journal=$OUT/$name.jsonl
  log "experiment $name: load for $LOAD s, fault at $FAULT_AT s"
  # A silo to kill is found before the load starts (asking takes seconds): the kill lands at FAULT_AT, where the search
  # p99 windows of the load split.
  case $name in
    kill-bucket-silo) victim=$(other_silo "$(index_silo)") ;;
    kill-index-silo) victim=$(index_silo) ;;
  esac
  check load --name "$INDEX" --seconds "$LOAD" --journal "$journal" --id-base "$base" --fault-at "$FAULT_AT" \
    --data "clustered-${COUNT}x${DIMS}.fvecs" \
    >"$OUT/$name.load.json" 2>"$OUT/$name.load.err" &
  local load=$!
  sleep "$FAULT_AT"
  case $name in
    kill-bucket-silo)
      "$CLUSTER" kill-silo "$victim"; sleep 10; "$CLUSTER" start-silo "$victim"
      note="SIGKILL silo $victim (buckets, a gateway), restarted 10 s later" ;;
    kill-index-silo)
      "$CLUSTER" kill-silo "$victim"; sleep 10; "$CLUSTER" start-silo "$victim"
      note="SIGKILL silo $victim (the index grain, buckets, a gateway), restarted 10 s later" ;;
    kill-during-rebuild)
      victim=$(index_silo)
      # The kill lands while the bucket jobs run (a rebuild of this index takes a few seconds).
      local phase
      phase=$(check rebuild --name "$INDEX" --until-phase build 2>/dev/null)
      "$CLUSTER" kill-silo "$victim"; sleep 10; "$CLUSTER" start-silo "$victim"
      note="rebuild started, SIGKILL of the index grain's silo $victim in its '$phase' phase" ;;
    disk-full-rebuild)
      # A silo that runs build jobs but not the index grain: its scratch directory becomes a full 1 MiB file system.
      victim=$(other_silo "$(index_silo)")
      local scratch=$RUN/work-$victim/scratch
      mkdir -p "$scratch"
      if mount -t tmpfs -o size=1m hyperd-chaos "$scratch" 2>/dev/null; then
        check rebuild --name "$INDEX" >/dev/null
        sleep 20
        umount -l "$scratch" || log "warning: could not unmount $scratch"
        note="rebuild with silo $victim's scratch directory on a full 1 MiB file system, restored 20 s later"
      else
        NOT_RUN="a full scratch disk during a rebuild (mounting a small file system needs root)"
        note="not run: mounting a small file system needs root"
      fi ;;
    scale-out-in)
      # A fourth silo joins; the balancer moves replicas onto it; then it leaves gracefully and its replicas move back.
      "$CLUSTER" add-silo 4; sleep 40
      local port moved
      port=$(cut -d' ' -f1 "$RUN/silo-4.ports")
      moved=$(cat "$RUN"/silo-[1-3].log | grep -c "moving bucket .* to S127.0.0.1:$port:" || true)
      "$CLUSTER" stop-silo 4
      note="silo 4 joined (scale-out) and the balancer moved $moved shard replicas onto it in 40 s; then it left gracefully (SIGTERM)" ;;
    storage-kill)
      "$CLUSTER" azurite kill; sleep 15; "$CLUSTER" azurite start
      note="SIGKILL Azurite, restarted 15 s later on its data" ;;
    storage-stall)
      "$CLUSTER" azurite stop; sleep 20; "$CLUSTER" azurite cont
      note="SIGSTOP Azurite for 20 s" ;;
  esac
  wait "$load" || log "warning: the load of $name exited with an error (see $OUT/$name.load.err)"
  settle
  if [[ $name == kill-during-rebuild || $name == disk-full-rebuild ]]; then
    note+="; afterwards the last rebuild: $(check where --name "$INDEX" --field LastRebuild | sed "s|$ROOT/||g")"
  fi
  if ! check verify --name "$INDEX" --journal "$journal" --load "$OUT/$name.load.json" --fault "$name" --note "$note" \
      >>"$OUT/rows.md" 2>"$OUT/$name.verify.err"; then
    FAILED=1
    log "experiment $name: acknowledged rows lost or rows of failed calls visible (see $OUT/$name.verify.err)"
    if ! grep -q "^| $name |" "$OUT/rows.md" 2>/dev/null; then
      # The verification itself failed: the row says so instead of going missing.
      echo "| $name | see load | | | | see load | | not verified: $(head -n 1 "$OUT/$name.verify.err" | cut -c1-160) | | $note |" >>"$OUT/rows.md"
    fi
  fi
}

write_report() {
  local table=$OUT/table.md
  {
    echo "<!-- chaos:begin -->"
    echo "Measured $(date -u +%Y-%m-%d) with \`infra/chaos.sh$([[ $SHORT == 1 ]] && echo ' --short')\`: Azurite and three silos on loopback"
    echo "(mutual TLS) with $REPLICAS replica(s) of every bucket (\`Hyperd:Replicas\`) and every bucket split into"
    echo "$Hyperd__Shards shard(s) (\`Hyperd:Shards\`), each its own grain, the balancer every $Hyperd__BucketBalanceInterval"
    echo "(\`Hyperd:BucketBalanceInterval\`), an index of $COUNT × $DIMS; load of 4 search loops and"
    echo "one appender of 100 fresh ids every 200 ms for $LOAD s per experiment, the fault at $FAULT_AT s. Searches and appends"
    echo "are the load's SDK calls with the SDK's deadlines (an append whose attempt got no answer is sent again within its"
    echo "10 s); the longest call includes failed ones. The search p99 before the fault counts searches that started"
    echo "between 3 s and the fault, the one after it those that started in the 60 s after the fault (or up to the end of the"
    echo "load, the window given in brackets), with after ÷ before; the goal is within 3× after a silo kill. Recall is the"
    echo "mean recall@10 of the answers in the same windows against an exact scan of the built rows (200 clustered queries)."
    echo "\"Lost\" counts acknowledged rows that are not the top hit of their own vector even exhaustively; \"visible\" counts"
    echo "rows of failed appends that are found."
    echo
    local header="| fault | searches failed | longest search | search p99 before → after (window) | recall@10 before → after |"
    echo "$header appends failed | longest append | acknowledged rows lost | rows of failed calls visible | what was done |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    cat "$OUT/rows.md"
    echo
    [[ -n $NOT_RUN ]] && echo "Not run here: $NOT_RUN."
    echo "<!-- chaos:end -->"
  } >"$table"
  if [[ $REPORT == */docs/reliability.md ]] && grep -q '<!-- chaos:begin -->' "$REPORT"; then
    # The lines between the markers are replaced by the new table.
    awk -v table="$table" '
      /<!-- chaos:begin -->/ { while ((getline line < table) > 0) print line; skip = 1; next }
      /<!-- chaos:end -->/ { skip = 0; next }
      !skip { print }' "$REPORT" >"$REPORT.new" && mv "$REPORT.new" "$REPORT"
  else
    cp "$table" "$REPORT"
  fi
  log "report: $REPORT"
}

# A clean start: no data, state or cluster of an earlier run.
"$CLUSTER" down --purge >/dev/null 2>&1 || true
rm -rf "$OUT" && mkdir -p "$OUT"
"$CLUSTER" up
log "building index '$INDEX' ($COUNT × $DIMS)"
"$CLUSTER" check --count "$COUNT" --dims "$DIMS" --name "$INDEX" --rebuilds 0 --build >"$OUT/build.log"
base=100000000
for name in "${EXPERIMENTS[@]}"; do
  experiment "$name" "$base"
  base=$((base + 100000000))
done
write_report
cat "$OUT/table.md"
exit "$FAILED"
