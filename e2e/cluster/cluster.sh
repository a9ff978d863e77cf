#!/usr/bin/env bash
# cluster.sh — start/stop a REAL Apache Kafka cluster (4.1.1 by default; KAFKA_VERSION picks
# another: 3.9.x, 4.x) for kafkit end-to-end tests.
#
# 3 nodes in KRaft combined mode (process.roles=broker,controller) on loopback, jars from
# Maven Central (see pom.xml next to this script), no Docker.
#
# Usage: e2e/cluster/cluster.sh <subcommand>
#   fetch   download the broker + Java tools jars into the cache lib dir (skipped when done)
#   up      check that every port is free (naming the process that holds a taken one), fetch,
#           wipe the state dir, format storage (with the SCRAM user), start the 3 nodes and wait
#           until the metadata lists 3 brokers; exit 0 if already running and healthy
#   down    SIGTERM all nodes together, SIGKILL leftovers after a timeout; idempotent
#   status  running pids, readiness, addresses, SCRAM credentials; exit 0 only if healthy
#   logs    tail of each node's log (for CI failure reports)
#   env     print shell `export` lines describing the cluster (eval "$(cluster.sh env)")
#   hosts   print the /etc/hosts lines the chart shape needs (see KAFKIT_CLUSTER_SHAPE)
#   stop-node N   stop node N for failover tests (1-3; 0-2 in the chart shape)
#   start-node N  restart node N on its data and wait until the metadata lists 3 brokers
#   add-broker    start a 4th, broker-only node (dev shape): node.id=4, PLAINTEXT 127.0.0.1:14092,
#                 SASL 127.0.0.1:14093, using the 3 controllers; waits until the metadata lists 4
#                 brokers. New topics may then get replicas on it: tests using it are disruptive
#                 and must remove it at the end. `down` stops it too.
#   remove-broker [--keep-registration]  stop node 4 (SIGTERM, SIGKILL after the stop timeout),
#                 delete its directory and unregister it (ClusterTool unregister --id 4), so the
#                 cluster is as before add-broker. --keep-registration leaves its fenced
#                 registration behind (what a removed pod leaves), for `broker unregister` tests.
#
# Node layout of the default ("dev") shape:
#   node  PLAINTEXT (clients, inter-broker)  SASL (SASL_PLAINTEXT, SCRAM-SHA-256/512)  CONTROLLER
#   1     127.0.0.1:19092                    127.0.0.1:19093                           127.0.0.1:19094
#   2     127.0.0.1:29092                    127.0.0.1:29093                           127.0.0.1:29094
#   3     127.0.0.1:31092                    127.0.0.1:31093                           127.0.0.1:31094
#
# Every shape enforces ACLs (StandardAuthorizer) with User:ANONYMOUS (the PLAINTEXT listeners)
# and the SCRAM user as super users; on Kafka 4.1 share groups are enabled at format time.
#
# The "chart" shape (KAFKIT_CLUSTER_SHAPE=chart) is what a client pod sees of the Bitnami chart:
# node ids 0-2 on 127.0.1.1-127.0.1.3, each with CLIENT 9092 (PLAINTEXT), CONTROLLER 9093,
# INTERNAL 9094 (inter-broker) and EXTERNAL 9095 (SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and
# SCRAM-SHA-512, user user1), advertising
# kafka-controller-N.kafka-controller-headless.kafka.svc.cluster.local. Those names must resolve
# (to 127.0.1.N+1) for the brokers and their clients: run it inside a private mount namespace
# whose /etc/hosts holds `cluster.sh hosts`, as scripts/chart-e2e.sh does. `up` refuses to start
# when they do not resolve.
#
# Environment variables (all optional):
#   KAFKA_VERSION                   Apache Kafka version to run: 3.9.x or 4.x (default: 4.1.1)
#   KAFKIT_CLUSTER_SHAPE            dev (default) or chart (see above)
#   KAFKIT_CACHE                    jar cache base; jars go to $KAFKIT_CACHE/kafka-<version>/lib
#                                   (default: <repo>/.cache)
#   KAFKIT_CLUSTER_DIR              state dir: node configs, data, logs, pid files; wiped by
#                                   every `up` (default: <repo>/.cache/cluster)
#   KAFKIT_CLUSTER_READY_TIMEOUT    seconds `up` waits for 3 brokers (default: 120)
#   KAFKIT_CLUSTER_STOP_TIMEOUT     seconds `down` waits after SIGTERM before SIGKILL (default: 30)
#   KAFKIT_CLUSTER_RETENTION_BYTES  log.retention.bytes per partition, to bound the disk used
#                                   by benchmarks (default: 268435456 = 256 MiB)
#   KAFKIT_CLUSTER_HOST             listen/advertised host of the dev shape (default: 127.0.0.1)
#   KAFKIT_CLUSTER_PLAINTEXT_PORTS  3 ports, comma/space separated (default: 19092,29092,31092)
#   KAFKIT_CLUSTER_SASL_PORTS       3 ports (default: 19093,29093,31093)
#   KAFKIT_CLUSTER_CONTROLLER_PORTS 3 ports (default: 19094,29094,31094)
#   KAFKIT_CLUSTER_BROKER4_PORTS    add-broker's PLAINTEXT and SASL ports (default: 14092,14093)
#   KAFKIT_SCRAM_USER               SCRAM user created at format time (default: kafkit; chart
#                                   shape: user1)
#   KAFKIT_SCRAM_PASSWORD           its password, for SCRAM-SHA-256 and SCRAM-SHA-512 (and PLAIN
#                                   in the chart shape) (default: kafkit-secret; chart shape:
#                                   user1-secret; must not contain , [ ] " or =)
#   KAFKIT_LOG4J_VERSION            log4j2 version for the SLF4J binding of Kafka 4.x (default:
#                                   the one the Kafka version ships: 2.24.3 for 4.0/4.1, 2.25.5 after)
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
# i.e. java -cp '<cache>/kafka-<version>/lib/*' ...
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

