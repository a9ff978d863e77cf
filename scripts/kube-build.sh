#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd for `make kube-test` from the Go module proxy into
# .cache/kube/bin (deploy/kube/go.mod pins the versions). Skipped when the binaries there were built
# from the same go.mod, go.sum, etcd main and Go version: the key is in .cache/kube/bin/KEY.
#
# Cold: about 10 minutes of CPU on 2 cores (kube-apiserver is most of it); warm: under a second.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MOD=$ROOT/deploy/kube
BIN=${KUBE_BIN:-$ROOT/.cache/kube/bin}
GO=${GO:-go}

# A module's version in go.mod, in a require block or on a one-line require.
version() { awk -v m="$1" '$1 !~ "^//" { for (i = 1; i < NF; i++) if ($i == m && $(i+1) ~ /^v[0-9]/) print $(i+1) }' "$MOD/go.mod"; }
k8s=$(version k8s.io/kubernetes)
etcd=$(version go.etcd.io/etcd/server/v3)
[ -n "$k8s" ] && [ -n "$etcd" ] || { echo "kube-build: cannot read the k8s.io/kubernetes and etcd versions from $MOD/go.mod" >&2; exit 1; }

key=$( { echo "kubernetes $k8s etcd $etcd"; "$GO" env GOVERSION GOOS GOARCH; cat "$MOD/go.mod" "$MOD/go.sum" "$MOD/etcd/main.go" "$0"; } | sha256sum | cut -d' ' -f1)
if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kubectl" ] && [ -x "$BIN/etcd" ] && [ "$(cat "$BIN/KEY" 2>/dev/null)" = "$key" ]; then
  echo "kube-build: kube-apiserver/kubectl $k8s and etcd $etcd are in ${BIN#"$ROOT"/} (cached)" >&2
  exit 0
fi

minor=${k8s#v1.}; minor=${minor%%.*}
# What `make` in kubernetes stamps: kubectl version and the API server's /version read these.
ver="-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1"
ver="$ver -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
ver="$ver -X k8s.io/client-go/pkg/version.gitVersion=$k8s -X k8s.io/client-go/pkg/version.gitMajor=1"
ver="$ver -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitTreeState=clean"
ver="$ver -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd"

echo "kube-build: building kube-apiserver and kubectl $k8s, etcd $etcd into ${BIN#"$ROOT"/} (cold: several minutes)" >&2
tmp=$BIN.tmp
rm -rf "$tmp" && mkdir -p "$tmp"
start=$(date +%s)
# One go build for all three so that the packages they share are compiled once; nice, because the
# machines this runs on are small and shared.
(cd "$MOD" && CGO_ENABLED=0 nice -n 10 "$GO" build -buildvcs=false -trimpath -ldflags "-s -w $ver" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl ./etcd)
echo "$key" > "$tmp/KEY"
rm -rf "$BIN" && mv "$tmp" "$BIN"
echo "kube-build: built in $(( $(date +%s) - start ))s: $(cd "$BIN" && du -sh kube-apiserver kubectl etcd | tr '\t\n' ': ')" >&2
