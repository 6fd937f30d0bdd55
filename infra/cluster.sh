#!/usr/bin/env bash
# A local HyperdOrleans cluster: Azurite (from the repository's node_modules) and three silos on loopback ports,
# joined through Azure Table clustering.
#
#   infra/cluster.sh up       build, start Azurite and the silos, wait until every silo is Active
#   infra/cluster.sh status   processes, ports and the membership table
#   infra/cluster.sh down     SIGTERM the silos (graceful leave), then Azurite
#   infra/cluster.sh down --purge   also delete infra/.run (Azurite's data, logs)
#   infra/cluster.sh check [--count N --dims D --rebuilds R]   build an index and query it through the client SDK
#   infra/cluster.sh kill-silo N | start-silo N   SIGKILL silo N; start it again on its ports (infra/chaos.sh)
#   infra/cluster.sh add-silo N | stop-silo N    scale out: a new silo N joins; scale in: silo N leaves gracefully (SIGTERM)
#   infra/cluster.sh azurite kill|start|stop|cont   SIGKILL, restart on its data, SIGSTOP or SIGCONT Azurite
#   infra/cluster.sh certs    only make the development CA and certificates (for docker-compose, or to inspect them)
#
# Environment (all optional):
#   HYPERD_SILOS=3               number of silos
#   HYPERD_SERVICE_ID=hyperd     Orleans service id: grain state and index files are kept per service id
#   HYPERD_DASHBOARD=1           silo 1 serves the Orleans Dashboard (0 to switch it off)
#   HYPERD_JOIN_TIMEOUT=180      seconds to wait for the silos to become Active
#   HYPERD_SILO_PROJECT=...      silo project to build (default src/Silo/Silo.csproj)
#   HYPERD_NO_BUILD=1            reuse the binaries of the previous up (infra/.run/silo, infra/.run/check)
#   HYPERD_RUN_DIR=...           state, logs and build output (default infra/.run)
#   HYPERD_IMPORT_ROOTS=a:b      directories the silos may build from (default infra/.run/data and the hyperd data
#                                cache, $XDG_CACHE_HOME/hyperd or ~/.cache/hyperd)
#
# Silos and clients talk mutual TLS: `up` makes a development CA and a certificate per silo and one for clients
# (openssl, in infra/.run/tls, owner-only), and cluster.env points clients at them.
set -euo pipefail
# Everything written under infra/.run (keys, the storage key in cluster.env, logs) is readable by its owner only.
umask 077

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${HYPERD_RUN_DIR:-$ROOT/infra/.run}
SILOS=${HYPERD_SILOS:-3}
SERVICE_ID=${HYPERD_SERVICE_ID:-hyperd}
DASHBOARD=${HYPERD_DASHBOARD:-1}
JOIN_TIMEOUT=${HYPERD_JOIN_TIMEOUT:-180}
SILO_PROJECT=${HYPERD_SILO_PROJECT:-$ROOT/src/Silo/Silo.csproj}
CHECK_PROJECT=$ROOT/infra/ClusterCheck/ClusterCheck.csproj
IMPORT_ROOTS=${HYPERD_IMPORT_ROOTS:-$RUN/data:${XDG_CACHE_HOME:-$HOME/.cache}/hyperd}
# Azurite's well-known development account; it is public and only valid against the emulator.
ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }

# Something answers on 127.0.0.1:PORT. Two silos can both bind one loopback port without an error and then
# steal each other's traffic, so every port is checked before use.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

TAKEN=" "
# pick_port VAR START: sets VAR to the first port from START upwards that is neither busy nor already handed
# out by this run (a global list, hence no command substitution, which would run in a subshell).
pick_port() {
  local p=$2
  while port_busy "$p" || [[ $TAKEN == *" $p "* ]]; do
    p=$((p + 1))
    ((p < 65000)) || die "no free port above $2"
  done
  TAKEN+="$p "
  printf -v "$1" '%s' "$p"
}

