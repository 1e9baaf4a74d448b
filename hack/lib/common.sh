# Shared settings for the hack/ scripts. Sourced, never run.
# shellcheck shell=bash
HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$HACK_DIR/.." && pwd)
# shellcheck source=../versions.env
source "$HACK_DIR/versions.env"

# Everything built (binaries, images, the cluster's state) lives outside the repository.
CACHE_DIR=${PGMO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pg-migration-operator}
KUBE_BIN=$CACHE_DIR/bin/kubernetes-$K8S_VERSION
ETCD_BIN=$CACHE_DIR/bin/etcd-$ETCD_VERSION
COREDNS_BIN=$CACHE_DIR/bin/coredns-$COREDNS_VERSION
HELM_BIN=$CACHE_DIR/bin/helm-$HELM_VERSION
PROMETHEUS_BIN=$CACHE_DIR/bin/prometheus-$PROMETHEUS_VERSION
MAILPIT_BIN=$CACHE_DIR/bin/mailpit-$MAILPIT_VERSION
CNPG_BIN=$CACHE_DIR/bin/cnpg-$CNPG_VERSION
IMAGE_DIR=$CACHE_DIR/images
# The running cluster: certificates, kubeconfigs, etcd data, logs. Removed by cluster-down.
CLUSTER_DIR=${PGMO_CLUSTER_DIR:-$CACHE_DIR/cluster}
KUBECONFIG_ADMIN=$CLUSTER_DIR/admin.kubeconfig

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
