#!/usr/bin/env bash
# cluster.sh — start/stop a REAL Apache Kafka 4.1.1 cluster for kafkit end-to-end tests.
#
# 3 nodes in KRaft combined mode (process.roles=broker,controller) on 127.0.0.1, jars from
# Maven Central (see pom.xml next to this script), no Docker.
#
# Usage: e2e/cluster/cluster.sh <subcommand>
#   fetch   download the broker + Java tools jars into the cache lib dir (skipped when done)
#   up      fetch, wipe the state dir, format storage (with the SCRAM user), start the 3 nodes
#           and wait until the metadata lists 3 brokers; exit 0 if already running and healthy
#   down    SIGTERM all nodes together, SIGKILL leftovers after a timeout; idempotent
#   status  running pids, readiness, addresses, SCRAM credentials; exit 0 only if healthy
#   logs    tail of each node's log (for CI failure reports)
#   env     print shell `export` lines describing the cluster (eval "$(cluster.sh env)")
#   stop-node N   stop node N (1-3) for failover tests
#   start-node N  restart node N on its data and wait until the metadata lists 3 brokers
#
# Node layout (defaults):
#   node  PLAINTEXT (clients, inter-broker)  SASL (SASL_PLAINTEXT, SCRAM-SHA-256/512)  CONTROLLER
#   1     127.0.0.1:19092                    127.0.0.1:19093                           127.0.0.1:19094
#   2     127.0.0.1:29092                    127.0.0.1:29093                           127.0.0.1:29094
#   3     127.0.0.1:31092                    127.0.0.1:31093                           127.0.0.1:31094
#
# Environment variables (all optional):
#   KAFKIT_CACHE                    jar cache base; jars go to $KAFKIT_CACHE/kafka-4.1.1/lib
#                                   (default: <repo>/.cache)
#   KAFKIT_CLUSTER_DIR              state dir: node configs, data, logs, pid files; wiped by
#                                   every `up` (default: <repo>/.cache/cluster)
#   KAFKIT_CLUSTER_READY_TIMEOUT    seconds `up` waits for 3 brokers (default: 120)
#   KAFKIT_CLUSTER_STOP_TIMEOUT     seconds `down` waits after SIGTERM before SIGKILL (default: 30)
#   KAFKIT_CLUSTER_RETENTION_BYTES  log.retention.bytes per partition, to bound the disk used
#                                   by benchmarks (default: 268435456 = 256 MiB)
#   KAFKIT_CLUSTER_HOST             listen/advertised host (default: 127.0.0.1)
#   KAFKIT_CLUSTER_PLAINTEXT_PORTS  3 ports, comma/space separated (default: 19092,29092,31092)
#   KAFKIT_CLUSTER_SASL_PORTS       3 ports (default: 19093,29093,31093)
#   KAFKIT_CLUSTER_CONTROLLER_PORTS 3 ports (default: 19094,29094,31094)
#   KAFKIT_SCRAM_USER               SCRAM user created at format time (default: kafkit)
#   KAFKIT_SCRAM_PASSWORD           its password, for SCRAM-SHA-256 and SCRAM-SHA-512
#                                   (default: kafkit-secret; must not contain , [ ] " or =)
#   KAFKIT_CLUSTER_JVM_OPTS         broker JVM options
#                                   (default: -Xmx384m -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
#   KAFKIT_CLUSTER_PROBE            readiness probe: auto (kcat if on PATH, else java), kcat, java
#                                   (default: auto)
#   KAFKIT_CLUSTER_LOG_LINES        lines per node printed by `logs` and on failure (default: 40)
#   KAFKIT_MAVEN_REPO               Maven local repository (default: Maven's, ~/.m2/repository).
#                                   `fetch` first tries `mvn -o` (works offline when the local
#                                   repo already has the jars) and falls back to online.
#   JAVA_HOME                       Java 17+ to use (default: `java` on PATH)
#
# The Java tools (TopicCommand, ConsoleProducer, ...) run with:
#   java -cp "$(cluster.sh env | sed -n 's/^export KAFKIT_E2E_KAFKA_LIB=//p')/*" org.apache.kafka.tools.TopicCommand ...
# i.e. java -cp '<cache>/kafka-4.1.1/lib/*' ...
set -euo pipefail

KAFKA_VERSION=4.1.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