# PID file holds a live process whose command line contains the expected text (a recycled PID is not ours).
alive() {
  local pidfile=$1 expected=$2 pid
  [[ -f $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expected"
}

# azurite_ready PORT PATH: an unsigned request answered 403 means that service is up and checking signatures.
azurite_ready() {
  local port=$1 path=$2 status
  status=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 && head -n1 <&3" 2>/dev/null) || return 1
  [[ $status == *" 403 "* ]]
}

build() {
  if [[ ${HYPERD_NO_BUILD:-0} == 1 && -d $RUN/silo && -f $RUN/check/HyperdOrleans.ClusterCheck.dll ]]; then
    log "reusing the previous build (HYPERD_NO_BUILD=1)"
  else
    publish
  fi
  locate_silo
}

locate_silo() {
  local cfg
  cfg=$(ls "$RUN/silo"/*.runtimeconfig.json 2>/dev/null | head -n1) || true
  [[ -n $cfg ]] || die "no runnable assembly in $RUN/silo"
  SILO_DLL="$RUN/silo/$(basename "$cfg" .runtimeconfig.json).dll"
}

publish() {
  log "building the silo ($SILO_PROJECT) and the cluster check"
  dotnet publish "$SILO_PROJECT" -c Release -o "$RUN/silo" --nologo -v quiet >"$RUN/build.log" 2>&1 \
    || { tail -n 30 "$RUN/build.log"; die "silo build failed (full log: $RUN/build.log)"; }
  dotnet publish "$CHECK_PROJECT" -c Release -o "$RUN/check" --nologo -v quiet >>"$RUN/build.log" 2>&1 \
    || { tail -n 30 "$RUN/build.log"; die "cluster check build failed (full log: $RUN/build.log)"; }
}

start_azurite() {
  if [[ ! -x $ROOT/node_modules/.bin/azurite ]]; then
    log "node_modules/.bin/azurite is missing: running npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund) >"$RUN/npm.log" 2>&1 || { tail -n 20 "$RUN/npm.log"; die "npm ci failed"; }
  fi
  if [[ ${1:-} == again ]]; then
    read -r BLOB_PORT QUEUE_PORT TABLE_PORT <"$RUN/azurite.ports"
  else
    pick_port BLOB_PORT 10000; pick_port QUEUE_PORT 10001; pick_port TABLE_PORT 10002
    echo "$BLOB_PORT $QUEUE_PORT $TABLE_PORT" >"$RUN/azurite.ports"
  fi
  mkdir -p "$RUN/azurite"
  # Data kept in infra/.run/azurite, so an index and its manifest outlive `down` / `up` (purge with down --purge).
  (cd "$RUN" && exec setsid "$ROOT/node_modules/.bin/azurite" --silent --location "$RUN/azurite" \
      --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
      --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" --skipApiVersionCheck --loose --disableTelemetry \
      </dev/null >>"$RUN/azurite.log" 2>&1) &
  echo $! >"$RUN/azurite.pid"
  local waited=0
  until azurite_ready "$BLOB_PORT" '/devstoreaccount1?comp=list' && azurite_ready "$TABLE_PORT" /devstoreaccount1/Tables; do
    alive "$RUN/azurite.pid" azurite || { cat "$RUN/azurite.log"; die "Azurite exited"; }
    ((waited++ < 120)) || die "Azurite not ready after 60 s (log: $RUN/azurite.log)"
    sleep 0.5
  done
  log "Azurite ready: blob $BLOB_PORT, queue $QUEUE_PORT, table $TABLE_PORT"
}

# issue NAME: a certificate of the development CA for NAME (silo or client: server and client authentication, SANs
# localhost and 127.0.0.1) as infra/.run/tls/NAME.pfx, made once and kept until down --purge.
issue() {
  local name=$1 dir=$RUN/tls
  [[ -f $dir/$name.pfx ]] && return 0
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$name.key" -out "$dir/$name.csr" \
    -subj "/CN=hyperd-$name" 2>/dev/null
  printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyAgreement' \
    'extendedKeyUsage=serverAuth,clientAuth' 'subjectAltName=DNS:localhost,IP:127.0.0.1' >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  openssl pkcs12 -export -in "$dir/$name.pem" -inkey "$dir/$name.key" -out "$dir/$name.pfx" -passout "file:$dir/password"
  rm -f "$dir/$name.csr" "$dir/$name.ext" "$dir/$name.key"
}

# A development CA (30 days), a certificate per silo and one for clients. The PFX password is random and is only
# handed to processes through the environment (cluster.env, the silos' environment), never on a command line.
make_certs() {
  command -v openssl >/dev/null || die "openssl is not on PATH (needed for the development TLS certificates)"
  local dir=$RUN/tls i
  mkdir -p "$dir" && chmod 700 "$dir"
  if [[ ! -f $dir/ca.pem || ! -f $dir/ca.key ]]; then
    rm -f "$dir"/*.pfx
    openssl rand -hex 24 >"$dir/password"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
      -subj "/CN=hyperd-dev-ca" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  fi
  for ((i = 1; i <= SILOS; i++)); do issue "silo-$i"; done
  issue client
  chmod 600 "$dir"/*
  TLS_PASSWORD=$(<"$dir/password")
  log "TLS: development CA and certificates in infra/.run/tls (owner-only)"
}

write_env() {
  local conn="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$ACCOUNT_KEY;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
  # A fresh cluster id per run: rows of an earlier run (even one killed with SIGKILL) can never delay this one.
  CLUSTER_ID="hyperd-$(date +%Y%m%d-%H%M%S)-$RANDOM"
  # The file holds the storage key: owner-only from its first byte (umask), and kept so if it already existed (chmod).
  rm -f "$RUN/cluster.env"
  (umask 077 && cat >"$RUN/cluster.env") <<EOF
# Written by infra/cluster.sh up: \`source infra/.run/cluster.env\` to point the hyperd tool or a client here.
export Hyperd__Azure__ConnectionString='$conn'
export Hyperd__ClusterId='$CLUSTER_ID'
export Hyperd__ServiceId='$SERVICE_ID'
# Mutual TLS: the client certificate of the development CA (infra/.run/tls).
export Hyperd__Client__Tls__CertificatePath='$RUN/tls/client.pfx'
export Hyperd__Client__Tls__CertificatePassword='$TLS_PASSWORD'
export Hyperd__Client__Tls__CaPath='$RUN/tls/ca.pem'
EOF
  chmod 600 "$RUN/cluster.env"
}

start_silos() {
  local i silo_port gateway_port dashboard_port
  for ((i = 1; i <= SILOS; i++)); do
    pick_port silo_port $((11110 + i))
    pick_port gateway_port $((30000 + i - 1))
    dashboard_port=""
    if [[ $i == 1 && $DASHBOARD == 1 ]]; then
      pick_port dashboard_port 5080
      echo "http://127.0.0.1:$dashboard_port/" >"$RUN/dashboard.url"
    fi
    echo "$silo_port $gateway_port $dashboard_port" >"$RUN/silo-$i.ports"
    start_silo "$i"
    log "silo $i: silo port $silo_port, gateway $gateway_port${dashboard_port:+, dashboard $dashboard_port} (log: infra/.run/silo-$i.log)"
  done
}

# start_silo N: silo N on the ports recorded in infra/.run/silo-N.ports (so a restarted silo comes back where it was).
start_silo() {
  local i=$1 silo_port gateway_port dashboard_port
  read -r silo_port gateway_port dashboard_port <"$RUN/silo-$i.ports"
  (
    # shellcheck disable=SC1091
    source "$RUN/cluster.env"
    export Hyperd__SiloPort=$silo_port Hyperd__GatewayPort=$gateway_port Hyperd__Dev=true Hyperd__SiloName=silo-$i
    export Hyperd__Tls__CertificatePath=$RUN/tls/silo-$i.pfx Hyperd__Tls__CertificatePassword=$TLS_PASSWORD
    export Hyperd__Tls__CaPath=$RUN/tls/ca.pem
    # Each silo its own file cache and build scratch: the grains' default is one folder under /tmp, which three
    # silos on one machine would share (one silo dropping an old generation would pull files from under another).
    export Hyperd__CacheDirectory=$RUN/work-$i/cache Hyperd__WorkDirectory=$RUN/work-$i/scratch
    export Hyperd__Dashboard__Port=${dashboard_port:-}
    # Builds read source files only from these directories (infra/.run/data is where `check` writes its data).
    local r n=0 roots
    IFS=: read -ra roots <<<"$IMPORT_ROOTS"
    for r in "${roots[@]}"; do
      if [[ -n $r ]]; then export "Hyperd__ImportRoots__$n=$r"; n=$((n + 1)); fi
    done
    export DOTNET_ENVIRONMENT=Development
    export Logging__LogLevel__Polly=Warning
    export Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat='HH:mm:ss.fff '
    export Logging__Console__FormatterOptions__SingleLine=true
    # Its own working directory per silo: relative cache paths of three silos on one machine never collide.
    mkdir -p "$RUN/work-$i" && cd "$RUN/work-$i"
    exec env 'Logging__LogLevel__Microsoft.AspNetCore=Warning' setsid dotnet "$SILO_DLL" </dev/null >>"$RUN/silo-$i.log" 2>&1
  ) &
  echo $! >"$RUN/silo-$i.pid"
}

wait_joined() {
  local deadline=$((SECONDS + JOIN_TIMEOUT)) i
  log "waiting up to ${JOIN_TIMEOUT} s for $SILOS silos to be Active in cluster $CLUSTER_ID"
  while true; do
    for ((i = 1; i <= SILOS; i++)); do
      alive "$RUN/silo-$i.pid" "$(basename "$SILO_DLL")" || { tail -n 30 "$RUN/silo-$i.log"; die "silo $i exited during start-up (log: $RUN/silo-$i.log)"; }
    done
    # Short probes in a loop so that a silo dying meanwhile is noticed within seconds.
    if (source "$RUN/cluster.env" && dotnet "$RUN/check/HyperdOrleans.ClusterCheck.dll" --expect "$SILOS" --timeout 10) >"$RUN/check.log" 2>&1; then
      cat "$RUN/check.log"
      return 0
    fi
    ((SECONDS < deadline)) || { cat "$RUN/check.log"; die "the silos did not all become Active within ${JOIN_TIMEOUT} s"; }
  done
}

cmd_up() {
  # The run directory holds Azurite's data and the key file: owner-only.
  mkdir -p "$RUN" && chmod 700 "$RUN"
  if alive "$RUN/azurite.pid" azurite; then die "already up (infra/cluster.sh status, or down first)"; fi
  command -v dotnet >/dev/null || die "dotnet is not on PATH"
  command -v node >/dev/null || die "node is not on PATH (Azurite runs on Node.js)"
  local started=$SECONDS
  # A failed start stops whatever it had started; the logs stay in infra/.run.
  trap 'log "start-up failed: stopping what was started"; cmd_down' EXIT
  build
  make_certs
  start_azurite
  write_env
  start_silos
  wait_joined
  trap - EXIT
  log "cluster up in $((SECONDS - started)) s. Use it from a shell with: source infra/.run/cluster.env"
  [[ -f $RUN/dashboard.url ]] && log "Orleans Dashboard: $(<"$RUN/dashboard.url")"
  return 0
}

# SIGTERM, then wait; SIGKILL only as a last resort since a killed silo leaves an Active row behind.
stop_pid() {
  local pidfile=$1 expected=$2 name=$3 pid waited=0
  alive "$pidfile" "$expected" || { rm -f "$pidfile"; return 0; }
  pid=$(<"$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited++ >= 60)); then
      log "$name did not stop within 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$pidfile"
  log "$name stopped"
}

cmd_down() {
  local f i pids=()
  [[ -d $RUN ]] || { log "nothing to stop"; return 0; }
  # All silos leave in parallel; each announces its shutdown in the membership table.
  for f in "$RUN"/silo-*.pid; do
    [[ -e $f ]] || continue
    i=${f##*/silo-}; i=${i%.pid}
    stop_pid "$f" "dotnet" "silo $i" &
    pids+=($!)
  done
  for f in "${pids[@]}"; do wait "$f" || true; done
  stop_pid "$RUN/azurite.pid" azurite "Azurite"
  rm -f "$RUN"/silo-*.ports "$RUN/dashboard.url"
  if [[ ${1:-} == --purge ]]; then
    rm -rf "$RUN"
    log "removed $RUN"
  fi
}

cmd_status() {
  local f i up=0
  [[ -d $RUN ]] || { log "down (no $RUN)"; return 3; }
  if alive "$RUN/azurite.pid" azurite; then log "Azurite: running (pid $(<"$RUN/azurite.pid"))"; up=1; else log "Azurite: stopped"; fi
  for f in "$RUN"/silo-*.pid; do
    [[ -e $f ]] || continue
    i=${f##*/silo-}; i=${i%.pid}
    if alive "$f" dotnet; then
      log "silo $i: running (pid $(<"$f"), ports $(cat "$RUN/silo-$i.ports" 2>/dev/null))"
    else
      log "silo $i: stopped"
    fi
  done
  [[ -f $RUN/dashboard.url ]] && log "dashboard: $(<"$RUN/dashboard.url")"
  if ((up)) && [[ -f $RUN/check/HyperdOrleans.ClusterCheck.dll && -f $RUN/cluster.env ]]; then
    log "membership table:"
    (source "$RUN/cluster.env" && dotnet "$RUN/check/HyperdOrleans.ClusterCheck.dll" --expect 0)
  fi
  ((up)) || return 3
}

# The client-side check: an index built and queried through the cluster (ClusterCheck index, client SDK).
# Faults for infra/chaos.sh (and by hand): SIGKILL a silo, start it again on its ports, and Azurite's kill, restart,
# stall (SIGSTOP) and resume (SIGCONT).
cmd_kill_silo() {
  [[ -f $RUN/silo-$1.pid ]] || die "no silo $1"
  kill -KILL "$(<"$RUN/silo-$1.pid")" 2>/dev/null || true
  log "silo $1: SIGKILL"
}

cmd_start_silo() {
  [[ -f $RUN/silo-$1.ports ]] || die "no silo $1 was ever started"
  locate_silo
  TLS_PASSWORD=$(<"$RUN/tls/password")
  alive "$RUN/silo-$1.pid" "$(basename "$SILO_DLL")" && die "silo $1 is running"
  start_silo "$1"
  log "silo $1: started again on ports $(<"$RUN/silo-$1.ports")"
}

# add-silo N: a silo that was not part of the cluster joins it (scale-out): its certificate, free ports, started as the others.
cmd_add_silo() {
  local i=$1 silo_port gateway_port
  [[ $i =~ ^[1-9][0-9]*$ ]] || die "silo number"
  [[ -f $RUN/cluster.env ]] || die "not up (infra/cluster.sh up first)"
  alive "$RUN/silo-$i.pid" dotnet && die "silo $i is running"
  locate_silo
  TLS_PASSWORD=$(<"$RUN/tls/password")
  issue "silo-$i"
  pick_port silo_port $((11110 + i))
  pick_port gateway_port $((30000 + i - 1))
  echo "$silo_port $gateway_port " >"$RUN/silo-$i.ports"
  start_silo "$i"
  log "silo $i: added on silo port $silo_port, gateway $gateway_port (log: infra/.run/silo-$i.log)"
}

# stop-silo N: SIGTERM; the silo leaves gracefully (scale-in): it announces its shutdown and deactivates its grains.
cmd_stop_silo() {
  [[ -f $RUN/silo-$1.pid ]] || die "no silo $1"
  stop_pid "$RUN/silo-$1.pid" dotnet "silo $1"
}

cmd_azurite() {
  local pid
  pid=$(<"$RUN/azurite.pid")
  case $1 in
    kill) kill -KILL "$pid" 2>/dev/null || true; pkill -KILL -f "$RUN/azurite" 2>/dev/null || true; log "Azurite: SIGKILL" ;;
    start) start_azurite again ;;
    stop) pkill -STOP -f -- "--location $RUN/azurite" || true; log "Azurite: SIGSTOP" ;;
    cont) pkill -CONT -f -- "--location $RUN/azurite" || true; log "Azurite: SIGCONT" ;;
    *) die "azurite kill|start|stop|cont" ;;
  esac
}

