#!/usr/bin/env bash
# Lays out kube-apiserver, etcd and kubectl the way fabric8 kube-api-test expects to find them
# ($dir/k8s/<version>-linux-amd64/), so the fast test tier runs offline on the binaries built here.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
dir=$CACHE_DIR/kube-api-test/k8s/${K8S_VERSION#v}-linux-amd64
mkdir -p "$dir"
ln -sf "$KUBE_BIN/kube-apiserver" "$dir/kube-apiserver"
ln -sf "$KUBE_BIN/kubectl" "$dir/kubectl"
ln -sf "$ETCD_BIN/etcd" "$dir/etcd"
