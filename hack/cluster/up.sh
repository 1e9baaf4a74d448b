#!/usr/bin/env bash
# Starts a single-node Kubernetes cluster on this machine from binaries built by
# hack/build-binaries.sh: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd,
# kubelet, kube-proxy and CoreDNS; then installs CloudNativePG (cnpg.sh, also when the cluster is
# already running). Modelled on Kubernetes' own hack/local-up-cluster.sh.
#
# Network layout (all of it host-only; nothing listens on an external interface):
#   node IP      100.127.0.1/32, an extra address on the loopback interface
#   pods         100.96.0.0/24 on the bridge pgmo0 (CNI bridge + host-local)
#   services     100.64.0.0/16; kubernetes = 100.64.0.1, kube-dns = 100.64.0.10
#   volumes      a default StorageClass "local" with a pool of hostPath volumes (volumes.sh)
# The 100.64.0.0/10 shared range (as kops uses) keeps clear of the networks a host is usually on.
#
# Safety: the kubelet runs with protectKernelDefaults, so it never writes a host sysctl, inside a
# mount namespace of its own in which the three tunables it insists on read as the values it
# expects. The host keeps kernel.panic_on_oops=0, so a kernel oops during a test can never turn
# into a reboot of this machine.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"

[ "$(id -u)" = 0 ] || die "the local cluster needs root (containers, mounts, iptables)"
if cluster_running; then
  echo "cluster already running (kubeconfig: $KUBECONFIG_ADMIN)"
  "$HACK_DIR/cluster/cnpg.sh"
  exit 0
fi
start_time=$SECONDS

"$HACK_DIR/install-deps.sh" >/dev/null
"$HACK_DIR/build-binaries.sh"
for image in pause coredns mailpit postgres "postgres$POSTGRES_SKEW_MAJOR"; do "$HACK_DIR/images/build.sh" "$image"; done
# Left over from an interrupted run: clean it before starting afresh.
[ -d "$CLUSTER_DIR" ] && "$HACK_DIR/cluster/down.sh" >/dev/null

mkdir -p "$CLUSTER_DIR"/{pki,logs,pids,etcd,kubelet,cni/net.d,cni/ipam,containerd,sysctl}
chmod 700 "$CLUSTER_DIR"

log "generating certificates and kubeconfigs"
"$HACK_DIR/cluster/certs.sh"

log "configuring the host-only network"
ip addr add "$NODE_IP/32" dev lo 2>/dev/null || true
# Pod volumes are mounted by the kubelet in its own mount namespace; a shared bind mount of its
# root directory carries them back to the host, where containerd starts containers.
mount --bind "$CLUSTER_DIR/kubelet" "$CLUSTER_DIR/kubelet"
mount --make-shared "$CLUSTER_DIR/kubelet"

log "starting etcd"
start_daemon etcd "$ETCD_BIN/etcd" \
  --name=local --data-dir="$CLUSTER_DIR/etcd" \
  --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
  --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
  --initial-cluster=local=http://127.0.0.1:2380 --log-level=warn \
  --quota-backend-bytes=2147483648
wait_for "etcd" 60 curl -sf http://127.0.0.1:2379/health

log "starting kube-apiserver"
pki=$CLUSTER_DIR/pki
start_daemon kube-apiserver "$KUBE_BIN/kube-apiserver" \
  --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 \
  --etcd-servers=http://127.0.0.1:2379 \
  --service-cluster-ip-range="$SERVICE_CIDR" \
  --client-ca-file="$pki/ca.crt" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true --profiling=false --v=1
wait_for "kube-apiserver" 120 kubectl get --raw=/readyz

log "starting kube-controller-manager and kube-scheduler"
start_daemon kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
  --kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --use-service-account-credentials=true \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --v=1
start_daemon kube-scheduler "$KUBE_BIN/kube-scheduler" \
  --kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
  --authentication-kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig="$CLUSTER_DIR/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --leader-elect=false --v=1

log "starting containerd"
write_containerd_config > "$CLUSTER_DIR/containerd/config.toml"
start_daemon containerd containerd --config "$CLUSTER_DIR/containerd/config.toml"
wait_for "containerd" 60 ctr --address "$CONTAINERD_SOCK" version
CONTAINERD_ADDRESS=$CONTAINERD_SOCK "$HACK_DIR/images/import.sh"

log "starting kubelet"
write_cni_config > "$CLUSTER_DIR/cni/net.d/10-pgmo.conflist"
write_kubelet_config > "$CLUSTER_DIR/kubelet-config.yaml"
# The values kubelet requires (pkg/kubelet/cm: setupKernelTunables); it only reads them.
printf '1\n' > "$CLUSTER_DIR/sysctl/overcommit_memory"
printf '10\n' > "$CLUSTER_DIR/sysctl/panic"
printf '1\n' > "$CLUSTER_DIR/sysctl/panic_on_oops"
start_daemon kubelet unshare --mount --propagation unchanged -- bash -c '
  set -e
  mount --bind "$1/sysctl/overcommit_memory" /proc/sys/vm/overcommit_memory
  mount --bind "$1/sysctl/panic" /proc/sys/kernel/panic
  mount --bind "$1/sysctl/panic_on_oops" /proc/sys/kernel/panic_on_oops
  shift; exec "$@"' kubelet-ns "$CLUSTER_DIR" \
  "$KUBE_BIN/kubelet" --config="$CLUSTER_DIR/kubelet-config.yaml" \
  --kubeconfig="$CLUSTER_DIR/kubelet.kubeconfig" --root-dir="$CLUSTER_DIR/kubelet" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --v=1
wait_for "node $NODE_NAME Ready" 120 node_ready

log "starting kube-proxy"
write_kube_proxy_config > "$CLUSTER_DIR/kube-proxy-config.yaml"
start_daemon kube-proxy "$KUBE_BIN/kube-proxy" --config="$CLUSTER_DIR/kube-proxy-config.yaml" --v=1

log "deploying CoreDNS"
sed -e "s#@IMAGE@#localhost/pgmo/coredns:$COREDNS_VERSION#" -e "s#@DNS_IP@#$DNS_IP#" \
  "$HACK_DIR/cluster/coredns.yaml" | kubectl apply -f - >/dev/null
"$HACK_DIR/cluster/volumes.sh" create
wait_for "default service account" 60 kubectl -n default get serviceaccount default
kubectl -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null
"$HACK_DIR/cluster/cnpg.sh"

echo "cluster up in $((SECONDS - start_time))s; use it with:"
echo "  export KUBECONFIG=$KUBECONFIG_ADMIN"
