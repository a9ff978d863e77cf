#!/usr/bin/env bash
# make demo: the seed's kafka-*.sh workflow, done with kafkit against an in-process fake cluster
# (kfake) on 127.0.0.1:9092. Needs nothing installed; stops the cluster on every exit path.
# Each part of the walkthrough lives in scripts/demo.d/NN-name.sh and is run in order.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${KAFKIT_DEMO_PORT:-9092}
export KAFKIT_BROKERS="127.0.0.1:${PORT}"
export PATH="$PWD/bin:$PATH"

bin/kafkit-demo-cluster -port "$PORT" 2>/tmp/kafkit-demo-cluster.log &
cluster_pid=$!
trap 'kill $cluster_pid 2>/dev/null || true; wait $cluster_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if kafkit --timeout 1s cluster info >/dev/null 2>&1; then break; fi
  if ! kill -0 $cluster_pid 2>/dev/null; then cat /tmp/kafkit-demo-cluster.log >&2; exit 1; fi
  sleep 0.1
done

# step prints the command, then runs it.
step() {
  printf '\n\033[1m$ %s\033[0m\n' "$*"
  eval "$@"
}
export -f step 2>/dev/null || true

echo "kafkit demo: a fake 3-broker cluster on $KAFKIT_BROKERS (KAFKIT_BROKERS is set, so no --brokers flag is needed;"
echo "inside Kubernetes the default is the headless service and no variable is needed either)."
for part in scripts/demo.d/*.sh; do
  # shellcheck source=/dev/null
  source "$part"
done
printf '\ndemo done.\n'
