#!/usr/bin/env bash
# `make kube-pod-test`: the client image as a real Pod on a real kubelet, driven with kubectl exec.
#
# etcd, kube-apiserver, containerd (Debian's, with runc and the CNI plugins) and a kubelet run in
# private network, mount and PID namespaces of their own (unshare): nothing binds or routes outside
# them, their /run/containerd, /run/netns, /var/lib/cni, /var/log/pods and /var/lib/kubelet are
# private tmpfs, and when the test ends the kernel ends every process left in the PID namespace.
# The Pod is deploy/kafka-client.yaml as it is — in the namespace kafka that enforces Pod Security
# restricted — with three changes a real cluster makes elsewhere: the image is the one `make image`
# built (no registry), spec.nodeName names the node (no scheduler), and hostAliases resolve the
# headless service name to the pod's loopback (no cluster DNS), where kafkit-demo-cluster (kfake)
# stands in for the brokers. Then the seed's workflow runs in the Pod with kubectl exec and no
# flags: topic create / list / describe, produce from stdin, consume, a group and its lag.
#
# Needs root, and on Debian: apt-get install -y containerd runc containernetworking-plugins podman
# (plus what `make image` needs). KUBE_POD_IMAGE names the image (default localhost/kafkit:kube-pod-test).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMAGE=${KUBE_POD_IMAGE:-localhost/kafkit:kube-pod-test}
CNI_BIN=${KUBE_CNI_BIN:-/usr/lib/cni}

if [ "${KAFKIT_KUBE_POD_INNER:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "kube-pod-test: needs root (containerd, kubelet, namespaces)" >&2; exit 1; }
  missing=""
  for c in containerd ctr runc unshare nsenter ip mount; do command -v "$c" >/dev/null || missing="$missing $c"; done
  for p in bridge host-local loopback; do [ -x "$CNI_BIN/$p" ] || missing="$missing $CNI_BIN/$p"; done
  [ -x "$ROOT/bin/kafkit-demo-cluster" ] || missing="$missing bin/kafkit-demo-cluster(make build)"
  if [ -n "$missing" ]; then
    echo "kube-pod-test: missing:$missing (apt-get install -y containerd runc containernetworking-plugins iproute2)" >&2
    exit 1
  fi
  out=$(mktemp -d /tmp/kafkit-kube-pod-image.XXXXXX)
  trap 'rm -rf "$out"' EXIT
  # shellcheck disable=SC2086 # PODMAN_FLAGS is a list of flags
  ${PODMAN:-podman} ${PODMAN_FLAGS:-} save --format oci-archive -o "$out/image.tar" "$IMAGE" >/dev/null
  status=0
  KAFKIT_KUBE_POD_INNER=1 KUBE_POD_IMAGE_TAR=$out/image.tar \
    unshare --net --mount --pid --fork --mount-proc --propagation private bash "$0" || status=$?
  exit $status
fi

# --- inside the namespaces ---------------------------------------------------------------------
ip link set lo up
# The node's InternalIP: the kubelet refuses a loopback one and finds none without a default route.
NODE_IP=198.18.1.1
ip addr add "$NODE_IP/32" dev lo
for d in /run/containerd /run/netns /var/lib/cni /var/log/pods /var/log/containers /var/lib/kubelet; do
  mkdir -p "$d" && mount -t tmpfs tmpfs "$d"
done

KUBE_NAME=kube-pod-test
KUBE_BINARIES="etcd kube-apiserver kubectl kubelet"
# No DNS for node names here: the API server reaches the kubelet (exec, logs) at its hostname,
# localhost.
KUBE_APISERVER_FLAGS=(--kubelet-preferred-address-types Hostname)
containerd_pid="" kubelet_pid="" kfake_pid=""
kube_stop_extra() {
  local status=$1 ctr_="ctr --address $T/containerd.sock --namespace k8s.io" ids
  if [ "$status" -ne 0 ]; then
    echo "kube-pod-test: the last lines of the kubelet's and containerd's logs:" >&2
    tail -n 15 "$T/kubelet.log" >&2 2>/dev/null || true
    grep -E 'level=(error|fatal)' "$T/containerd.log" 2>/dev/null | tail -n 5 >&2 || true
  fi
  [ -z "$kfake_pid" ] || kill "$kfake_pid" 2>/dev/null || true
  [ -z "$kubelet_pid" ] || "$BIN/kubectl" delete pods --all -n kafka --wait --timeout 30s >/dev/null 2>&1 || true
  [ -z "$kubelet_pid" ] || { kill "$kubelet_pid" 2>/dev/null; wait "$kubelet_pid" 2>/dev/null; } || true
  if [ -n "$containerd_pid" ]; then
    # What the kubelet left (the pod sandboxes): their cgroups are the host's, so remove them
    # through containerd rather than leave them to the PID namespace's end.
    ids=$($ctr_ containers ls -q 2>/dev/null || true)
    for id in $ids; do $ctr_ tasks kill -s KILL "$id" >/dev/null 2>&1 || true; done
    for id in $ids; do
      for _ in $(seq 20); do $ctr_ tasks rm "$id" >/dev/null 2>&1 && break; sleep 0.1; done
      $ctr_ containers rm "$id" >/dev/null 2>&1 || true
    done
    kill "$containerd_pid" 2>/dev/null || true
    wait "$containerd_pid" 2>/dev/null || true
    for id in $ids; do rmdir /sys/fs/cgroup/*/k8s.io/"$id" 2>/dev/null || true; done
    rmdir /sys/fs/cgroup/*/k8s.io 2>/dev/null || true
  fi
  # Volumes the kubelet mounted under its root directory.
  awk -v t="$T" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r | xargs -r umount -l 2>/dev/null || true
}
# shellcheck source=scripts/kube-lib.sh
source "$(dirname "$0")/kube-lib.sh"

# --- containerd -----------------------------------------------------------------------------------
mkdir -p "$T/cni"
# The sandbox ("pause") image cannot be pulled without a registry: the kafkit image, whose CMD is
# `sleep infinity`, serves. restrict_oom_score_adj: the sandbox's oom_score_adj of -998 needs
# CAP_SYS_RESOURCE, which build machines' sandboxes lack (runc: "failed to update
# /proc/self/oom_score_adj: Permission denied"). The native snapshotter works on any filesystem.
cat > "$T/containerd.toml" <<EOF
version = 2
root = "$T/containerd/root"
state = "$T/containerd/state"
[grpc]
  address = "$T/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IMAGE"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$T/cni"
EOF
# The pod network: a bridge in this test's own network namespace (nothing leaves it), addresses
# from the benchmarking range 198.18.0.0/15. Nothing is sent to them: kubectl exec goes through the
# kubelet, and kafkit talks to the pod's own loopback.
cat > "$T/cni/10-kube-pod-test.conflist" <<'EOF'
{"cniVersion": "0.4.0", "name": "kube-pod-test", "plugins": [
  {"type": "bridge", "bridge": "kubepod0", "isGateway": false, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "198.18.0.0/24"}]]}},
  {"type": "loopback"}]}
