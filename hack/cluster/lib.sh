# Settings and helpers of the local cluster's up and down scripts. Sourced after lib/common.sh.
# shellcheck shell=bash
NODE_NAME=local-node
NODE_IP=100.127.0.1
POD_CIDR=100.96.0.0/24
SERVICE_CIDR=100.64.0.0/16
DNS_IP=100.64.0.10
BRIDGE=pgmo0
CONTAINERD_SOCK=$CLUSTER_DIR/containerd/containerd.sock
# containerd keeps its images outside CLUSTER_DIR, so a cluster-down does not throw them away.
CONTAINERD_ROOT=$CACHE_DIR/containerd
export KUBECONFIG=$KUBECONFIG_ADMIN
export PATH=$KUBE_BIN:$PATH

# start_daemon NAME COMMAND... runs COMMAND in its own session, logging to logs/NAME.log.
start_daemon() {
  local name=$1; shift
  setsid "$@" >"$CLUSTER_DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/pids/$name.pid"
}

# wait_for WHAT SECONDS COMMAND... retries COMMAND until it succeeds or the time is up.
wait_for() {
  local what=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "timed out after ${timeout}s waiting for $what; last logs:" >&2
      tail -n 20 "$CLUSTER_DIR"/logs/*.log >&2 || true
      exit 1
    fi
    sleep 1
  done
}

cluster_running() {
  [ -f "$CLUSTER_DIR/pids/kube-apiserver.pid" ] \
    && kill -0 "$(cat "$CLUSTER_DIR/pids/kube-apiserver.pid")" 2>/dev/null \
    && kubectl get --raw=/readyz >/dev/null 2>&1
}

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

write_containerd_config() {
  cat <<EOF
version = 2
root = "$CONTAINERD_ROOT"
state = "$CLUSTER_DIR/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pgmo/pause:$PAUSE_VERSION"
  enable_selinux = false
  # Lowering oom_score_adj needs CAP_SYS_RESOURCE, which some hosts (containers, sandboxes) do
  # not grant even to root; the kubelet asks for -998 for every pod sandbox. Clamp to containerd's
  # own score instead of failing every pod.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_DIR/cni/net.d"
EOF
}

write_cni_config() {
  cat <<EOF
{
  "cniVersion": "1.0.0",
  "name": "pgmo",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$CLUSTER_DIR/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

write_kubelet_config() {
  cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $CLUSTER_DIR/pki/kubelet.crt
tlsPrivateKeyFile: $CLUSTER_DIR/pki/kubelet.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# cgroup v1 is what this machine has; from 1.35 the kubelet refuses it unless told otherwise.
failCgroupV1: false
# Never write host sysctls; see up.sh.
protectKernelDefaults: true
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
failSwapOn: false
# The kubelet's own score; it cannot go below 0 without CAP_SYS_RESOURCE (see containerd config).
oomScoreAdj: 0
# Images here cannot be pulled again, so the kubelet must never garbage-collect them, and a
# developer machine's disk being fuller than a server's must not evict pods.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 200Mi, nodefs.available: 1%, imagefs.available: 1%}
serializeImagePulls: false
EOF
}

write_kube_proxy_config() {
  cat <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $CLUSTER_DIR/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $POD_CIDR
mode: iptables
# Leave the host's conntrack and route_localnet settings as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false}
EOF
}
