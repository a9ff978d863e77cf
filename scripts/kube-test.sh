#!/usr/bin/env bash
# `make kube-test`: apply every manifest in deploy/ to a real Kubernetes API server.
#
# etcd and kube-apiserver (built by scripts/kube-build.sh into .cache/kube/bin) run on 127.0.0.1
# with self-signed certificates and an admin token generated into a temporary directory. There is
# no controller-manager, scheduler or kubelet: objects are stored, validated and admitted exactly as
# in a cluster, but no pod runs. The namespace `kafka` enforces the `restricted` Pod Security
# Standard. The test applies each manifest (kubectl apply --validate=strict, server-side dry run
# first, then for real), switches between the variants in the order a user would (plain Pod ->
# SASL Pod -> Deployment and back), and checks that the server refuses broken variants: a root
# user, a privileged container, an unknown field, a bad enum value. etcd and the API server are
# stopped and the directory removed whatever happens.
#
# Ports (below 32768, override with the variables): etcd KUBE_ETCD_PORT (12379) and
# KUBE_ETCD_PEER_PORT (12380), the API server KUBE_APISERVER_PORT (16443).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${KUBE_BIN:-$ROOT/.cache/kube/bin}
ETCD_PORT=${KUBE_ETCD_PORT:-12379}
ETCD_PEER_PORT=${KUBE_ETCD_PEER_PORT:-12380}
API_PORT=${KUBE_APISERVER_PORT:-16443}
NS=kafka

for b in etcd kube-apiserver kubectl; do
  [ -x "$BIN/$b" ] || { echo "kube-test: $BIN/$b not found: run bash scripts/kube-build.sh (make kube-build)" >&2; exit 1; }
done
command -v openssl >/dev/null || { echo "kube-test: openssl not found: apt-get install -y openssl" >&2; exit 1; }