# ---------------------------------------------------------------------------------------------
# the Kafka version and what differs between versions

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
[[ $KAFKA_VERSION =~ ^([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || die "KAFKA_VERSION must look like 4.1.1, got '$KAFKA_VERSION'"
KAFKA_MAJOR=${BASH_REMATCH[1]} KAFKA_MINOR=${BASH_REMATCH[2]}
if ((KAFKA_MAJOR == 3 && KAFKA_MINOR == 9)); then
  # Kafka 3.9 brings its own SLF4J binding (slf4j-reload4j, log4j 1.x configuration), keeps
  # ConsoleProducer and BrokerApiVersionsCommand in the Scala jar, and has KIP-848 groups only as
  # an early-access preview (left off, as its default is).
  LOGGING=reload4j
  LOG4J_VERSION=
  API_VERSIONS_CLASS=kafka.admin.BrokerApiVersionsCommand
  FORMAT_FEATURES=()
elif ((KAFKA_MAJOR >= 4)); then
  # Kafka 4.x logs with log4j2 through slf4j-api 1.7 and brings no binding: pom.xml adds
  # log4j-slf4j-impl, pinning log4j-api/core to the same version (the one this Kafka ships).
  LOGGING=log4j2
  if ((KAFKA_MAJOR == 4 && KAFKA_MINOR <= 1)); then LOG4J_VERSION=2.24.3; else LOG4J_VERSION=2.25.5; fi
  LOG4J_VERSION=${KAFKIT_LOG4J_VERSION:-$LOG4J_VERSION}
  API_VERSIONS_CLASS=org.apache.kafka.tools.BrokerApiVersionsCommand
  # Share groups (KIP-932): a preview in 4.1 enabled by the share.version feature at format
  # time; on by default from 4.2. Streams groups (KIP-1071) need streams.version=1, which on 4.1
  # exists only with unstable metadata versions (left off); on by default from 4.2.
  FORMAT_FEATURES=()
  if ((KAFKA_MAJOR == 4 && KAFKA_MINOR == 1)); then FORMAT_FEATURES=(--feature share.version=1); fi
else
  die "KAFKA_VERSION $KAFKA_VERSION is not supported: use 3.9.x or 4.x (KRaft combined mode)"
fi

CACHE_BASE=${KAFKIT_CACHE:-$REPO_DIR/.cache}
KAFKA_HOME=$CACHE_BASE/kafka-$KAFKA_VERSION
LIB_DIR=$KAFKA_HOME/lib
LIB_MARKER=$LIB_DIR/.kafkit-fetch-complete
STATE_DIR=${KAFKIT_CLUSTER_DIR:-$REPO_DIR/.cache/cluster}
STATE_MARKER=.kafkit-cluster-state

# ---------------------------------------------------------------------------------------------
# settings

SHAPE=${KAFKIT_CLUSTER_SHAPE:-dev}
READY_TIMEOUT=${KAFKIT_CLUSTER_READY_TIMEOUT:-120}
STOP_TIMEOUT=${KAFKIT_CLUSTER_STOP_TIMEOUT:-30}
RETENTION_BYTES=${KAFKIT_CLUSTER_RETENTION_BYTES:-268435456}
PROBE=${KAFKIT_CLUSTER_PROBE:-auto}
LOG_LINES=${KAFKIT_CLUSTER_LOG_LINES:-40}
JVM_OPTS_STR=${KAFKIT_CLUSTER_JVM_OPTS:--Xmx384m -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# Options for short-lived tool JVMs (StorageTool, readiness probe).
TOOL_JVM_OPTS=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java; else JAVA=java; fi

[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_READY_TIMEOUT must be an integer"
[[ $STOP_TIMEOUT =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_STOP_TIMEOUT must be an integer"
[[ $LOG_LINES =~ ^[0-9]+$ ]] || die "KAFKIT_CLUSTER_LOG_LINES must be an integer"

read_ports() { # name value -> prints 3 ports space separated
  local -a p
  read -r -a p <<<"${2//,/ }"
  [[ ${#p[@]} -eq 3 ]] || die "$1 must list exactly 3 ports, got '${2}'"
  local x
  for x in "${p[@]}"; do [[ $x =~ ^[0-9]+$ ]] || die "$1: bad port '$x'"; done
  echo "${p[*]}"
}

# Per node i (0-2): NODES[i] its node.id, HOSTS[i] its listen address, ADV[i] its advertised
# name, and its ports.
CHART_DOMAIN=kafka-controller-headless.kafka.svc.cluster.local
case $SHAPE in
  dev)
    NODES=(1 2 3)
    HOST=${KAFKIT_CLUSTER_HOST:-127.0.0.1}
    HOSTS=("$HOST" "$HOST" "$HOST")
    ADV=("${HOSTS[@]}")
    read -r -a PT_PORTS <<<"$(read_ports KAFKIT_CLUSTER_PLAINTEXT_PORTS "${KAFKIT_CLUSTER_PLAINTEXT_PORTS:-19092,29092,31092}")"
    read -r -a SASL_PORTS <<<"$(read_ports KAFKIT_CLUSTER_SASL_PORTS "${KAFKIT_CLUSTER_SASL_PORTS:-19093,29093,31093}")"
    read -r -a CTL_PORTS <<<"$(read_ports KAFKIT_CLUSTER_CONTROLLER_PORTS "${KAFKIT_CLUSTER_CONTROLLER_PORTS:-19094,29094,31094}")"
    INT_PORTS=()
    SCRAM_USER=${KAFKIT_SCRAM_USER:-kafkit}
    SCRAM_PASSWORD=${KAFKIT_SCRAM_PASSWORD:-kafkit-secret}
    ;;
  chart)
    # The Bitnami chart's pods kafka-controller-{0,1,2}; see the header.
    NODES=(0 1 2)
    HOSTS=(127.0.1.1 127.0.1.2 127.0.1.3)
    ADV=()
    for n in "${NODES[@]}"; do ADV+=("kafka-controller-$n.$CHART_DOMAIN"); done
    PT_PORTS=(9092 9092 9092)      # CLIENT
    CTL_PORTS=(9093 9093 9093)     # CONTROLLER
    INT_PORTS=(9094 9094 9094)     # INTERNAL
    SASL_PORTS=(9095 9095 9095)    # EXTERNAL
    SCRAM_USER=${KAFKIT_SCRAM_USER:-user1}
    SCRAM_PASSWORD=${KAFKIT_SCRAM_PASSWORD:-user1-secret}
    ;;
  *) die "KAFKIT_CLUSTER_SHAPE must be dev or chart, got '$SHAPE'" ;;
esac

join_addrs() { # hosts-array-name ports-array-name -> h1:p1,h2:p2,h3:p3
  local -n hs=$1 ps=$2
  local out="" i
  for i in 0 1 2; do out+="${out:+,}${hs[i]}:${ps[i]}"; done
  echo "$out"
}
# What a client is given: the advertised names (the chart shape: the headless service, as the
# client pod uses it). PROBE_BOOTSTRAP is what the readiness probe dials.
BOOTSTRAP=$(join_addrs ADV PT_PORTS)
SASL_BOOTSTRAP=$(join_addrs ADV SASL_PORTS)
PROBE_BOOTSTRAP=$(join_addrs HOSTS PT_PORTS)
if [[ $SHAPE == chart ]]; then
  BOOTSTRAP=$CHART_DOMAIN:9092
  SASL_BOOTSTRAP=$CHART_DOMAIN:9095
fi
VOTERS=""
for i in 0 1 2; do VOTERS+="${VOTERS:+,}${NODES[i]}@${ADV[i]}:${CTL_PORTS[i]}"; done

node_dir() { echo "$STATE_DIR/node$1"; }
node_ids() { local ids="${NODES[*]}"; echo "${ids// /|}"; }
node_index() { # node id -> 0-2
  local i
  for i in 0 1 2; do [[ ${NODES[i]} == "$1" ]] && { echo "$i"; return 0; }; done
  return 1
}

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

# the marker names what the lib dir was fetched for: a changed pom.xml or version refetches
fetch_id() { echo "pom $(pom_hash) kafka $KAFKA_VERSION logging $LOGGING $LOG4J_VERSION"; }

cmd_fetch() {
  local want
  want=$(fetch_id)
  if [[ -f $LIB_MARKER && $(cat "$LIB_MARKER") == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the Kafka jars)"
  log "fetching Kafka $KAFKA_VERSION jars into $LIB_DIR"
  ignore_cache
  rm -rf "$LIB_DIR"
  mkdir -p "$KAFKA_HOME"
  local -a args=(-q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$LIB_DIR"
    "-Dkafka.version=$KAFKA_VERSION" "-Dkafka.logging=$LOGGING")
  [[ -n $LOG4J_VERSION ]] && args+=("-Dlog4j2.version=$LOG4J_VERSION")
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

# a quiet logging config for short-lived tool JVMs; prints its file name
tools_log4j() {
  local f=$KAFKA_HOME/tools-log4j2.properties
  [[ $LOGGING == reload4j ]] && f=$KAFKA_HOME/tools-log4j.properties
  if [[ ! -f $f ]]; then
    mkdir -p "$KAFKA_HOME"
    if [[ $LOGGING == reload4j ]]; then
      cat >"$f.tmp" <<'EOF'
log4j.rootLogger=ERROR, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
      mv "$f.tmp" "$f"
      echo "$f"
      return 0
    fi
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

# the JVM flag that points the logging backend of this Kafka version at a config file
log_flag() { # file
  if [[ $LOGGING == reload4j ]]; then echo "-Dlog4j.configuration=file:$1"; else echo "-Dlog4j2.configurationFile=$1"; fi
}

run_tool() { # main-class args...
  "$JAVA" "${TOOL_JVM_OPTS[@]}" "$(log_flag "$(tools_log4j)")" -cp "$LIB_DIR/*" "$@"
}

# ---------------------------------------------------------------------------------------------
# processes

# prints the pid of node $1 if it is running (validated against its command line)
# node_launched: the process start_node launched for node N still runs (before or after it
# became java).
node_launched() {
  local f
  f=$(node_dir "$1")/kafka.pid
  [[ -f $f ]] && kill -0 "$(<"$f")" 2>/dev/null
}

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

running_nodes() { # prints "node:pid" for each running node of the 3
  local n pid
  for n in "${NODES[@]}"; do
    if pid=$(node_pid "$n"); then echo "$n:$pid"; fi
  done
}

all_running_nodes() { # running_nodes plus the broker-only node of add-broker
  local pid
  running_nodes
  if pid=$(node_pid "$BROKER4_ID"); then echo "$BROKER4_ID:$pid"; fi
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
    out=$(timeout 15 kcat -b "$PROBE_BOOTSTRAP" -L -m 5 2>/dev/null) || true
    n=$(sed -n 's/^ *\([0-9][0-9]*\) brokers:$/\1/p' <<<"$out" | head -n1)
  else
    # BrokerApiVersionsCommand prints one "host:port (id: N rack: ...) -> (" block per broker
    # listed in the metadata.
    local cfg=$KAFKA_HOME/probe-client.properties
    printf 'request.timeout.ms=5000\ndefault.api.timeout.ms=10000\n' >"$cfg"
    out=$(timeout 30 "$JAVA" "${TOOL_JVM_OPTS[@]}" "$(log_flag "$(tools_log4j)")" \
      -cp "$LIB_DIR/*" "$API_VERSIONS_CLASS" \
      --bootstrap-server "$PROBE_BOOTSTRAP" --command-config "$cfg" 2>/dev/null) || true
    n=$(grep -cE '^[^ ].* \(id: [0-9]+ rack: .*\) -> \(' <<<"$out" || true)
  fi
  echo "${n:-0}"
}

listeners_open() {
  local i
  for i in 0 1 2; do
    port_open "${HOSTS[i]}" "${PT_PORTS[i]}" || return 1
    port_open "${HOSTS[i]}" "${SASL_PORTS[i]}" || return 1
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
  mapfile -t entries < <(all_running_nodes)
  if [[ ${#entries[@]} -eq 0 ]]; then
    rm -f "$STATE_DIR"/node*/kafka.pid 2>/dev/null || true
    return 1
  fi
  for e in "${entries[@]}"; do pids+=("${e#*:}"); done
  log "stopping nodes (SIGTERM): ${entries[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while [[ -n $(all_running_nodes) ]] && ((SECONDS < deadline)); do sleep 0.5; done
  mapfile -t entries < <(all_running_nodes)
  if [[ ${#entries[@]} -gt 0 ]]; then
    pids=()
    for e in "${entries[@]}"; do pids+=("${e#*:}"); done
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL: ${entries[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while [[ -n $(all_running_nodes) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    [[ -z $(all_running_nodes) ]] || die "could not stop: $(all_running_nodes | tr '\n' ' ')"
  fi
  rm -f "$STATE_DIR"/node*/kafka.pid
  return 0
}

# ---------------------------------------------------------------------------------------------
# up

# the listener lines of node index $1 (0-2), per shape
listener_props() {
  local i=$1 h=${HOSTS[$1]} a=${ADV[$1]}
  if [[ $SHAPE == dev ]]; then
    cat <<EOF
listeners=PLAINTEXT://$h:${PT_PORTS[i]},SASL://$h:${SASL_PORTS[i]},CONTROLLER://$h:${CTL_PORTS[i]}
advertised.listeners=PLAINTEXT://$a:${PT_PORTS[i]},SASL://$a:${SASL_PORTS[i]}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT

# SASL_PLAINTEXT listener "SASL" with SCRAM (the user is created by StorageTool format --add-scram)
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
    return 0
  fi
  # The Bitnami chart's listener names and ports. CLIENT is PLAINTEXT as in the seed's values;
  # EXTERNAL carries the chart's default client security (SASL_PLAINTEXT with PLAIN and SCRAM,
  # user1). The chart binds every interface of its pod; here each pod is one loopback address.
  cat <<EOF
listeners=CLIENT://$h:${PT_PORTS[i]},INTERNAL://$h:${INT_PORTS[i]},CONTROLLER://$h:${CTL_PORTS[i]},EXTERNAL://$h:${SASL_PORTS[i]}
advertised.listeners=CLIENT://$a:${PT_PORTS[i]},INTERNAL://$a:${INT_PORTS[i]},EXTERNAL://$a:${SASL_PORTS[i]}
listener.security.protocol.map=CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL

# EXTERNAL: SASL_PLAINTEXT with the chart's mechanisms; SCRAM credentials come from StorageTool
# format --add-scram, PLAIN from the JAAS line.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.external.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SCRAM_USER="$SCRAM_PASSWORD";
listener.name.external.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
}

# the settings every node has: ACLs and super users, topic defaults, light settings, the
# bounded disk
common_props() {
  cat <<EOF
# ACLs are enforced (StandardAuthorizer). The PLAINTEXT listeners (clients, inter-broker,
# controllers) authenticate as User:ANONYMOUS and the SCRAM user as User:$SCRAM_USER: both are
# super users, so only other SCRAM users (created by tests) meet the ACLs.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:$SCRAM_USER

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
}

write_node_files() { # node id
  local n=$1 d i
  i=$(node_index "$n")
  d=$(node_dir "$n")
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
# generated by e2e/cluster/cluster.sh — node $n of 3 ($SHAPE shape, Kafka $KAFKA_VERSION), KRaft combined mode
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$VOTERS
controller.listener.names=CONTROLLER
log.dirs=$d/data
$(listener_props "$i")

$(common_props)
EOF
  write_log4j_files "$n" "$d"
}

# the broker-only node of add-broker (dev shape)
BROKER4_ID=4
read -r -a BROKER4_PORTS <<<"${KAFKIT_CLUSTER_BROKER4_PORTS:-14092,14093}"
read -r -a BROKER4_PORTS <<<"${BROKER4_PORTS[*]//,/ }"

write_broker4_files() {
  local n=$BROKER4_ID d h=${HOSTS[0]}
  d=$(node_dir "$n")
  mkdir -p "$d/data"
  cat >"$d/server.properties" <<EOF
# generated by e2e/cluster/cluster.sh add-broker — node $n, broker only, using the 3 controllers
process.roles=broker
node.id=$n
controller.quorum.voters=$VOTERS
controller.listener.names=CONTROLLER
log.dirs=$d/data
listeners=PLAINTEXT://$h:${BROKER4_PORTS[0]},SASL://$h:${BROKER4_PORTS[1]}
advertised.listeners=PLAINTEXT://$h:${BROKER4_PORTS[0]},SASL://$h:${BROKER4_PORTS[1]}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;

$(common_props)
EOF
  write_log4j_files "$n" "$d"
}

write_log4j_files() { # node dir
  local n=$1 d=$2
  if [[ $LOGGING == reload4j ]]; then
    cat >"$d/log4j.properties" <<EOF
# generated by e2e/cluster/cluster.sh — INFO and above to server.log, nothing to the console
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$d/server.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
EOF
    return 0
  fi
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
    "${FORMAT_FEATURES[@]}" >"$d/format.log" 2>&1
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
    # The node inherits no descriptor but stdin/out/err: not the cluster.sh lock (fd 9), nor a
    # lock the caller holds (`flock -x /tmp/x.lock cluster.sh up` keeps the lock open on fd 3,
    # and a broker that inherits it holds the lock until it stops).
    local fd
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec "${launcher[@]}" "$JAVA" "${jvm[@]}" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      "$(log_flag "$d/log4j$([[ $LOGGING == reload4j ]] || echo 2).properties")" -cp "$LIB_DIR/*" \
      kafka.Kafka "$d/server.properties" >"$d/stdout.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$d/kafka.pid"
}

# ---------------------------------------------------------------------------------------------
# ports: who holds a taken one

# describes process $1: "name (pid N: command line)"
describe_pid() {
  local pid=$1 name cmdline
  name=$(cat "/proc/$pid/comm" 2>/dev/null) || name="?"
  cmdline=$(tr '\0\n\t' '   ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ *$//') || cmdline=""
  ((${#cmdline} > 160)) && cmdline="${cmdline:0:80} ... ${cmdline: -70}"
  echo "$name (pid $pid${cmdline:+: $cmdline})"
}

# the IPv4 address $1 as /proc/net/tcp writes it (little-endian hex)
proc_net_addr() {
  local -a o
  IFS=. read -r -a o <<<"$1"
  printf '%02X%02X%02X%02X' "${o[3]}" "${o[2]}" "${o[1]}" "${o[0]}"
}

# port_holders HOST PORT prints one line per TCP socket bound to HOST:PORT (or to the port on
# every address) that stops a broker from listening there: its state and the process holding
# it. TIME-WAIT sockets (no process, no conflict) are left out. Reads ss when it is installed,
# else /proc/net/tcp{,6} and /proc/*/fd. Prints nothing when the port is free.
port_holders() {
  local host=$1 port=$2
  if command -v ss >/dev/null 2>&1; then
    local line state local_addr procs pid found
    while read -r state _ _ local_addr _ procs; do
      [[ $state == TIME-WAIT ]] && continue
      case $local_addr in
        "$host:$port" | "0.0.0.0:$port" | "*:$port" | "[::]:$port" | "[::ffff:$host]:$port") ;;
        *) continue ;;
      esac
      found=""
      while [[ $procs =~ pid=([0-9]+) ]]; do
        pid=${BASH_REMATCH[1]}
        procs=${procs#*pid="$pid"}
        [[ " $found " == *" $pid "* ]] && continue
        found+=" $pid"
        echo "$state $local_addr by $(describe_pid "$pid")"
      done
      [[ -n $found ]] || echo "$state $local_addr by a process ss cannot name (not root? another network namespace?)"
    done < <(ss -Htanp "( sport = :$port )" 2>/dev/null)
    return 0
  fi
  # /proc fallback: local address field 2, state field 4 (0A listen, 06 time-wait), inode 10
  local hexport want f inode st addr
  hexport=$(printf '%04X' "$port")
  want=$(proc_net_addr "$host")
  for f in /proc/net/tcp /proc/net/tcp6; do
    [[ -r $f ]] || continue
    while read -r _ addr _ st _ _ _ _ _ inode _; do
      [[ ${addr##*:} == "$hexport" && $st != 06 ]] || continue
      case ${addr%:*} in "$want" | 00000000 | 00000000000000000000000000000000 | *"$want") ;; *) continue ;; esac
      local holder="" p
      for p in /proc/[0-9]*; do
        if ls -l "$p/fd" 2>/dev/null | grep -q "socket:\[$inode\]"; then holder=$(describe_pid "${p#/proc/}"); break; fi
      done
      case $st in 0A) st=LISTEN ;; 01) st=ESTAB ;; 02) st=SYN-SENT ;; 08) st=CLOSE-WAIT ;; *) st="state-0x$st" ;; esac
      echo "$st $host:$port by ${holder:-a process that cannot be seen from here}"
    done < <(tail -n +2 "$f")
  done
}

# check_ports: every port the nodes will listen on must be free; else name what holds each
# taken one and stop before anything starts.
check_ports() {
  local i j p what h holders line bad=0
  local -a names=(PLAINTEXT SASL CONTROLLER) ps
  [[ $SHAPE == chart ]] && names=(CLIENT EXTERNAL CONTROLLER INTERNAL)
  for i in 0 1 2; do
    h=${HOSTS[i]}
    ps=("${PT_PORTS[i]}" "${SASL_PORTS[i]}" "${CTL_PORTS[i]}")
    [[ $SHAPE == chart ]] && ps+=("${INT_PORTS[i]}")
    for j in "${!ps[@]}"; do
      p=${ps[j]}
      what="node ${NODES[i]} ${names[j]}"
      # A listener's accepted connections share its port: name the listener alone, and other
      # sockets (an outgoing connection's local port) only when nothing listens; one line each.
      holders=$(port_holders "$h" "$p" | awk '!seen[$0]++')
      if grep -q '^LISTEN' <<<"$holders"; then holders=$(grep '^LISTEN' <<<"$holders"); fi
      if [[ -z $holders ]] && port_open "$h" "$p"; then holders="LISTEN by a process that cannot be seen from here"; fi
      [[ -n $holders ]] || continue
      bad=1
      while IFS= read -r line; do
        [[ $line == LISTEN* ]] || line+=" (a connection using it as its local port)"
        echo "cluster.sh: port $h:$p ($what) is taken: $line" >&2
      done <<<"$holders"
    done
  done
  if ((bad)); then
    die "not starting anything: stop what holds the port (another kafkit cluster: KAFKIT_CLUSTER_DIR=<its state dir> $0 down), or pick free ports below 32768 (KAFKIT_CLUSTER_*_PORTS)"
  fi
}

# the /etc/hosts lines the chart shape needs: each pod's name, and the headless service's name
# on all three addresses
hosts_lines() {
  local i
  for i in 0 1 2; do echo "${HOSTS[i]} ${ADV[i]} $CHART_DOMAIN"; done
}

# check_names: in the chart shape, each advertised name must resolve to its node's address
check_names() {
  [[ $SHAPE == chart ]] || return 0
  local i got
  for i in 0 1 2; do
    got=$(getent ahostsv4 "${ADV[i]}" 2>/dev/null | awk 'NR==1 {print $1}') || got=""
    if [[ $got != "${HOSTS[i]}" ]]; then
      die "the chart shape needs ${ADV[i]} to resolve to ${HOSTS[i]} (it resolves to '${got:-nothing}'):" \
        "run it in a private mount namespace whose /etc/hosts holds '$0 hosts', as scripts/chart-e2e.sh does"
    fi
  done
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
    local was
    was=$(cat "$STATE_DIR/kafka-version" 2>/dev/null || echo "4.1.1 dev")
    if [[ $was != "$KAFKA_VERSION $SHAPE" ]]; then
      echo "cluster from $STATE_DIR is already running ($(tr '\n' ' ' <<<"$running")) with Kafka $was shape," \
        "not $KAFKA_VERSION $SHAPE: run '$0 down' first" >&2
      return 1
    fi
    if healthy; then
      echo "cluster already running from $STATE_DIR ($(tr '\n' ' ' <<<"$running")) and healthy: 3 brokers at $BOOTSTRAP (Kafka $KAFKA_VERSION)"
      return 0
    fi
    echo "cluster from $STATE_DIR is already running ($(tr '\n' ' ' <<<"$running")) but NOT healthy;" \
      "run '$0 down' first" >&2
    return 1
  fi

  check_names
  check_ports

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
  echo "$KAFKA_VERSION $SHAPE" >"$STATE_DIR/kafka-version"
  ignore_cache

  local cluster_id
  cluster_id=$(run_tool kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
  [[ $cluster_id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid failed: '$cluster_id'"
  echo "$cluster_id" >"$STATE_DIR/cluster-id"

  local n
  for n in "${NODES[@]}"; do write_node_files "$n"; done
  local -a fpids=()
  for n in "${NODES[@]}"; do format_node "$cluster_id" "$n" & fpids+=($!); done
  for i in 0 1 2; do
    n=${NODES[i]}
    if ! wait "${fpids[i]}"; then
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
      # Alive: the pid of the launch is running (it is bash, closing descriptors, until it
      # execs java: node_pid, which wants java's command line, would call that dead).
      if ! node_launched "$n"; then
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
  echo "cluster up in $(elapsed "$t0")s: Kafka $KAFKA_VERSION, 3 brokers at $BOOTSTRAP (SASL at $SASL_BOOTSTRAP, user $SCRAM_USER), state in $STATE_DIR"
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
  echo "state dir:   $STATE_DIR ($(cat "$STATE_DIR/kafka-version" 2>/dev/null || echo "not started"))"
  echo "kafka:       $KAFKA_VERSION, $SHAPE shape"
  echo "kafka lib:   $LIB_DIR$([[ -f $LIB_MARKER ]] || echo ' (not fetched)')"
  echo "bootstrap:   $BOOTSTRAP (PLAINTEXT)"
  if [[ $SHAPE == chart ]]; then
    echo "sasl:        $SASL_BOOTSTRAP (SASL_PLAINTEXT, PLAIN/SCRAM-SHA-256/SCRAM-SHA-512)"
  else
    echo "sasl:        $SASL_BOOTSTRAP (SASL_PLAINTEXT, SCRAM-SHA-256/SCRAM-SHA-512)"
  fi
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
  if pid=$(node_pid "$BROKER4_ID"); then echo "node$BROKER4_ID:       running (broker only, add-broker), pid $pid"; fi
  if [[ -z $(running_nodes) ]]; then
    echo "ready:       no (not running)"
    return 1
  fi
  local count=0 i open=0
  for i in 0 1 2; do port_open "${HOSTS[i]}" "${PT_PORTS[i]}" && open=1; done
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
export KAFKIT_E2E_KAFKA_VERSION=$KAFKA_VERSION
export KAFKIT_E2E_CLUSTER_SHAPE=$SHAPE
export KAFKIT_E2E_BOOTSTRAP=$BOOTSTRAP
export KAFKIT_E2E_SASL_BOOTSTRAP=$SASL_BOOTSTRAP
export KAFKIT_E2E_BROKERS=$BOOTSTRAP
export KAFKIT_E2E_SASL_BROKERS=$SASL_BOOTSTRAP
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
  node_index "$n" >/dev/null || die "usage: cluster.sh stop-node $(node_ids)"
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
  local i
  i=$(node_index "$n") || die "usage: cluster.sh start-node $(node_ids)"
  take_lock
  [[ -f $(node_dir "$n")/server.properties ]] || die "node$n has no state in $STATE_DIR: run cluster.sh up first"
  if node_pid "$n" >/dev/null; then
    echo "node$n is already running"
  else
    start_node "$n"
  fi
  local deadline=$((SECONDS + READY_TIMEOUT)) retried=0
  until port_open "${HOSTS[i]}" "${PT_PORTS[i]}" && [[ $(broker_count) -ge 3 ]]; do
    if ! node_launched "$n"; then
      # A restart right after a slow shutdown can lose the race for the log dir lock or a
      # port; one more try, with what the first one printed.
      if ((retried)); then print_logs >&2; die "node$n died while starting"; fi
      retried=1
      echo "cluster.sh: node$n died while starting; its output:" >&2
      tail -n 20 "$(node_dir "$n")/stdout.log" >&2 2>/dev/null || true
      sleep 2
      start_node "$n"
    fi
    ((SECONDS < deadline)) || { print_logs >&2; die "node$n not back in the metadata after ${READY_TIMEOUT}s"; }
    sleep 0.5
  done
  echo "node$n running; metadata lists 3 brokers"
}

# add-broker / remove-broker: a 4th, broker-only node for reassignment tests (see the header).
cmd_add_broker() {
  [[ $SHAPE == dev ]] || die "add-broker is for the dev shape only"
  take_lock
  [[ -f $STATE_DIR/cluster-id ]] || die "no cluster in $STATE_DIR: run cluster.sh up first"
  local n=$BROKER4_ID d
  d=$(node_dir "$n")
  if ! node_pid "$n" >/dev/null; then
    local p
    for p in "${BROKER4_PORTS[@]}"; do
      port_open "${HOSTS[0]}" "$p" && die "port ${HOSTS[0]}:$p (node $n) is taken: $(port_holders "${HOSTS[0]}" "$p" | head -n1)"
    done
    rm -rf "$d"
    write_broker4_files
    run_tool kafka.tools.StorageTool format -t "$(cat "$STATE_DIR/cluster-id")" -c "$d/server.properties" >"$d/format.log" 2>&1 \
      || { cat "$d/format.log" >&2; die "StorageTool format failed for node$n"; }
    start_node "$n"
  fi
  local deadline=$((SECONDS + READY_TIMEOUT))
  until port_open "${HOSTS[0]}" "${BROKER4_PORTS[0]}" && [[ $(broker_count) -ge 4 ]]; do
    if ! node_launched "$n"; then tail -n "$LOG_LINES" "$d/server.log" "$d/stdout.log" >&2 2>/dev/null; die "node$n died while starting"; fi
    ((SECONDS < deadline)) || { tail -n "$LOG_LINES" "$d/server.log" >&2 2>/dev/null; die "node$n not in the metadata after ${READY_TIMEOUT}s"; }
    sleep 0.5
  done
  echo "node$n running (broker only) at ${HOSTS[0]}:${BROKER4_PORTS[0]}; metadata lists 4 brokers"
}

cmd_remove_broker() {
  local keep=0
  case ${1:-} in
    "") ;;
    --keep-registration) keep=1 ;;
    *) die "usage: cluster.sh remove-broker [--keep-registration]" ;;
  esac
  take_lock
  local n=$BROKER4_ID d pid
  d=$(node_dir "$n")
  if pid=$(node_pid "$n"); then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while node_pid "$n" >/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if node_pid "$n" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  fi
  [[ $d == "$STATE_DIR/node$n" ]] && rm -rf "$d"
  if ((keep)); then
    echo "node$n stopped and deleted; its fenced registration stays (unregister it with ClusterTool unregister --id $n)"
    return 0
  fi
  # The registration of a stopped broker stays (fenced) until unregistered.
  if run_tool org.apache.kafka.tools.ClusterTool unregister --bootstrap-server "$PROBE_BOOTSTRAP" --id "$n" >/dev/null 2>"$STATE_DIR/unregister.log"; then
    rm -f "$STATE_DIR/unregister.log"
    echo "node$n stopped, deleted and unregistered"
  elif grep -q "BrokerIdNotRegistered\|not registered\|BROKER_ID_NOT_REGISTERED" "$STATE_DIR/unregister.log"; then
    echo "node$n stopped and deleted (it was not registered)"
  else
    cat "$STATE_DIR/unregister.log" >&2
    die "node$n stopped and deleted, but unregistering it failed"
  fi
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
  hosts) hosts_lines ;;
  stop-node) cmd_stop_node "${2:-}" ;;
  start-node) cmd_start_node "${2:-}" ;;
  add-broker) cmd_add_broker ;;
  remove-broker) cmd_remove_broker "${2:-}" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
