#!/usr/bin/env bash
# Stops the local cluster and removes every trace of it from the host: processes, containers,
# mounts, network namespaces, the pod bridge, the node address and iptables rules. Safe to run when
# the cluster is half up, already down, or was killed. Built images stay cached.
set -uo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"

[ "$(id -u)" = 0 ] || die "the local cluster needs root"

stop_pidfile() { # NAME: TERM, then KILL after a grace period, the daemon and its session
  local file=$CLUSTER_DIR/pids/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

if [ -d "$CLUSTER_DIR" ]; then
  log "stopping the cluster"
  for d in kube-proxy kubelet kube-scheduler kube-controller-manager; do stop_pidfile "$d"; done

  # Containers die with their shims; kill them before containerd so no shim outlives it.
  if [ -S "$CONTAINERD_SOCK" ]; then
    ctr_() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }
    for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$c" >/dev/null 2>&1; done
    sleep 1
    for c in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$c" >/dev/null 2>&1; done
    for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$c" >/dev/null 2>&1; done
  fi
  stop_pidfile containerd
  stop_pidfile kube-apiserver
  stop_pidfile etcd
fi

# Anything still running from the cluster's binaries or state (a shim, a crashed daemon's child).
for pattern in "$CLUSTER_DIR" "$KUBE_BIN/" "$ETCD_BIN/" "containerd-shim-runc-v2 -namespace k8s.io"; do
  pkill -KILL -f -- "$pattern" 2>/dev/null
done
sleep 0.5

# Kube-proxy's rules, then the CNI plugins' (bridge masquerading, portmap), found by name.
[ -x "$KUBE_BIN/kube-proxy" ] && "$KUBE_BIN/kube-proxy" --cleanup >/dev/null 2>&1
for table in nat filter mangle; do
  chains=$(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^CNI-/ || $2 ~ /^KUBE-/) {print $2}')
  [ -n "$chains" ] || continue
  # Rules that jump to those chains, from any chain.
  iptables -t "$table" -S | grep -E -- '-j (CNI|KUBE)-' | grep -v '^-N' | while read -r rule; do
    eval "iptables -t $table ${rule/-A/-D}" 2>/dev/null
  done
  for c in $chains; do iptables -t "$table" -F "$c" 2>/dev/null; done
  for c in $chains; do iptables -t "$table" -X "$c" 2>/dev/null; done
done

# Pod network namespaces (made by containerd under /run/netns), the bridge and the node address.
for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ {print $1}'); do ip netns delete "$ns"; done
ip link delete "$BRIDGE" 2>/dev/null
ip addr del "$NODE_IP/32" dev lo 2>/dev/null

# Mounts under the cluster's directories (pod volumes, container rootfs, the kubelet bind mount),
# deepest first.
for root in "$CLUSTER_DIR" "$CONTAINERD_ROOT"; do
  awk -v r="$root" '$5 == r || index($5, r "/") == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
done

# cgroups the kubelet made (cgroupfs driver, v1 hierarchies).
for hierarchy in /sys/fs/cgroup/*/; do
  [ -d "$hierarchy/kubepods" ] || continue
  find "$hierarchy/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
done

rm -rf "$CLUSTER_DIR"
echo "cluster down"