EOF
containerd --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do [ -S "$T/containerd.sock" ] && break; sleep 0.1; done
ctr --address "$T/containerd.sock" --namespace k8s.io images import "$KUBE_POD_IMAGE_TAR" >/dev/null

# --- the kubelet ----------------------------------------------------------------------------------
# cgroup v1 (these machines): failCgroupV1 false. No QoS cgroup hierarchy and no node allocatable
# enforcement: the kubelet does not own the machine's cgroups here. Anonymous requests are allowed
# on 127.0.0.1 only (the API server's exec calls).
cat > "$T/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
containerRuntimeEndpoint: unix://$T/containerd.sock
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
failSwapOn: false
localStorageCapacityIsolation: false
evictionHard: {}
EOF
"$BIN/kubelet" --config "$T/kubelet.yaml" --kubeconfig "$KUBECONFIG" --root-dir "$T/kubelet" \
  --cert-dir "$T/kubelet-pki" --hostname-override localhost --node-ip "$NODE_IP" >"$T/kubelet.log" 2>&1 &
kubelet_pid=$!
start=$(date +%s)
until k get node localhost >/dev/null 2>&1; do
  kill -0 "$kubelet_pid" 2>/dev/null || { echo "kube-pod-test: the kubelet exited" >&2; exit 1; }
  [ $(( $(date +%s) - start )) -lt 90 ] || { echo "kube-pod-test: the node did not register in 90s" >&2; exit 1; }
  sleep 1
done
k wait --for=condition=Ready node/localhost --timeout 90s >/dev/null
echo "kube-pod-test: node localhost Ready ($(k get node localhost -o jsonpath='{.status.nodeInfo.kubeletVersion}, {.status.nodeInfo.containerRuntimeVersion}')) in $(( $(date +%s) - start ))s"

# --- the Pod --------------------------------------------------------------------------------------
pod_variant() {
  sed -e "s#image: ghcr.io/kafkit/kafkit:latest#image: $IMAGE#" \
      -e 's/^spec:$/spec:\n  nodeName: localhost\n  hostAliases:\n    - ip: 127.0.0.1\n      hostnames: [kafka-controller-headless.kafka.svc.cluster.local]/' "$1"
}
pod_variant "$ROOT/deploy/kafka-client.yaml" > "$T/pod.yaml"
apply_ok "apply deploy/kafka-client.yaml (image, nodeName, hostAliases set)" apply --validate=strict -f "$T/pod.yaml"
if k wait -n kafka --for=condition=Ready pod/kafka-client --timeout 120s >/dev/null 2>&1; then
  ok "pod/kafka-client is Running and Ready"
else
  fail "pod/kafka-client is not Ready"; k describe pod -n kafka kafka-client | tail -n 15
  exit 1
fi