cmd_check() {
  [[ -f $RUN/cluster.env && -f $RUN/check/HyperdOrleans.ClusterCheck.dll ]] || die "not up (infra/cluster.sh up first)"
  mkdir -p "$RUN/data"
  # The data file is written under infra/.run/data: the silos read it by path, so it must be on their disk.
  (source "$RUN/cluster.env" && cd "$RUN/data" && dotnet "$RUN/check/HyperdOrleans.ClusterCheck.dll" index "$@")
}

cmd_certs() {
  mkdir -p "$RUN"
  make_certs
  log "CA: $RUN/tls/ca.pem; silo-1..$SILOS.pfx and client.pfx, PFX password in $RUN/tls/password"
}

case ${1:-} in
  up) cmd_up ;;
  certs) cmd_certs ;;
  check) shift; cmd_check "$@" ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  kill-silo) cmd_kill_silo "${2:?silo number}" ;;
  start-silo) cmd_start_silo "${2:?silo number}" ;;
  add-silo) cmd_add_silo "${2:?silo number}" ;;
  stop-silo) cmd_stop_silo "${2:?silo number}" ;;
  azurite) cmd_azurite "${2:?kill, start, stop or cont}" ;;
  *) echo "usage: $0 up | status | check [--count N --dims D --rebuilds R] | certs | down [--purge]" >&2; exit 2 ;;
esac
