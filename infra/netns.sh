#!/usr/bin/env bash
# Many hosts on one machine: Azurite and three silos, each silo in its own Linux network namespace with its own
# address on a virtual bridge, so that advertised addresses, gateway lists and partitions behave as between machines.
# Needs root (ip netns), iproute2, openssl, dotnet and node (Azurite from node_modules, as infra/cluster.sh).
#
#   infra/netns.sh up                   build, make the bridge and namespaces, start Azurite and the silos, wait for Active
#   infra/netns.sh status               namespaces, addresses, processes and the membership table
#   infra/netns.sh check [--count N --dims D --rebuilds R]   build an index and query it from the client namespace
#   infra/netns.sh partition N SECONDS  cut silo N's link for SECONDS under the ClusterCheck load, restore, verify,
#                                       wait for the cluster to heal; with HYPERD_NETNS_REPORT=1 also write the result
#                                       into docs/reliability.md ("Partition between hosts")
#   infra/netns.sh down                 stop every process in the namespaces, delete them (the bridge and veths go too)
#   infra/netns.sh down --purge         also delete the run directory
#
# Layout (nothing is added to the root namespace's network):
#   hyd-azurite   bridge hyd-br0 10.77.0.1/24, Azurite on 10.77.0.1:10000-10002
#   hyd-silo-N    eth0 10.77.0.1N/24 (veth; its peer hyd-sN-br is a port of hyd-br0), silo port 11111, gateway 30000
#   hyd-client    eth0 10.77.0.20/24: ClusterCheck (status, check, load, verify)
# A partition sets silo N's bridge port down: the silo loses the other silos, the clients and the storage at once,
# like a host whose network cable is pulled.
#
# Environment (all optional):
#   HYPERD_NETNS_RUN_DIR=/tmp/hyperd-netns   state, logs, certificates and build output
#   HYPERD_NO_BUILD=1                        reuse the binaries of the previous up
#   HYPERD_JOIN_TIMEOUT=180                  seconds to wait for the silos to become Active
#   HYPERD_NETNS_SUBNET=10.77.0              the /24 the namespaces use
set -euo pipefail
umask 077

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${HYPERD_NETNS_RUN_DIR:-/tmp/hyperd-netns}
SILOS=3
NET=${HYPERD_NETNS_SUBNET:-10.77.0}
BRIDGE_IP=$NET.1
CLIENT_IP=$NET.20
SILO_PORT=11111
GATEWAY_PORT=30000
JOIN_TIMEOUT=${HYPERD_JOIN_TIMEOUT:-180}
NS_AZURITE=hyd-azurite
NS_CLIENT=hyd-client
BRIDGE=hyd-br0
ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { printf '[netns %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }

silo_ns() { echo "hyd-silo-$1"; }
silo_ip() { echo "$NET.1$1"; }
all_ns() { local i; echo "$NS_AZURITE $NS_CLIENT"; for ((i = 1; i <= SILOS; i++)); do silo_ns "$i"; done; }
ns_exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

need_root() {
  ((EUID == 0)) || die "network namespaces need root (run as root or with sudo)"
  command -v ip >/dev/null || die "ip (iproute2) is not on PATH"
}

# The bridge lives in hyd-azurite; every other namespace gets a veth pair whose outer end is a bridge port there.
make_network() {
  local ns i
  for ns in $(all_ns); do ns_exists "$ns" && die "namespace $ns exists already (infra/netns.sh down first)"; done
  ip netns add "$NS_AZURITE"
  ip -n "$NS_AZURITE" link set lo up
  ip -n "$NS_AZURITE" link add "$BRIDGE" type bridge
  ip -n "$NS_AZURITE" addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  ip -n "$NS_AZURITE" link set "$BRIDGE" up
  attach "$NS_CLIENT" hyd-c-br "$CLIENT_IP"
  for ((i = 1; i <= SILOS; i++)); do attach "$(silo_ns "$i")" "hyd-s$i-br" "$(silo_ip "$i")"; done
  log "bridge $BRIDGE $BRIDGE_IP/24 in $NS_AZURITE; client $CLIENT_IP; silos $(for ((i = 1; i <= SILOS; i++)); do printf '%s ' "$(silo_ip "$i")"; done)"
}

# attach NS PORT IP: namespace NS with eth0 at IP, its peer PORT enslaved to the bridge.
attach() {
  local ns=$1 port=$2 address=$3
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add eth0 netns "$ns" type veth peer name "$port" netns "$NS_AZURITE"
  ip -n "$ns" addr add "$address/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$NS_AZURITE" link set "$port" master "$BRIDGE"
  ip -n "$NS_AZURITE" link set "$port" up
}

# tcp_status NS HOST PORT PATH: the status line of an unsigned GET, asked from inside NS.
tcp_status() {
  timeout 3 ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3 && printf 'GET $4 HTTP/1.1\r\nHost: $2\r\nConnection: close\r\n\r\n' >&3 && head -n1 <&3" 2>/dev/null
}

azurite_ready() {
  [[ $(tcp_status "$NS_CLIENT" "$BRIDGE_IP" 10000 '/devstoreaccount1?comp=list') == *" 403 "* ]] \
    && [[ $(tcp_status "$NS_CLIENT" "$BRIDGE_IP" 10002 /devstoreaccount1/Tables) == *" 403 "* ]]
}

build() {
  if [[ ${HYPERD_NO_BUILD:-0} == 1 && -d $RUN/silo && -f $RUN/check/HyperdOrleans.ClusterCheck.dll ]]; then
    log "reusing the previous build (HYPERD_NO_BUILD=1)"
  else
    log "building the silo and the cluster check into $RUN"
    nice -n 10 dotnet publish "$ROOT/src/Silo/Silo.csproj" -c Release -o "$RUN/silo" --nologo -v quiet >"$RUN/build.log" 2>&1 \
      || { tail -n 30 "$RUN/build.log"; die "silo build failed (full log: $RUN/build.log)"; }
    nice -n 10 dotnet publish "$ROOT/infra/ClusterCheck/ClusterCheck.csproj" -c Release -o "$RUN/check" --nologo -v quiet >>"$RUN/build.log" 2>&1 \
      || { tail -n 30 "$RUN/build.log"; die "cluster check build failed (full log: $RUN/build.log)"; }
  fi
  locate_silo
}

locate_silo() {
  local cfg
  cfg=$(ls "$RUN/silo"/*.runtimeconfig.json 2>/dev/null | head -n1) || true
  [[ -n $cfg ]] || die "no runnable assembly in $RUN/silo"
  SILO_DLL="$RUN/silo/$(basename "$cfg" .runtimeconfig.json).dll"
}

start_azurite() {
  if [[ ! -x $ROOT/node_modules/.bin/azurite ]]; then
    log "node_modules/.bin/azurite is missing: running npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund) >"$RUN/npm.log" 2>&1 || { tail -n 20 "$RUN/npm.log"; die "npm ci failed"; }
  fi
  mkdir -p "$RUN/azurite"
  (cd "$RUN" && exec ip netns exec "$NS_AZURITE" setsid "$ROOT/node_modules/.bin/azurite" --silent --location "$RUN/azurite" \
      --blobHost "$BRIDGE_IP" --blobPort 10000 --queueHost "$BRIDGE_IP" --queuePort 10001 \
      --tableHost "$BRIDGE_IP" --tablePort 10002 --skipApiVersionCheck --loose --disableTelemetry \
      </dev/null >>"$RUN/azurite.log" 2>&1) &
  local waited=0
  until azurite_ready; do
    [[ -n $(ip netns pids "$NS_AZURITE") ]] || { cat "$RUN/azurite.log"; die "Azurite exited"; }
    ((waited++ < 120)) || die "Azurite not ready after 60 s (log: $RUN/azurite.log)"
    sleep 0.5
  done
  log "Azurite ready on $BRIDGE_IP:10000-10002 (namespace $NS_AZURITE)"
}

# The development CA and certificates exactly as infra/cluster.sh makes them (its `certs` command, run on our directory).
make_certs() {
  HYPERD_RUN_DIR=$RUN HYPERD_SILOS=$SILOS "$ROOT/infra/cluster.sh" certs >/dev/null
  TLS_PASSWORD=$(<"$RUN/tls/password")
}

write_env() {
  local conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$ACCOUNT_KEY;BlobEndpoint=http://$BRIDGE_IP:10000/devstoreaccount1;QueueEndpoint=http://$BRIDGE_IP:10001/devstoreaccount1;TableEndpoint=http://$BRIDGE_IP:10002/devstoreaccount1;"
  rm -f "$RUN/cluster.env"
  cat >"$RUN/cluster.env" <<EOF
# Written by infra/netns.sh up: only reachable from inside the hyd- namespaces (ip netns exec hyd-client ...).
export Hyperd__Azure__ConnectionString='$conn'
export Hyperd__ClusterId='hyperd-netns-$(date +%Y%m%d-%H%M%S)-$RANDOM'
export Hyperd__ServiceId='hyperd-netns'
export Hyperd__Client__Tls__CertificatePath='$RUN/tls/client.pfx'
export Hyperd__Client__Tls__CertificatePassword='$TLS_PASSWORD'
export Hyperd__Client__Tls__CaPath='$RUN/tls/ca.pem'
EOF
}

# start_silo N: silo N in hyd-silo-N, advertising (and reachable only at) its namespace's address.
start_silo() {
  local i=$1
  (
    # shellcheck disable=SC1091
    source "$RUN/cluster.env"
    export Hyperd__SiloPort=$SILO_PORT Hyperd__GatewayPort=$GATEWAY_PORT Hyperd__Dev=true Hyperd__SiloName=silo-$i
    # Advertised and bound: the silo listens on its namespace's address only, as on a host with one interface.
    export Hyperd__AdvertisedIP=$(silo_ip "$i") Hyperd__ListenOnAdvertisedIP=true
    export Hyperd__Tls__CertificatePath=$RUN/tls/silo-$i.pfx Hyperd__Tls__CertificatePassword=$TLS_PASSWORD
    export Hyperd__Tls__CaPath=$RUN/tls/ca.pem
    export Hyperd__CacheDirectory=$RUN/work-$i/cache Hyperd__WorkDirectory=$RUN/work-$i/scratch
    export Hyperd__ImportRoots__0=$RUN/data
    # No automatic rebuild may change what a partition measures (as infra/chaos.sh).
    export Hyperd__RebuildPendingThreshold=0 Hyperd__RebuildPendingFraction=0
    export DOTNET_ENVIRONMENT=Development Logging__LogLevel__Polly=Warning
    export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat='HH:mm:ss.fff '
    export Logging__Console__FormatterOptions__SingleLine=true
    mkdir -p "$RUN/work-$i" && cd "$RUN/work-$i"
    exec ip netns exec "$(silo_ns "$i")" env 'Logging__LogLevel__Microsoft.AspNetCore=Warning' setsid dotnet "$SILO_DLL" \
      </dev/null >>"$RUN/silo-$i.log" 2>&1
  ) &
  echo $! >"$RUN/silo-$i.pid"
}

silo_alive() { [[ -n $(ip netns pids "$(silo_ns "$1")" 2>/dev/null) ]]; }

# ClusterCheck from the client namespace, in the data directory (the silos read `check`'s file by path).
check() {
  mkdir -p "$RUN/data"
  (source "$RUN/cluster.env" && cd "$RUN/data" && ip netns exec "$NS_CLIENT" dotnet "$RUN/check/HyperdOrleans.ClusterCheck.dll" "$@")
}

wait_joined() {
  local deadline=$((SECONDS + JOIN_TIMEOUT)) i
  log "waiting up to ${JOIN_TIMEOUT} s for $SILOS silos to be Active"
  while true; do
    for ((i = 1; i <= SILOS; i++)); do
      silo_alive "$i" || { tail -n 30 "$RUN/silo-$i.log"; die "silo $i exited during start-up (log: $RUN/silo-$i.log)"; }
    done
    if check --expect "$SILOS" --timeout 10 >"$RUN/join.log" 2>&1; then
      cat "$RUN/join.log"
      return 0
    fi
    ((SECONDS < deadline)) || { cat "$RUN/join.log"; die "the silos did not all become Active within ${JOIN_TIMEOUT} s"; }
  done
}

cmd_up() {
  need_root
  command -v dotnet >/dev/null || die "dotnet is not on PATH"
  command -v node >/dev/null || die "node is not on PATH (Azurite runs on Node.js)"
  mkdir -p "$RUN" && chmod 700 "$RUN"
  local started=$SECONDS i
  # A failed start removes whatever it had made; the logs stay in the run directory.
  trap 'log "start-up failed: removing what was made"; cmd_down' EXIT
  build
  make_network
  make_certs
  start_azurite
  write_env
  for ((i = 1; i <= SILOS; i++)); do
    start_silo "$i"
    log "silo $i: $(silo_ip "$i"):$SILO_PORT, gateway $(silo_ip "$i"):$GATEWAY_PORT in $(silo_ns "$i") (log: $RUN/silo-$i.log)"
  done
  wait_joined
  trap - EXIT
  log "cluster up in $((SECONDS - started)) s"
}

# stop_ns NS: SIGTERM every process of the namespace (all were started by this script), SIGKILL after 30 s.
stop_ns() {
  local ns=$1 pids waited=0
  ns_exists "$ns" || return 0
  pids=$(ip netns pids "$ns")
  [[ -z $pids ]] && return 0
  kill -TERM $pids 2>/dev/null || true
  while [[ -n $(ip netns pids "$ns") ]]; do
    if ((waited++ >= 60)); then
      log "$ns: processes left after 30 s: SIGKILL"
      kill -KILL $(ip netns pids "$ns") 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.5
  done
}

cmd_down() {
  local ns i pids=()
  # Silos first (in parallel, a graceful leave), then the client, then Azurite.
  for ((i = 1; i <= SILOS; i++)); do
    ip -n "$NS_AZURITE" link set "hyd-s$i-br" up 2>/dev/null || true
    stop_ns "$(silo_ns "$i")" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  stop_ns "$NS_CLIENT"
  stop_ns "$NS_AZURITE"
  for ns in $(all_ns); do
    if ns_exists "$ns"; then ip netns del "$ns" && log "namespace $ns removed"; fi
  done
  rm -f "$RUN"/silo-*.pid
  if [[ ${1:-} == --purge && -d $RUN ]]; then rm -rf "$RUN" && log "removed $RUN"; fi
}

cmd_status() {
  local ns up=0 i
  for ns in $(all_ns); do
    if ns_exists "$ns"; then
      up=1
      log "$ns: $(ip -n "$ns" -br -4 addr show | awk '$1 != "lo" {print $1, $2, $3}' | tr '\n' ' ') processes: $(ip netns pids "$ns" | tr '\n' ' ')"
    else
      log "$ns: absent"
    fi
  done
  ((up)) || return 3
  for ((i = 1; i <= SILOS; i++)); do
    ns_exists "$NS_AZURITE" && log "silo $i link: $(ip -n "$NS_AZURITE" -br link show "hyd-s$i-br" 2>/dev/null | awk '{print $2}')"
  done
  if [[ -f $RUN/cluster.env && -f $RUN/check/HyperdOrleans.ClusterCheck.dll ]] && ns_exists "$NS_CLIENT"; then
    log "membership table:"
    check --expect 0
  fi
}

cmd_check() {
  need_root
  [[ -f $RUN/cluster.env ]] && ns_exists "$NS_CLIENT" || die "not up (infra/netns.sh up first)"
  check index "$@"
}

# Membership rows as "Status Endpoint Name" lines.
rows() { check --expect 0 2>/dev/null | awk 'NF >= 2 {print $1, $2, $3}'; }

# partition N SECONDS: the ClusterCheck load, silo N's bridge port down for SECONDS, up again; then what healing
# took (a silo declared dead by the others learns so when it is reachable again and stops; it is started again here)
# and ClusterCheck verify.
cmd_partition() {
  need_root
  local n=$1 cut=$2 index=partition fault_at=10 count=${HYPERD_NETNS_COUNT:-20000}
  [[ $n =~ ^[1-9]$ ]] && ((n <= SILOS)) || die "silo number 1-$SILOS"
  [[ $cut =~ ^[0-9]+$ ]] || die "seconds"
  [[ -f $RUN/cluster.env ]] && ns_exists "$NS_CLIENT" || die "not up (infra/netns.sh up first)"
  locate_silo
  TLS_PASSWORD=$(<"$RUN/tls/password")
  local out=$RUN/partition load_seconds=$((fault_at + cut + 30)) port="hyd-s$n-br"
  rm -rf "$out" && mkdir -p "$out"
  # Whatever happens, the link comes back up.
  trap 'ip -n "$NS_AZURITE" link set "$port" up 2>/dev/null || true' EXIT
  log "building index '$index' ($count × 64)"
  check index --count "$count" --dims 64 --name "$index" --rebuilds 0 --build >"$out/build.log" 2>&1 \
    || { tail -n 20 "$out/build.log"; die "index build failed"; }
  local where
  where=$(check where --name "$index" --field Silo 2>/dev/null || echo "?")
  log "index grain on $where; load for $load_seconds s, silo $n cut at $fault_at s for $cut s"
  Hyperd__RebuildPendingThreshold=0 Hyperd__RebuildPendingFraction=0 \
    check load --name "$index" --seconds "$load_seconds" --journal "$out/load.jsonl" --id-base "$((1000000000 + $(date +%s) % 10000 * 100000))" \
      --fault-at "$fault_at" --data "clustered-${count}x64.fvecs" >"$out/load.json" 2>"$out/load.err" &
  local load=$!
  sleep "$fault_at"
  local before
  before=$(rows)
  ip -n "$NS_AZURITE" link set "$port" down
  local cut_ms
  cut_ms=$(date +%s%3N)
  log "silo $n ($(silo_ip "$n")): link down"
  sleep "$cut"
  local during
  during=$(rows)
  ip -n "$NS_AZURITE" link set "$port" up
  local restored_ms
  restored_ms=$(date +%s%3N)
  local restored=$SECONDS restarted=0 healed="" exited_after=""
  log "silo $n: link up again; waiting for three Active silos"
  while ((SECONDS - restored < 240)); do
    if ! silo_alive "$n"; then
      [[ -n $exited_after ]] || { exited_after=$((SECONDS - restored)); log "silo $n exited ${exited_after} s after the link came back: starting it again"; }
      start_silo "$n"
      restarted=$((restarted + 1))
      sleep 2
    fi
    if silo_alive "$n" && (check --expect "$SILOS" --timeout 3 >/dev/null 2>&1); then
      healed=$((SECONDS - restored))
      break
    fi
    sleep 1
  done
  local after
  after=$(rows)
  wait "$load" || log "warning: the load exited with an error (see $out/load.err)"
  local summary rc=0
  summary=$(check verify --name "$index" --journal "$out/load.jsonl" 2>"$out/verify.err") || rc=$?
  echo "$summary" >"$out/verify.json"
  {
    echo "membership before the cut:"; echo "$before"
    echo "membership at the end of the cut (as the table, reachable from the client, said):"; echo "$during"
    echo "membership after healing:"; echo "$after"
  } >"$out/membership.txt"
  local s_fail s_all a_fail a_all lost ack visible failed_rows
  s_fail=$(json_field "$out/load.json" SearchesFailed); s_all=$(json_field "$out/load.json" Searches)
  a_fail=$(json_field "$out/load.json" AppendsFailed); a_all=$(json_field "$out/load.json" Appends)
  lost=$(json_field "$out/verify.json" Lost); ack=$(json_field "$out/verify.json" AcknowledgedRows)
  visible=$(json_field "$out/verify.json" FailedCallRowsVisible); failed_rows=$(json_field "$out/verify.json" FailedCallRows)
  # From the silos' logs: when the others evicted silo N, and when it read that and stopped itself.
  local others=() i evicted stopped
  for ((i = 1; i <= SILOS; i++)); do [[ $i != "$n" ]] && others+=("$RUN/silo-$i.log"); done
  evicted=$(log_time_after "$cut_ms" "Evicting 'S$(silo_ip "$n"):$SILO_PORT:" "${others[@]}")
  stopped=$(log_time_after "$restored_ms" "I have been told I am dead" "$RUN/silo-$n.log")
  local what
  if ((restarted > 0)); then
    what="the other silos evicted silo $n (declared it Dead in the table) $(seconds_between "$cut_ms" "$evicted") s after the cut;"
    what+=" $(seconds_between "$restored_ms" "$stopped") s after its link came back it read that it was dead and stopped itself"
    what+=" (FailFast), and the script started it again (a new generation joined)"
  else
    what="silo $n kept running and was Active again without a restart"
  fi
  local line="partition silo $n for $cut s: searches failed $s_fail of $s_all, appends failed $a_fail of $a_all, lost $lost of $ack, visible $visible of $failed_rows, healed ${healed:-never (240 s)} s after the link came back; $what"
  log "$line"
  echo "$line" >"$out/summary.txt"
  local s_max a_max where_ep=${where#S}
  where_ep=${where_ep%:*}
  s_max=$(json_seconds "$out/load.json" SearchMaxMs); a_max=$(json_seconds "$out/load.json" AppendMaxMs)
  # Mean recall@10 of the answers before the cut and in the 60 s from it (exact scan of the built rows, 200 queries).
  local r_before r_after
  r_before=$(json_decimal "$out/load.json" RecallBefore); r_after=$(json_decimal "$out/load.json" RecallAfter)
  {
    echo "<!-- netns-partition:begin -->"
    fold -s -w 118 <<<"Measured $(date -u +%Y-%m-%d) with \`infra/netns.sh partition $n $cut\`: Azurite and three silos, each silo in \
its own network namespace with its own address on a bridge (mutual TLS, the multi-silo default of two replicas per \
bucket), an index of $count × 64 (its grain on the silo at $where_ep), the ClusterCheck load (4 search loops, one appender of 100 \
fresh ids every 200 ms, the SDK's deadlines) for $load_seconds s from a client namespace, silo $n's bridge port down at \
$fault_at s for $cut s: the silo lost the other silos, the clients and the storage at once." | sed 's/ *$//'
    echo
    echo "| searches failed | longest search | recall@10 before → after the cut | appends failed | longest append | acknowledged rows lost | rows of failed calls visible | seconds to heal |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| $s_fail of $s_all | $s_max s | $r_before → $r_after | $a_fail of $a_all | $a_max s | $lost of $ack | $visible of $failed_rows | ${healed:-not within 240} |"
    echo
    fold -s -w 118 <<<"What Orleans did: $what. Healed means three silos Active in the membership table and a client \
served, counted from the moment the link came back (polled every few seconds)." | sed 's/ *$//'
    echo "<!-- netns-partition:end -->"
  } >"$out/report.md"
  if [[ ${HYPERD_NETNS_REPORT:-0} == 1 ]]; then
    local doc=$ROOT/docs/reliability.md
    grep -q '<!-- netns-partition:begin -->' "$doc" || die "no netns-partition markers in $doc"
    awk -v table="$out/report.md" '
      /<!-- netns-partition:begin -->/ { while ((getline line < table) > 0) print line; skip = 1; next }
      /<!-- netns-partition:end -->/ { skip = 0; next }
      !skip { print }' "$doc" >"$doc.new" && mv "$doc.new" "$doc" && chmod 644 "$doc"
    log "report: $doc"
  fi
  trap - EXIT
  [[ -n $healed && $rc == 0 ]]
}

# log_time_after SINCE_MS TEXT FILE...: epoch milliseconds of the first log line at or after SINCE_MS containing TEXT
# (the silos' logs start each line with HH:MM:SS.fff of this machine's day), or nothing.
log_time_after() {
  local since=$1 text=$2 line ms
  shift 2
  while read -r line; do
    ms=$(date -d "$(date +%F) ${line%% *}" +%s%3N 2>/dev/null) || continue
    ((ms >= since)) && { echo "$ms"; return; }
  done < <(grep -hF -- "$text" "$@" 2>/dev/null | sort)
}

seconds_between() { [[ -n ${2:-} ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }' || echo "?"; }

json_seconds() { awk -v ms="$(grep -o "\"$2\":[0-9.]*" "$1" | head -n1 | cut -d: -f2)" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# json_field FILE NAME: a number of a one-line JSON object.
json_field() { grep -o "\"$2\":[0-9]*" "$1" | head -n1 | cut -d: -f2; }
json_decimal() { LC_ALL=C printf '%.3f' "$(grep -o "\"$2\":[0-9.eE+-]*" "$1" | head -n1 | cut -d: -f2)"; }

case ${1:-} in
  up) cmd_up ;;
  down) need_root; cmd_down "${2:-}" ;;
  status) need_root; cmd_status ;;
  check) shift; cmd_check "$@" ;;
  partition) cmd_partition "${2:?silo number}" "${3:?seconds}" ;;
  *) echo "usage: $0 up | status | check [--count N --dims D --rebuilds R] | partition N SECONDS | down [--purge]" >&2; exit 2 ;;
esac