# The brokers: kfake in the pod's network namespace (any of its containers' tasks has it).
task_pid=$(ctr --address "$T/containerd.sock" --namespace k8s.io tasks ls | awk 'NR > 1 && $3 == "RUNNING" { print $2; exit }')
nsenter --net="/proc/$task_pid/ns/net" "$ROOT/bin/kafkit-demo-cluster" -port 9092 >"$T/kfake.log" 2>&1 &
kfake_pid=$!

# in_pod NAME WANT CMD: kubectl exec CMD (sh -c) must exit 0 and print a line containing WANT.
in_pod() {
  local name=$1 want=$2 cmd=$3
  if k exec -n kafka kafka-client -- sh -c "$cmd" >"$T/out" 2>&1 && grep -qF -- "$want" "$T/out"; then
    ok "$name: $(grep -F -- "$want" "$T/out" | head -1 | cut -c1-150)"
  else
    fail "$name: kubectl exec kafka-client -- sh -c '$cmd': want $want"; sed 's/^/     /' "$T/out"
  fi
}
in_pod "the image's user" "uid=1001(kafkit) gid=1001(kafkit)" id
in_pod "read-only root" "Read-only file system" 'touch /x 2>&1; true'
in_pod "/tmp is writable" "scratch" 'echo scratch > /tmp/t && cat /tmp/t'
in_pod "no capabilities" "CapEff:	0000000000000000" 'cat /proc/self/status'
in_pod "no privilege escalation" "NoNewPrivs:	1" 'cat /proc/self/status'
in_pod "seccomp RuntimeDefault" "Seccomp:	2" 'cat /proc/self/status'
in_pod "KAFKIT_BROKERS in env" "KAFKIT_BROKERS=kafka-controller-headless.kafka.svc.cluster.local:9092" env
for _ in $(seq 50); do k exec -n kafka kafka-client -- kafkit --timeout 1s cluster info >/dev/null 2>&1 && break; sleep 0.2; done

# The seed's session, no flags: the default address is the headless service.
in_pod "kafkit topic create test -p 3 -r 3" 'created topic "test" (3 partitions, replication factor 3)' 'kafkit topic create test -p 3 -r 3'
in_pod "kafkit topic list" "test" 'kafkit topic list'
in_pod "kafkit topic describe test" "Partitions:          3" 'kafkit topic describe test'
if printf 'one\ntwo\nthree\n' | k exec -i -n kafka kafka-client -- kafkit produce test >"$T/out" 2>&1; then
  ok "kubectl exec -i ... kafkit produce test < 3 lines"
else
  fail "kafkit produce test from stdin"; sed 's/^/     /' "$T/out"
fi
in_pod "kafkit consume test -o start -e" "three" 'kafkit consume test -o start -e | sort | tr "\n" " "'
in_pod "kafkit consume with a group" "3" 'kafkit consume test -o start -e --group seed-group | wc -l'
in_pod "kafkit group list" "seed-group" 'kafkit group list'
in_pod "kafkit group lag --all" "seed-group" 'kafkit group lag --all'
in_pod "kafkit topic delete test" "test" 'kafkit topic delete test 2>&1'
# Exit codes come back through kubectl exec unchanged.
set +e
k exec -n kafka kafka-client -- kafkit topic describe no-such-topic >"$T/out" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ] && grep -q 'command terminated with exit code' "$T/out"; then
  ok "a failing kafkit command: $(tail -1 "$T/out")"
else
  fail "kafkit topic describe no-such-topic: exit $rc"; sed 's/^/     /' "$T/out"
fi

# The SASL Pod beside it: it starts without the chart's secret (optional), and with it the password
# file is readable by kafkit only (defaultMode 0440, group 1001 from fsGroup).
k create secret generic kafka-user-passwords -n kafka --from-literal client-passwords=pod-test-secret >/dev/null
pod_variant "$ROOT/deploy/kafka-client-sasl.yaml" > "$T/sasl.yaml"
apply_ok "apply deploy/kafka-client-sasl.yaml beside the plain Pod" apply --validate=strict -f "$T/sasl.yaml"
if k wait -n kafka --for=condition=Ready pod/kafka-client-sasl --timeout 120s >/dev/null 2>&1; then
  ok "pod/kafka-client-sasl is Running and Ready"
  if k exec -n kafka kafka-client-sasl -- sh -c 'stat -L -c "%a %u %g" /etc/kafka-user-passwords/client-passwords; cat /etc/kafka-user-passwords/client-passwords' >"$T/out" 2>&1 &&
     [ "$(tr '\n' ' ' <"$T/out")" = "440 0 1001 pod-test-secret" ]; then
    ok "the SASL password file: mode, owner, group and content $(tr '\n' ' ' <"$T/out")"
  else
    fail "the SASL password file: want 440 0 1001 pod-test-secret"; sed 's/^/     /' "$T/out"
  fi
else
  fail "pod/kafka-client-sasl is not Ready"; k describe pod -n kafka kafka-client-sasl | tail -n 15
fi

echo "kube-pod-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
