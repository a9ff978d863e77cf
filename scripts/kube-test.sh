#!/usr/bin/env bash
# `make kube-test`: apply every manifest in deploy/ to a real Kubernetes API server.
#
# etcd and kube-apiserver (built by scripts/kube-build.sh into .cache/kube/bin) run on 127.0.0.1
# with self-signed certificates and an admin token generated into a temporary directory. There is
# no controller-manager, scheduler or kubelet: objects are stored, validated and admitted exactly as
# in a cluster, but no pod runs. The namespace `kafka` enforces the `restricted` Pod Security
# Standard. The test applies each manifest (kubectl apply --validate=strict, server-side dry run
# first, then for real, client-side and --server-side), switches between the variants in the order
# a user would (plain Pod -> SASL Pod -> Deployment and back), and checks that the server refuses
# broken variants: a root user, a privileged container, kept capabilities, an unknown field, a bad
# enum value, a bad quantity. etcd and the API server are stopped and the directory removed
# whatever happens (scripts/kube-lib.sh).
#
# Ports (below 32768, override with the variables): etcd KUBE_ETCD_PORT (12379) and
# KUBE_ETCD_PEER_PORT (12380), the API server KUBE_APISERVER_PORT (16443).
set -euo pipefail

KUBE_NAME=kube-test
# shellcheck source=scripts/kube-lib.sh
source "$(dirname "$0")/kube-lib.sh"

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
apply_ok "every manifest at once, server-side apply" apply --server-side --validate=strict -f "$D/"
apply_ok "server-side apply again (no conflicts)" apply --server-side --validate=strict -f "$D/"
apply_ok "delete every manifest again" delete -f "$D/"

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
