#!/usr/bin/env bash
# Builds the local cluster's binaries and tools from upstream sources through the Go module proxy:
# Kubernetes (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl),
# etcd, CoreDNS, Helm, Prometheus (prometheus, promtool), Mailpit and CloudNativePG's manager. Each lands in a cache
# directory named after its version and is reused when present, so only the first run pays for the
# build.
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

# Helm says "v4.3" (its minor line) unless told its full version.
helm_ldflags="-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION"
helm_ldflags+=" -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

# Prometheus tags its Go module v0.3MM.P for release 3.MM.P and reports the release number (in
# --version and /api/v1/status/buildinfo) from these variables. The module proxy carries no git
# commit, so the revision is the module version.
prom_release=${PROMETHEUS_VERSION#v0.}
prom_minor=${prom_release%%.*}
prom_release=${prom_minor:0:1}.$((10#${prom_minor:1})).${prom_release#*.}
prom_ldflags=""
for var in Version=$prom_release Revision=$PROMETHEUS_VERSION Branch=HEAD \
    BuildUser=hack/build-binaries.sh BuildDate=19700101-00:00:00; do
  prom_ldflags+=" -X github.com/prometheus/common/version.$var"
done

# CloudNativePG reports its version (in the pods' labels and `manager version`) from these.
cnpg_ldflags=""
for var in buildVersion=${CNPG_VERSION#v} buildCommit=$CNPG_VERSION buildDate=1970-01-01T00:00:00Z; do
  cnpg_ldflags+=" -X github.com/cloudnative-pg/cloudnative-pg/pkg/versions.$var"
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
if [ "$only" = all ] || [ "$only" = helm ]; then
  build_module helm "$HACK_DIR/build/helm" "$HELM_BIN" "$helm_ldflags" helm.sh/helm/v4/cmd/helm
fi
if [ "$only" = all ] || [ "$only" = prometheus ]; then
  build_module prometheus "$HACK_DIR/build/prometheus" "$PROMETHEUS_BIN" "$prom_ldflags" \
    github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool
fi
if [ "$only" = all ] || [ "$only" = mailpit ]; then
  build_module mailpit "$HACK_DIR/build/mailpit" "$MAILPIT_BIN" \
    "-X github.com/axllent/mailpit/config.Version=$MAILPIT_VERSION" github.com/axllent/mailpit
fi
if [ "$only" = all ] || [ "$only" = cnpg ]; then
  build_module cnpg "$HACK_DIR/build/cnpg" "$CNPG_BIN" "$cnpg_ldflags" \
    github.com/cloudnative-pg/cloudnative-pg/cmd/manager
fi
