# Sourced by scripts/kube-test.sh and scripts/kube-pod-test.sh: checks that the binaries are
# built, generates certificates and an admin token into a temporary directory $T, starts etcd and
# kube-apiserver on 127.0.0.1, writes $KUBECONFIG, waits for /readyz, and prepares the namespace
# `kafka` (Pod Security restricted, a `default` ServiceAccount). An EXIT trap stops everything by
# pid (the caller's kube_stop_extra first, if it defines one) and removes $T.
#
# The caller sets KUBE_NAME (for messages) and may set KUBE_APISERVER_FLAGS (an array of extra
# flags) and KUBE_BINARIES (which binaries it needs).
# shellcheck shell=bash
KUBE_NAME=${KUBE_NAME:-kube-test}
[ "${KUBE_APISERVER_FLAGS+set}" = set ] || KUBE_APISERVER_FLAGS=()
KUBE_BINARIES=${KUBE_BINARIES:-etcd kube-apiserver kubectl}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KUBE_BIN:-${KAFKIT_CACHE:-$ROOT/.cache}/kube/bin}
ETCD_PORT=${KUBE_ETCD_PORT:-12379}
ETCD_PEER_PORT=${KUBE_ETCD_PEER_PORT:-12380}
API_PORT=${KUBE_APISERVER_PORT:-16443}
NS=kafka

for b in $KUBE_BINARIES; do
  [ -x "$BIN/$b" ] || { echo "$KUBE_NAME: $BIN/$b not found: run bash scripts/kube-build.sh (make kube-build)" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "$KUBE_NAME: openssl not found: apt-get install -y openssl" >&2; exit 1; }

T=$(mktemp -d "/tmp/kafkit-$KUBE_NAME.XXXXXX")
etcd_pid="" api_pid=""
stop() {
  local status=$?
  # The caller's own clean-up first (kubelet, containerd), while the API server still runs.
  if declare -F kube_stop_extra >/dev/null; then kube_stop_extra $status || true; fi
  if [ $status -ne 0 ] && [ -f "$T/apiserver.log" ]; then
    echo "$KUBE_NAME: failed; the last lines of the API server's and etcd's logs:" >&2
    tail -n 20 "$T/apiserver.log" >&2 || true
    tail -n 5 "$T/etcd.log" >&2 || true
  fi
  # The API server first, so that it does not log etcd's absence; SIGKILL after 5s.
  for pid in $api_pid $etcd_pid; do
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$T"
  exit $status
}
trap stop EXIT
trap 'exit 130' INT TERM

for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$KUBE_NAME: 127.0.0.1:$port is in use (another kube-test?); set KUBE_ETCD_PORT, KUBE_ETCD_PEER_PORT or KUBE_APISERVER_PORT" >&2
    exit 1
  fi
done

# --- certificates, service-account key, admin token -------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kafkit-kube-test-ca \
  -keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout "$T/apiserver.key" -out "$T/apiserver.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' > "$T/san.ext"
openssl x509 -req -in "$T/apiserver.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -days 1 \
  -extfile "$T/san.ext" -out "$T/apiserver.crt" 2>/dev/null
openssl genrsa -out "$T/sa.key" 2048 2>/dev/null
openssl rsa -in "$T/sa.key" -pubout -out "$T/sa.pub" 2>/dev/null
token=$(openssl rand -hex 16)
# The admin: system:masters passes every authorization check (RBAC stays on, as in a cluster).
echo "$token,kafkit-admin,kafkit-admin,system:masters" > "$T/tokens.csv"

# --- etcd and the API server --------------------------------------------------------------------
"$BIN/etcd" --name kube-test --data-dir "$T/etcd" --unsafe-no-fsync \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "kube-test=http://127.0.0.1:$ETCD_PEER_PORT" >"$T/etcd.log" 2>&1 &
etcd_pid=$!

# --allow-privileged as in kubeadm clusters, so that a privileged pod meets Pod Security admission
# (not only the API's own validation). --endpoint-reconciler-type=none: on 127.0.0.1 the server
# must not publish itself as the kubernetes service's endpoint.
"$BIN/kube-apiserver" "${KUBE_APISERVER_FLAGS[@]}" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file "$T/apiserver.crt" --tls-private-key-file "$T/apiserver.key" --client-ca-file "$T/ca.crt" \
  --token-auth-file "$T/tokens.csv" --authorization-mode RBAC \
  --service-account-key-file "$T/sa.pub" --service-account-signing-key-file "$T/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
  --allow-privileged=true --profiling=false >"$T/apiserver.log" 2>&1 &
api_pid=$!

export KUBECONFIG=$T/kubeconfig
k() { "$BIN/kubectl" "$@"; }
k config set-cluster kube-test --server "https://127.0.0.1:$API_PORT" --certificate-authority "$T/ca.crt" --embed-certs >/dev/null
k config set-credentials kafkit-admin --token "$token" >/dev/null
k config set-context kube-test --cluster kube-test --user kafkit-admin --namespace "$NS" >/dev/null
k config use-context kube-test >/dev/null

start=$(date +%s)
until k get --raw /readyz >/dev/null 2>&1; do
  kill -0 "$api_pid" 2>/dev/null || { echo "$KUBE_NAME: kube-apiserver exited" >&2; exit 1; }
  kill -0 "$etcd_pid" 2>/dev/null || { echo "$KUBE_NAME: etcd exited" >&2; exit 1; }
  [ $(( $(date +%s) - start )) -lt 180 ] || { echo "$KUBE_NAME: the API server is not ready after 180s" >&2; k get --raw '/readyz?verbose' >&2 || true; exit 1; }
  sleep 1
done
echo "$KUBE_NAME: $(k version -o json | sed -n 's/.*"gitVersion": "\([^"]*\)".*/\1/p' | tr '\n' ' ')(client, server) ready in $(( $(date +%s) - start ))s on 127.0.0.1:$API_PORT"

# --- the namespace as a cluster admin would prepare it ------------------------------------------
k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NS
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: latest
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/audit-version: latest
EOF
# No controller-manager: the ServiceAccount admission plugin refuses pods until `default` exists.
k create serviceaccount default -n "$NS" >/dev/null

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# apply_ok NAME ARGS...: kubectl ARGS must succeed without a warning (a Pod Security warning on a
# Deployment is how the server says its pods would be refused).
apply_ok() {
  local name=$1; shift
  if k "$@" >"$T/out" 2>"$T/err" && ! grep -q 'Warning' "$T/err"; then
    ok "$name: $(tr '\n' ' ' <"$T/out")"
  else
    fail "$name: kubectl $*"; sed 's/^/     /' "$T/out" "$T/err"
  fi
}
# apply_refused NAME WANT ARGS...: kubectl ARGS must fail with a message containing WANT.
apply_refused() {
  local name=$1 want=$2; shift 2
  if k "$@" >"$T/out" 2>"$T/err"; then
    fail "$name: kubectl $* was accepted, want a refusal containing: $want"; sed 's/^/     /' "$T/out" "$T/err"
  elif grep -qF -- "$want" "$T/err"; then
    ok "$name: refused: $(grep -F -- "$want" "$T/err" | head -1 | cut -c1-200)"
  else
    fail "$name: refused, but not with: $want"; sed 's/^/     /' "$T/err"
  fi
}
# stored NAME KIND/NAME JSONPATH WANT: the object as the server stored it.
stored() {
  local got
  got=$(k get "$2" -n "$NS" -o "jsonpath=$3" 2>&1) || true
  if [ "$got" = "$4" ]; then ok "$1: $2 $3 = $got"; else fail "$1: $2 $3 = $got, want $4"; fi
}

