#!/usr/bin/env bash
# Builds the local cluster's binaries from upstream sources through the Go module proxy:
# Kubernetes (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl),
# etcd and CoreDNS. Each lands in a cache directory named after its version and is reused when
# present, so only the first run pays for the build.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

build_module() { # name dir outdir ldflags packages... (or -o NAME package)
  local name=$1 dir=$2 out=$3 ldflags=$4; shift 4
  if [ -f "$out/.complete" ]; then
    echo "$name: cached in $out"
    return
  fi
  log "building $name into $out"
  local start=$SECONDS
  mkdir -p "$out.tmp"
  if [ "$1" = -o ]; then # a single binary whose package path does not end in its name
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp/$2" "$3")
  else
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp/" "$@")
  fi
  rm -rf "$out" && mv "$out.tmp" "$out" && touch "$out/.complete"
  echo "$name: built in $((SECONDS - start))s"
}

# Kubernetes reports its version from these variables; without them it says v0.0.0-master and
# version-skew checks between kubelet and the API server misbehave.
k8s_minor=${K8S_VERSION#v1.}
k8s_minor=${k8s_minor%%.*}
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

only=${1:-all}
if [ "$only" = all ] || [ "$only" = kubernetes ]; then
  build_module kubernetes "$HACK_DIR/build/kube" "$KUBE_BIN" "$kube_ldflags" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl
fi
if [ "$only" = all ] || [ "$only" = etcd ]; then
  build_module etcd "$HACK_DIR/build/etcd" "$ETCD_BIN" \
    "-X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}" -o etcd go.etcd.io/etcd/server/v3
fi
if [ "$only" = all ] || [ "$only" = coredns ]; then
  build_module coredns "$HACK_DIR/build/coredns" "$COREDNS_BIN" "" -o coredns .
fi
