#!/usr/bin/env bash
# Local persistent volumes for the single-node cluster, which has no storage provisioner: a default
# StorageClass and a pool of hostPath PersistentVolumes under the cluster directory. Released
# volumes (their claim was deleted) are wiped and made Available again, which is what a dynamic
# provisioner's Delete policy gives users on a real cluster.
#   volumes.sh create   make the StorageClass and the pool (cluster-up does this)
#   volumes.sh recycle  wipe and free every Released volume
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
POOL=${PGMO_VOLUMES:-80}

case "${1:-}" in
create)
  {
    cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
    for i in $(seq 1 "$POOL"); do
      dir=$CLUSTER_DIR/volumes/pv-$i
      mkdir -p "$dir"
      # Any pod user may write; the PostgreSQL image keeps its data in a 0700 subdirectory.
      chmod 0777 "$dir"
      cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-pv-$i
  labels: {pgmo.local/volume: "true"}
spec:
  storageClassName: local
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: $dir, type: Directory}
EOF
    done
  } | kubectl apply -f - >/dev/null
  ;;
recycle)
  for pv in $(kubectl get pv -l pgmo.local/volume=true \
      -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
    dir=$(kubectl get pv "$pv" -o jsonpath='{.spec.hostPath.path}')
    # A server whose pod was just deleted may still be removing its own files: try again.
    for _ in 1 2 3 4 5; do
      find "$dir" -mindepth 1 -delete 2>/dev/null && break
      sleep 1
    done
    [ -z "$(ls -A "$dir")" ] || die "could not empty $dir for volume $pv"
    kubectl patch pv "$pv" --type json -p '[{"op": "remove", "path": "/spec/claimRef"}]' >/dev/null
  done
  ;;
*) die "usage: volumes.sh create|recycle" ;;
esac
