#!/usr/bin/env bash
# chart-e2e.sh — the e2e tests in the Bitnami chart's network shape, on loopback (issue 11 part 2).
#
# Starts a fresh cluster.sh cluster in the chart shape (KAFKIT_CLUSTER_SHAPE=chart: node ids 0-2
# on 127.0.1.1-127.0.1.3, CLIENT 9092, CONTROLLER 9093, INTERNAL 9094, EXTERNAL 9095 with SASL,
# advertising kafka-controller-N.kafka-controller-headless.kafka.svc.cluster.local) and runs the
# e2e tests named TestChart* against it (KAFKIT_E2E_CHART=1), then stops it.
#
# The chart's names resolve only for the brokers and the tests: everything runs in a private
# mount namespace (unshare -m) in which a generated hosts file is bind-mounted over /etc/hosts.
# The machine's own /etc/hosts is never written. Needs root (or CAP_SYS_ADMIN), util-linux's
# unshare, and bin/kafkit (make build).
#
# Usage: scripts/chart-e2e.sh [extra go test args]   e.g. -run 'TestChartSASL' -v
# Environment: KAFKA_VERSION (default 4.1.1), KAFKIT_CACHE (jar cache), KAFKIT_CHART_CLUSTER_DIR
# (state dir, default <repo>/.cache/cluster-chart).
set -euo pipefail
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER=$REPO_DIR/e2e/cluster/cluster.sh
die() { echo "chart-e2e.sh: $*" >&2; exit 1; }

if [[ ${KAFKIT_CHART_INSIDE:-} != 1 ]]; then
  command -v unshare >/dev/null 2>&1 || die "unshare not found (apt-get install util-linux)"
  [[ -x $REPO_DIR/bin/kafkit ]] || die "bin/kafkit not built: run make build"
  # --propagation private: the bind mount below stays inside the new namespace.
  KAFKIT_CHART_INSIDE=1 exec unshare --mount --propagation private bash "$0" "$@" \
    || die "unshare --mount failed (needs root or CAP_SYS_ADMIN)"
fi

# Inside the private mount namespace from here on.
export KAFKIT_CLUSTER_SHAPE=chart
export KAFKIT_CLUSTER_DIR=${KAFKIT_CHART_CLUSTER_DIR:-$REPO_DIR/.cache/cluster-chart}
mkdir -p "$(dirname "$KAFKIT_CLUSTER_DIR")"
hosts=$(dirname "$KAFKIT_CLUSTER_DIR")/chart-hosts
{
  grep -v 'svc\.cluster\.local' /etc/hosts || true
  echo "# kafkit chart shape (scripts/chart-e2e.sh), in this mount namespace only"
  bash "$CLUSTER" hosts
} >"$hosts"
mount --bind "$hosts" /etc/hosts || die "mount --bind over /etc/hosts failed (needs root)"
getent hosts kafka-controller-0.kafka-controller-headless.kafka.svc.cluster.local >/dev/null \
  || die "the chart names do not resolve even with the private /etc/hosts (check /etc/nsswitch.conf)"

t0=$SECONDS
trap 'bash "$CLUSTER" down || true' EXIT
bash "$CLUSTER" up
eval "$(bash "$CLUSTER" env)"
echo "chart-e2e.sh: chart-shaped cluster up in $((SECONDS - t0))s; running the TestChart e2e tests"
export KAFKIT_E2E_CHART=1
cd "$REPO_DIR"
status=0
go test -count=1 -tags e2e -timeout 10m -run '^TestChart' "$@" ./e2e/ || status=$?
if ((status != 0)); then bash "$CLUSTER" logs || true; fi
echo "chart-e2e.sh: done in $((SECONDS - t0))s (exit $status)"
exit "$status"