T=$(mktemp -d /tmp/kafkit-kube.XXXXXX)
etcd_pid="" api_pid=""
stop() {
  local status=$?
  if [ $status -ne 0 ] && [ -f "$T/apiserver.log" ]; then
    echo "kube-test: failed; the last lines of the API server's and etcd's logs:" >&2
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
    echo "kube-test: 127.0.0.1:$port is in use (another kube-test?); set KUBE_ETCD_PORT, KUBE_ETCD_PEER_PORT or KUBE_APISERVER_PORT" >&2
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
"$BIN/kube-apiserver" \
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
  kill -0 "$api_pid" 2>/dev/null || { echo "kube-test: kube-apiserver exited" >&2; exit 1; }
  kill -0 "$etcd_pid" 2>/dev/null || { echo "kube-test: etcd exited" >&2; exit 1; }
  [ $(( $(date +%s) - start )) -lt 180 ] || { echo "kube-test: the API server is not ready after 180s" >&2; k get --raw '/readyz?verbose' >&2 || true; exit 1; }
  sleep 1
done
echo "kube-test: $(k version -o json | sed -n 's/.*"gitVersion": "\([^"]*\)".*/\1/p' | tr '\n' ' ')(client, server) ready in $(( $(date +%s) - start ))s on 127.0.0.1:$API_PORT"

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

D=$ROOT/deploy
manifests=$(ls "$D"/*.yaml)

# Every manifest: server-side dry run (validation and admission without storing), client-side and
# server-side apply alike.
for f in $manifests; do
  apply_ok "dry run $(basename "$f")" apply --validate=strict --dry-run=server -f "$f"
  apply_ok "server-side dry run $(basename "$f")" apply --server-side --validate=strict --dry-run=server -f "$f"
done

# A user switching between the variants, for real: plain Pod -> SASL Pod -> Deployment and back.
# Each apply of an unchanged file must work again (kubectl apply is how people "make sure").
P=$D/kafka-client.yaml S=$D/kafka-client-sasl.yaml DEP=$D/kafka-client-deployment.yaml
apply_ok "apply the plain Pod" apply --validate=strict -f "$P"
stored "the plain Pod" pod/kafka-client '{.spec.securityContext.runAsUser} {.spec.containers[0].env[0].value}' \
  "1001 kafka-controller-headless.kafka.svc.cluster.local:9092"
apply_ok "apply the plain Pod again" apply --validate=strict -f "$P"
apply_ok "switch to the SASL Pod" apply --validate=strict -f "$S"
stored "the SASL Pod" pod/kafka-client-sasl '{.spec.volumes[1].secret.secretName}' kafka-user-passwords
apply_ok "switch to the Deployment" apply --validate=strict -f "$DEP"
stored "the Deployment" deployment/kafka-client '{.spec.template.spec.securityContext.runAsUser}' 1001
apply_ok "back to the SASL Pod" apply --validate=strict -f "$S"
apply_ok "back to the plain Pod" apply --validate=strict -f "$P"
apply_ok "remove the SASL Pod" delete -f "$S"
apply_ok "remove the Deployment" delete -f "$DEP"
apply_ok "the SASL Pod after the plain one was removed" apply --validate=strict -f "$S"
apply_ok "remove the plain Pod" delete -f "$P"
apply_ok "every manifest at once (kubectl apply -f deploy/)" apply --validate=strict -f "$D/"
apply_ok "delete every manifest (kubectl delete -f deploy/)" delete -f "$D/"

# Why the SASL Pod has its own name: a Pod's spec is immutable, so the SASL variant applied over
# the plain Pod of the same name is refused. (If this were accepted, the server would not be
# checking what a user's cluster checks.)
apply_ok "apply the plain Pod" apply --validate=strict -f "$P"
sed 's/^  name: kafka-client-sasl$/  name: kafka-client/' "$S" > "$T/sasl-same-name.yaml"
apply_refused "the SASL Pod under the plain Pod's name" "pod updates may not change fields" \
  apply --validate=strict -f "$T/sasl-same-name.yaml"
k delete -f "$P" >/dev/null

# Broken variants must be refused, or the test above could not fail.
bad() { sed -e 's/^  name: kafka-client$/  name: kafka-client-bad/' -e "$2" "$P" > "$T/$1.yaml"; echo "$T/$1.yaml"; }
apply_refused "root user" 'violates PodSecurity "restricted:latest": runAsUser=0' \
  apply --validate=strict -f "$(bad root 's/runAsUser: 1001/runAsUser: 0/')"
apply_refused "privileged container" 'violates PodSecurity "restricted:latest": privileged (container "kafkit" must not set securityContext.privileged=true)' \
  apply --validate=strict -f "$(bad privileged 's/allowPrivilegeEscalation: false/privileged: true/')"
apply_refused "capabilities kept" 'unrestricted capabilities' \
  apply --validate=strict -f "$(bad caps 's/drop: \["ALL"\]/drop: ["NET_RAW"]/')"
apply_refused "unknown field (a typo)" 'unknown field "spec.containers[0].securityContext.readOnlyRootFileSystem"' \
  apply --validate=strict -f "$(bad typo 's/readOnlyRootFilesystem: true/readOnlyRootFileSystem: true/')"
apply_refused "bad enum value" 'Unsupported value: "Sometimes"' \
  apply --validate=strict -f "$(bad enum 's/imagePullPolicy: IfNotPresent/imagePullPolicy: Sometimes/')"
apply_refused "bad quantity" 'quantities must match the regular expression' \
  apply --validate=strict -f "$(bad quantity 's/memory: 256Mi/memory: lots/')"
# Pod Security enforces on pods; for a Deployment the server warns (its pods would be refused by
# the ReplicaSet's requests): the warning must be there.
sed -e 's/runAsUser: 1001/runAsUser: 0/' "$DEP" > "$T/root-deployment.yaml"
if k apply --validate=strict --dry-run=server -f "$T/root-deployment.yaml" >"$T/out" 2>"$T/err" &&
   grep -q 'would violate PodSecurity "restricted:latest": runAsUser=0' "$T/err"; then
  ok "root Deployment: warned: $(grep -m1 Warning "$T/err" | cut -c1-160)"
else
  fail "root Deployment: want a Pod Security warning"; sed 's/^/     /' "$T/out" "$T/err"
fi

echo "kube-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
