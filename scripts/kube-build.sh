#!/usr/bin/env bash
# Builds kube-apiserver, kubectl, kubelet and etcd for `make kube-test` and `make kube-pod-test`
# from the Go module proxy (deploy/kube/go.mod pins the versions) into $KAFKIT_CACHE/kube/bin
# (default .cache/kube/bin; KUBE_BIN overrides). Skipped when the binaries there were built from the
# same go.mod, go.sum, etcd main, build flags and Go version (each binary's key is in .NAME.key
# beside it). Arguments: the binaries to build (default etcd kube-apiserver kubectl).
# Point KAFKIT_CACHE at a directory that outlives the checkout (CI clones afresh) to keep them.
#
# Cold (empty Go build cache): about 12 minutes on 2 shared cores, kube-apiserver most of it;
# with a warm Go build cache but no binaries: under a minute (linking); cached: under a second.
# The binaries take about 290 MB.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MOD=$ROOT/deploy/kube
BIN=${KUBE_BIN:-${KAFKIT_CACHE:-$ROOT/.cache}/kube/bin}
GO=${GO:-go}

# A module's version in go.mod, in a require block or on a one-line require.
version() { awk -v m="$1" '$1 !~ "^//" { for (i = 1; i < NF; i++) if ($i == m && $(i+1) ~ /^v[0-9]/) print $(i+1) }' "$MOD/go.mod"; }
k8s=$(version k8s.io/kubernetes)
etcd=$(version go.etcd.io/etcd/server/v3)
[ -n "$k8s" ] && [ -n "$etcd" ] || { echo "kube-build: cannot read the k8s.io/kubernetes and etcd versions from $MOD/go.mod" >&2; exit 1; }

minor=${k8s#v1.}; minor=${minor%%.*}
# What `make` in kubernetes stamps: kubectl version and the API server's /version read these.
ver="-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=1"
ver="$ver -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
ver="$ver -X k8s.io/client-go/pkg/version.gitVersion=$k8s -X k8s.io/client-go/pkg/version.gitMajor=1"
ver="$ver -X k8s.io/client-go/pkg/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitTreeState=clean"
ver="$ver -X go.etcd.io/etcd/api/v3/version.GitSHA=$etcd"
flags=(-buildvcs=false -trimpath -ldflags "-s -w $ver")

# The binaries asked for (default: what kube-test needs), by name.
[ $# -gt 0 ] || set -- etcd kube-apiserver kubectl
key=$( { echo "kubernetes $k8s etcd $etcd"; "$GO" env GOVERSION GOOS GOARCH; echo "${flags[*]}"; cat "$MOD/go.mod" "$MOD/go.sum" "$MOD/etcd/main.go"; } | sha256sum | cut -d' ' -f1)
pkgs=() names=()
for b in "$@"; do
  case $b in
    etcd) pkg=./etcd ;;
    kube-apiserver|kubectl|kubelet) pkg=k8s.io/kubernetes/cmd/$b ;;
    *) echo "kube-build: unknown binary $b (etcd, kube-apiserver, kubectl, kubelet)" >&2; exit 2 ;;
  esac
  # Each binary keeps the key it was built with: a warm cache builds nothing, a new binary only itself.
  if [ -x "$BIN/$b" ] && [ "$(cat "$BIN/.$b.key" 2>/dev/null)" = "$key" ]; then continue; fi
  pkgs+=("$pkg") names+=("$b")
done
if [ ${#names[@]} -eq 0 ]; then
  echo "kube-build: $* (kubernetes $k8s, etcd $etcd) are in ${BIN#"$ROOT"/} (cached)" >&2
  exit 0
fi

echo "kube-build: building ${names[*]} (kubernetes $k8s, etcd $etcd) into ${BIN#"$ROOT"/} (cold: several minutes)" >&2
tmp=$BIN.tmp
rm -rf "$tmp" && mkdir -p "$tmp" "$BIN"
start=$(date +%s)
# One go build for all of them so that the packages they share are compiled once; nice, because
# the machines this runs on are small and shared.
(cd "$MOD" && CGO_ENABLED=0 nice -n 10 "$GO" build "${flags[@]}" -o "$tmp/" "${pkgs[@]}")
for b in "${names[@]}"; do
  mv -f "$tmp/$b" "$BIN/$b"
  echo "$key" > "$BIN/.$b.key"
done
rm -rf "$tmp"
echo "kube-build: built in $(( $(date +%s) - start ))s: $(cd "$BIN" && du -sh "${names[@]}" | tr '\t\n' ': ')" >&2