CACHE_BASE=${KAFKIT_CACHE:-$REPO_DIR/.cache}
KAFKA_HOME=$CACHE_BASE/kafka-$KAFKA_VERSION
LIB_DIR=$KAFKA_HOME/lib
LIB_MARKER=$LIB_DIR/.kafkit-fetch-complete
STATE_DIR=${KAFKIT_CLUSTER_DIR:-$REPO_DIR/.cache/cluster}
STATE_MARKER=.kafkit-cluster-state

READY_TIMEOUT=${KAFKIT_CLUSTER_READY_TIMEOUT:-120}
STOP_TIMEOUT=${KAFKIT_CLUSTER_STOP_TIMEOUT:-30}
RETENTION_BYTES=${KAFKIT_CLUSTER_RETENTION_BYTES:-268435456}
HOST=${KAFKIT_CLUSTER_HOST:-127.0.0.1}
SCRAM_USER=${KAFKIT_SCRAM_USER:-kafkit}
SCRAM_PASSWORD=${KAFKIT_SCRAM_PASSWORD:-kafkit-secret}
PROBE=${KAFKIT_CLUSTER_PROBE:-auto}
LOG_LINES=${KAFKIT_CLUSTER_LOG_LINES:-40}
JVM_OPTS_STR=${KAFKIT_CLUSTER_JVM_OPTS:--Xmx384m -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# Options for short-lived tool JVMs (StorageTool, readiness probe).
TOOL_JVM_OPTS=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi

NODES=(1 2 3)

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

read_ports() { # name value -> prints 3 ports space separated
  local -a p
  read -r -a p <<<"${2//,/ }"
  [[ ${#p[@]} -eq 3 ]] || die "$1 must list exactly 3 ports, got '${2}'"
  local x
  for x in "${p[@]}"; do [[ $x =~ ^[0-9]+$ ]] || die "$1: bad port '$x'"; done
  echo "${p[*]}"
}
read -r -a PT_PORTS <<<"$(read_ports KAFKIT_CLUSTER_PLAINTEXT_PORTS "${KAFKIT_CLUSTER_PLAINTEXT_PORTS:-19092,29092,31092}")"
read -r -a SASL_PORTS <<<"$(read_ports KAFKIT_CLUSTER_SASL_PORTS "${KAFKIT_CLUSTER_SASL_PORTS:-19093,29093,31093}")"
read -r -a CTL_PORTS <<<"$(read_ports KAFKIT_CLUSTER_CONTROLLER_PORTS "${KAFKIT_CLUSTER_CONTROLLER_PORTS:-19094,29094,31094}")"

[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_READY_TIMEOUT must be an integer"
[[ $STOP_TIMEOUT =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_STOP_TIMEOUT must be an integer"
[[ $LOG_LINES =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_LOG_LINES must be an integer"

join_addrs() { # port... -> host:p1,host:p2,host:p3
  local out="" p
  for p in "$@"; do out+="${out:+,}$HOST:$p"; done
  echo "$out"
}
BOOTSTRAP=$(join_addrs "${PT_PORTS[@]}")
SASL_BOOTSTRAP=$(join_addrs "${SASL_PORTS[@]}")
VOTERS=""
for n in "${NODES[@]}"; do VOTERS+="${VOTERS:+,}$n@$HOST:${CTL_PORTS[n - 1]}"; done

node_dir() { echo "$STATE_DIR/node$1"; }

# ---------------------------------------------------------------------------------------------
# locking: one cluster.sh up/down at a time per state dir

take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$(dirname "$STATE_DIR")"
  exec 9>"$STATE_DIR.lock"
  flock -w 300 9 || die "timed out waiting for the lock $STATE_DIR.lock"
}

# ---------------------------------------------------------------------------------------------
# fetch

# keep <repo>/.cache out of git even without a top-level .gitignore entry
ignore_cache() {
  if [[ $STATE_DIR == "$REPO_DIR/.cache"* || $CACHE_BASE == "$REPO_DIR/.cache"* ]]; then
    [[ -f $REPO_DIR/.cache/.gitignore ]] || { mkdir -p "$REPO_DIR/.cache" && echo '*' >"$REPO_DIR/.cache/.gitignore"; }
  fi
  return 0
}

pom_hash() { cksum <"$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

cmd_fetch() {
  local want
  want=$(pom_hash)
  if [[ -f $LIB_MARKER && $(cat "$LIB_MARKER") == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the Kafka jars)"
  log "fetching Kafka $KAFKA_VERSION jars into $LIB_DIR"
  ignore_cache
  rm -rf "$LIB_DIR"
  mkdir -p "$KAFKA_HOME"
  local -a args=(-q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$LIB_DIR")
  [[ -n ${KAFKIT_MAVEN_REPO:-} ]] && args+=("-Dmaven.repo.local=$KAFKIT_MAVEN_REPO")
  # Offline first: no network round trips when the local repo already holds everything.
  if ! (cd "$SCRIPT_DIR" && mvn -o "${args[@]}") >"$KAFKA_HOME/mvn-offline.log" 2>&1; then
    rm -rf "$LIB_DIR"
    (cd "$SCRIPT_DIR" && mvn "${args[@]}") || die "mvn dependency:copy-dependencies failed"
  fi
  rm -f "$KAFKA_HOME/mvn-offline.log"
  ls "$LIB_DIR"/kafka_2.13-"$KAFKA_VERSION".jar "$LIB_DIR"/kafka-tools-"$KAFKA_VERSION".jar >/dev/null \
    || die "fetch did not produce the Kafka jars in $LIB_DIR"
  echo "$want" >"$LIB_MARKER"
}

# quiet log4j2 config for short-lived tool JVMs
tools_log4j() {
  local f=$KAFKA_HOME/tools-log4j2.properties
  if [[ ! -f $f ]]; then
    mkdir -p "$KAFKA_HOME"
    cat >"$f.tmp" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ERROR
rootLogger.appenderRef.err.ref = STDERR
EOF
    mv "$f.tmp" "$f"
  fi
  echo "$f"
}

run_tool() { # main-class args...
  "$JAVA" "${TOOL_JVM_OPTS[@]}" "-Dlog4j2.configurationFile=$(tools_log4j)" -cp "$LIB_DIR/*" "$@"
}

# ---------------------------------------------------------------------------------------------
# processes

# prints the pid of node $1 if it is running (validated against its command line)
node_pid() {
  local f pid cmdline
  f=$(node_dir "$1")/kafka.pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  if [[ -r /proc/$pid/cmdline ]]; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  else
    cmdline=$(ps -ww -o args= -p "$pid" 2>/dev/null) || return 1
  fi
  [[ $cmdline == *"$(node_dir "$1")/server.properties"* ]] || return 1
  echo "$pid"
}

running_nodes() { # prints "node:pid" for each running node
  local n pid
  for n in "${NODES[@]}"; do
    if pid=$(node_pid "$n"); then echo "$n:$pid"; fi
  done
}

port_open() { # host port
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

have_kcat() { command -v kcat >/dev/null 2>&1; }

probe_kind() {
  case $PROBE in
    kcat) have_kcat || die "KAFKIT_CLUSTER_PROBE=kcat but kcat is not on PATH"; echo kcat ;;
    java) echo java ;;
    auto) if have_kcat; then echo kcat; else echo java; fi ;;
    *) die "KAFKIT_CLUSTER_PROBE must be auto, kcat or java" ;;
  esac
}

# prints the number of brokers in the cluster metadata (0 when unknown)
broker_count() {
  local kind out n
  kind=$(probe_kind)
  if [[ $kind == kcat ]]; then
    out=$(timeout 15 kcat -b "$BOOTSTRAP" -L -m 5 2>/dev/null) || true
    n=$(sed -n 's/^ *\([0-9][0-9]*\) brokers:$/\1/p' <<<"$out" | head -n1)
  else
    # BrokerApiVersionsCommand prints one "host:port (id: N rack: ...) -> (" block per broker
    # listed in the metadata.
    local cfg=$KAFKA_HOME/probe-client.properties
    printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=10000\n' >"$cfg"
    out=$(timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" "-Dlog4j2.configurationFile=$(tools_log4j)" \
      -cp "$LIB_DIR/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
      --bootstrap-server "$BOOTSTRAP" --command-config "$cfg" 2>/dev/null) || true
    n=$(grep -cE '^[^ ].* \(id: [0-9]+ rack: .*\) -> \(' <<<"$out" || true)
  fi
  echo "${n:-0}"
}

listeners_open() {
  local i
  for i in 0 1 2; do
    port_open "$HOST" "${PT_PORTS[i]}" || return 1
    port_open "$HOST" "${SASL_PORTS[i]}" || return 1
  done
}

healthy() { # 0 when all 3 nodes run and the metadata lists 3 brokers
  [[ $(running_nodes | wc -l) -eq 3 ]] || return 1
  listeners_open || return 1
  [[ $(broker_count) -ge 3 ]]
}

print_logs() {
  local n d
  for n in "${NODES[@]}"; do
    d=$(node_dir "$n")
    echo "===== node$n: last $LOG_LINES lines of $d/server.log ====="
    if [[ -f $d/server.log ]]; then tail -n "$LOG_LINES" "$d/server.log"; else echo "(no log)"; fi
    if [[ -s $d/stdout.log ]]; then
      echo "===== node$n: last $LOG_LINES lines of $d/stdout.log ====="
      tail -n "$LOG_LINES" "$d/stdout.log"
    fi
  done
}

stop_nodes() {
  local -a pids=() entries=()
  local e
  mapfile -t entries < <(running_nodes)
  if [[ ${#entries[@]} -eq 0 ]]; then
    rm -f "$STATE_DIR"/node*/kafka.pid 2>/dev/null || true
    return 1
  fi
  for e in "${entries[@]}"; do pids+=("${e#*:}"); done
  log "stopping nodes (SIGTERM): ${entries[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while [[ -n $(running_nodes) ]] && ((SECONDS < deadline)); do sleep 0.5; done
  mapfile -t entries < <(running_nodes)
  if [[ ${#entries[@]} -gt 0 ]]; then
    pids=()
    for e in "${entries[@]}"; do pids+=("${e#*:}"); done
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL: ${entries[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while [[ -n $(running_nodes) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    [[ -z $(running_nodes) ]] || die "could not stop: $(running_nodes | tr '\n' ' ')"
  fi
  rm -f "$STATE_DIR"/node*/kafka.pid
  return 0
}

# ---------------------------------------------------------------------------------------------
# up

write_node_files() { # node
  local n=$1 d i=$(($1 - 1))
  d=$(node_dir "$n")
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
# generated by e2e/cluster/cluster.sh — node $n of 3, KRaft combined mode
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$VOTERS
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:${PT_PORTS[i]},SASL://$HOST:${SASL_PORTS[i]},CONTROLLER://$HOST:${CTL_PORTS[i]}
advertised.listeners=PLAINTEXT://$HOST:${PT_PORTS[i]},SASL://$HOST:${SASL_PORTS[i]}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data

# SASL_PLAINTEXT listener "SASL" with SCRAM (the user is created by StorageTool format --add-scram)
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;

# topic defaults (auto.create.topics.enable, delete.topic.enable and the KIP-848 consumer
# group protocol stay at the Kafka defaults)
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2

# light settings for small (2 core) machines
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=3
share.coordinator.state.topic.num.partitions=3
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=2097152
group.initial.rebalance.delay.ms=0

# a bounded disk: benchmarks write gigabytes and the machine's disk is shared and small. Each
# partition keeps at most ${RETENTION_BYTES} bytes (closed segments beyond it are deleted within
# seconds), so a 6-partition RF-3 topic never takes more than about 18x that.
log.retention.bytes=${RETENTION_BYTES}
log.segment.bytes=67108864
log.retention.check.interval.ms=5000
file.delete.delay.ms=1000
EOF
  cat >"$d/log4j2.properties" <<EOF
# generated by e2e/cluster/cluster.sh — INFO and above to server.log, nothing to the console
status = warn
name = kafkit-e2e-node$n
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $d/server.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.requestchannel.name = kafka.network.RequestChannel\$
logger.requestchannel.level = WARN
EOF
}

format_node() { # cluster-id node
  local d
  d=$(node_dir "$2")
  run_tool kafka.tools.StorageTool format -t "$1" -c "$d/server.properties" \
    --add-scram "SCRAM-SHA-256=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" \
    >"$d/format.log" 2>&1
}

start_node() { # node
  local n=$1 d pid
  d=$(node_dir "$n")
  local -a jvm launcher=(nohup)
  read -r -a jvm <<<"$JVM_OPTS_STR"
  # setsid: own session, so Ctrl-C / process-group kills of the caller do not reach the node.
  command -v setsid >/dev/null 2>&1 && launcher=(setsid nohup)
  (
    cd "$d"
    exec 9>&- # do not let the node inherit the cluster.sh lock
    exec "${launcher[@]}" "$JAVA" "${jvm[@]}" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      "-Dlog4j2.configurationFile=$d/log4j2.properties" -cp "$LIB_DIR/*" \
      kafka.Kafka "$d/server.properties" >"$d/stdout.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$d/kafka.pid"
}

UP_STARTED=0
up_cleanup() {
  local rc=$?
  if [[ $UP_STARTED == 1 && $rc -ne 0 ]]; then
    stop_nodes >/dev/null 2>&1 || true
  fi
  exit "$rc"
}

elapsed() { # since $1 (an $EPOCHREALTIME value, or $SECONDS on old bash)
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
  else
    echo $((SECONDS - $1))
  fi
}

cmd_up() {
  local t0=${EPOCHREALTIME:-$SECONDS}
  take_lock
  local running
  running=$(running_nodes)
  if [[ -n $running ]]; then
    if healthy; then
      echo "cluster already running from $STATE_DIR ($(tr '\n' ' ' <<<"$running")) and healthy: 3 brokers at $BOOTSTRAP"
      return 0
    fi
    echo "cluster from $STATE_DIR is already running ($(tr '\n' ' ' <<<"$running")) but NOT healthy;" \
      "run '$0 down' first" >&2
    return 1
  fi

  local i p
  for i in 0 1 2; do
    for p in "${PT_PORTS[i]}" "${SASL_PORTS[i]}" "${CTL_PORTS[i]}"; do
      if port_open "$HOST" "$p"; then
        die "port $HOST:$p is already in use (another cluster? another state dir?); not starting"
      fi
    done
  done

  cmd_fetch
  "$JAVA" -version >/dev/null 2>&1 || die "java not found (set JAVA_HOME or put Java 17+ on PATH)"

  # Wipe the state dir, refusing to delete a directory this script did not create.
  if [[ -e $STATE_DIR ]]; then
    [[ -n $STATE_DIR && $STATE_DIR != / && $(cd "$STATE_DIR" && pwd) != "$REPO_DIR" ]] \
      || die "refusing to wipe state dir '$STATE_DIR'"
    if [[ ! -f $STATE_DIR/$STATE_MARKER && -n $(ls -A "$STATE_DIR") ]]; then
      die "refusing to wipe '$STATE_DIR': not created by cluster.sh (no $STATE_MARKER)"
    fi
    rm -rf "$STATE_DIR"
  fi
  mkdir -p "$STATE_DIR"
  touch "$STATE_DIR/$STATE_MARKER"
  ignore_cache

  local cluster_id
  cluster_id=$(run_tool kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
  [[ $cluster_id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid failed: '$cluster_id'"
  echo "$cluster_id" >"$STATE_DIR/cluster-id"

  local n
  for n in "${NODES[@]}"; do write_node_files "$n"; done
  local -a fpids=()
  for n in "${NODES[@]}"; do format_node "$cluster_id" "$n" & fpids+=($!); done
  for n in "${NODES[@]}"; do
    if ! wait "${fpids[n - 1]}"; then
      cat "$(node_dir "$n")/format.log" >&2
      die "StorageTool format failed for node$n"
    fi
  done

  trap up_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  UP_STARTED=1
  for n in "${NODES[@]}"; do start_node "$n"; done
  log "started nodes $(running_nodes | tr '\n' ' ')(cluster id $cluster_id), waiting up to ${READY_TIMEOUT}s for 3 brokers"

  local deadline=$((SECONDS + READY_TIMEOUT)) count=0
  while :; do
    for n in "${NODES[@]}"; do
      if ! node_pid "$n" >/dev/null; then
        echo "cluster.sh: node$n exited during startup" >&2
        print_logs >&2
        return 1
      fi
    done
    if listeners_open; then
      count=$(broker_count)
      [[ $count -ge 3 ]] && break
    fi
    if ((SECONDS >= deadline)); then
      echo "cluster.sh: cluster not ready after ${READY_TIMEOUT}s (metadata lists $count brokers)" >&2
      print_logs >&2
      return 1
    fi
    sleep 1
  done
  UP_STARTED=0
  echo "cluster up in $(elapsed "$t0")s: 3 brokers at $BOOTSTRAP (SASL/SCRAM at $SASL_BOOTSTRAP, user $SCRAM_USER), state in $STATE_DIR"
}

# ---------------------------------------------------------------------------------------------

cmd_down() {
  take_lock
  if stop_nodes; then
    echo "cluster stopped ($STATE_DIR)"
  else
    echo "no cluster running ($STATE_DIR)"
  fi
}

cmd_status() {
  local n pid rc=0
  echo "state dir:   $STATE_DIR"
  echo "kafka lib:   $LIB_DIR$([[ -f $LIB_MARKER ]] || echo ' (not fetched)')"
  echo "bootstrap:   $BOOTSTRAP (PLAINTEXT)"
  echo "sasl:        $SASL_BOOTSTRAP (SASL_PLAINTEXT, SCRAM-SHA-256/SCRAM-SHA-512)"
  echo "scram user:  $SCRAM_USER"
  echo "scram pass:  $SCRAM_PASSWORD"
  for n in "${NODES[@]}"; do
    if pid=$(node_pid "$n"); then
      echo "node$n:       running, pid $pid"
    else
      echo "node$n:       not running"
      rc=1
    fi
  done
  if [[ -z $(running_nodes) ]]; then
    echo "ready:       no (not running)"
    return 1
  fi
  local count=0 i open=0
  for i in 0 1 2; do port_open "$HOST" "${PT_PORTS[i]}" && open=1; done
  if [[ $open == 1 && ( -f $LIB_MARKER || $(probe_kind) == kcat ) ]]; then count=$(broker_count); fi
  if [[ $count -ge 3 && $rc -eq 0 ]]; then
    echo "ready:       yes (metadata lists $count brokers)"
  else
    echo "ready:       no (metadata lists $count brokers)"
    rc=1
  fi
  return "$rc"
}

cmd_env() {
  cat <<EOF
export KAFKIT_E2E_BOOTSTRAP=$BOOTSTRAP
export KAFKIT_E2E_SASL_BOOTSTRAP=$SASL_BOOTSTRAP
export KAFKIT_E2E_SCRAM_USER=$SCRAM_USER
export KAFKIT_E2E_SCRAM_PASSWORD=$SCRAM_PASSWORD
export KAFKIT_E2E_KAFKA_LIB=$LIB_DIR
export KAFKIT_E2E_CLUSTER_DIR=$STATE_DIR
EOF
}

# stop-node N / start-node N: for failover tests. stop-node sends SIGTERM (SIGKILL after the stop
# timeout) to one node; start-node restarts it on its existing data and waits until the
# metadata lists 3 brokers again.
cmd_stop_node() {
  local n=${1:-} pid
  [[ $n =~ ^[123]$ ]] || die "usage: cluster.sh stop-node 1|2|3"
  take_lock
  if ! pid=$(node_pid "$n"); then
    echo "node$n is not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while node_pid "$n" >/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if node_pid "$n" >/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(node_dir "$n")/kafka.pid"
  echo "node$n stopped"
}

cmd_start_node() {
  local n=${1:-}
  [[ $n =~ ^[123]$ ]] || die "usage: cluster.sh start-node 1|2|3"
  take_lock
  [[ -f $(node_dir "$n")/server.properties ]] || die "node$n has no state in $STATE_DIR: run cluster.sh up first"
  if node_pid "$n" >/dev/null; then
    echo "node$n is already running"
  else
    start_node "$n"
  fi
  local deadline=$((SECONDS + READY_TIMEOUT))
  until port_open "$HOST" "${PT_PORTS[n-1]}" && [[ $(broker_count) -ge 3 ]]; do
    node_pid "$n" >/dev/null || { print_logs >&2; die "node$n died while starting"; }
    ((SECONDS < deadline)) || { print_logs >&2; die "node$n not back in the metadata after ${READY_TIMEOUT}s"; }
    sleep 0.5
  done
  echo "node$n running; metadata lists 3 brokers"
}

usage() {
  sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

case ${1:-} in
  fetch) cmd_fetch ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) print_logs ;;
  env) cmd_env ;;
  stop-node) cmd_stop_node "${2:-}" ;;
  start-node) cmd_start_node "${2:-}" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
