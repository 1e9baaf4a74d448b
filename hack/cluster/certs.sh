#!/usr/bin/env bash
# Generates the cluster's CA, serving and client certificates, the service-account key pair and a
# kubeconfig per component, as kubeadm would lay them out. A new CA is made for every cluster-up.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
pki=$CLUSTER_DIR/pki
mkdir -p "$pki"
cd "$pki"

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=pgmo-local-ca" \
  -keyout ca.key -out ca.crt 2>/dev/null

# sign NAME SUBJECT EXTENSIONS
sign() {
  local name=$1 subject=$2 ext=$3
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$name.key" -out "$name.csr" 2>/dev/null
  printf '%s\n' "$ext" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
client='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth'
server_ext() {
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$1"
}

sign apiserver "/CN=kube-apiserver" "$(server_ext "IP:$NODE_IP,IP:127.0.0.1,IP:${SERVICE_CIDR%.0/16}.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")"
sign kubelet "/CN=$NODE_NAME" "$(server_ext "IP:$NODE_IP,DNS:$NODE_NAME")"
sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
sign admin "/O=system:masters/CN=kubernetes-admin" "$client"
sign controller-manager "/CN=system:kube-controller-manager" "$client"
sign scheduler "/CN=system:kube-scheduler" "$client"
sign kubelet-client "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
sign kube-proxy "/CN=system:kube-proxy" "$client"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 600 ./*.key

# kubeconfig NAME CERT
kubeconfig() {
  cat > "$CLUSTER_DIR/$1.kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority-data: $(base64 -w0 ca.crt)
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$2.crt")
    client-key-data: $(base64 -w0 "$2.key")
contexts:
- name: pgmo-local
  context: {cluster: local, user: $1}
current-context: pgmo-local
YAML
  chmod 600 "$CLUSTER_DIR/$1.kubeconfig"
}
kubeconfig admin admin
kubeconfig controller-manager controller-manager
kubeconfig scheduler scheduler
kubeconfig kubelet kubelet-client
kubeconfig kube-proxy kube-proxy
