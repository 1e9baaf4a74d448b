#!/usr/bin/env bash
# Installs CloudNativePG $CNPG_VERSION into the running local cluster; up.sh runs it, also when the
# cluster is already up. It builds the manager (hack/build-binaries.sh cnpg) and the images cnpg and
# cnpg-postgres (hack/images/build.sh), imports them, and server-side applies CloudNativePG's own
# install manifest, releases/cnpg-VERSION.yaml from its module, with the local images: the
# operator's, and the operand image as the default of Clusters that name none (POSTGRES_IMAGE_NAME).
# Then it waits until the operator's Deployment is available and its webhooks answer (a server-side
# dry-run create of a Cluster). When the rendered manifest is the one last applied (its hash is an
# annotation of the cnpg-system namespace) and all of that holds already, it applies nothing.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"

CNPG_TAG=localhost/pgmo/cnpg:$CNPG_VERSION
CNPG_POSTGRES_TAG=localhost/pgmo/cnpg-postgresql:$POSTGRES_MAJOR
NS=cnpg-system
DEPLOYMENT=cnpg-controller-manager
HASH_ANNOTATION=pgmo.local/cnpg-manifest

[ "$(id -u)" = 0 ] || die "installing CloudNativePG needs root (image builds and containerd)"
cluster_running || die "the local cluster is not running: make cluster-up"
start=$SECONDS
# Two cluster-ups at once install one after the other.
exec 8>"$CLUSTER_DIR/.cnpg-install.lock"
flock 8

"$HACK_DIR/build-binaries.sh" cnpg
"$HACK_DIR/images/build.sh" cnpg
"$HACK_DIR/images/build.sh" cnpg-postgres
"$HACK_DIR/images/import.sh" --address "$CONTAINERD_SOCK" cnpg cnpg-postgres

# The manifest comes with the module hack/build-binaries.sh built the manager from.
module_dir=$(cd "$HACK_DIR/build/cnpg" &&
  go mod download github.com/cloudnative-pg/cloudnative-pg &&
  go list -m -f '{{.Dir}}' github.com/cloudnative-pg/cloudnative-pg)
release=$module_dir/releases/cnpg-${CNPG_VERSION#v}.yaml
[ -f "$release" ] || die "$release is missing"

# The operator image's digest goes into the pod template, so a rebuilt image restarts the operator.
digest=$(tar -xOf "$IMAGE_DIR/cnpg.oci.tar" index.json | grep -o '"digest":"sha256:[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$release" "$work/cnpg.yaml"
cat >"$work/kustomization.yaml" <<EOF
resources: [cnpg.yaml]
images:
- {name: ghcr.io/cloudnative-pg/cloudnative-pg, newName: ${CNPG_TAG%:*}, newTag: ${CNPG_TAG##*:}}
patches:
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: $DEPLOYMENT, namespace: $NS}
    spec:
      template:
        metadata:
          annotations: {pgmo.local/image-digest: "$digest"}
        spec:
          containers:
          - name: manager
            imagePullPolicy: IfNotPresent
            env:
            # The bootstrap-controller init container of every instance pod runs this image.
            - {name: OPERATOR_IMAGE_NAME, value: $CNPG_TAG}
            - {name: POSTGRES_IMAGE_NAME, value: $CNPG_POSTGRES_TAG}
EOF
kubectl kustomize "$work" >"$work/rendered.yaml"
hash=$(sha256sum <"$work/rendered.yaml" | cut -c1-16)

webhook_answers() { # a Cluster passes the mutating and validating webhooks (nothing is created)
  kubectl create --dry-run=server -o name -f - <<EOF
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: webhook-check, namespace: default}
spec:
  instances: 1
  storage: {size: 1Gi}
EOF
}
installed() {
  [ "$(kubectl get namespace "$NS" -o jsonpath="{.metadata.annotations.${HASH_ANNOTATION//./\\.}}" 2>/dev/null)" = "$hash" ] &&
    [ "$(kubectl -n "$NS" get deployment "$DEPLOYMENT" -o jsonpath='{.status.availableReplicas}' 2>/dev/null)" = 1 ] &&
    webhook_answers >/dev/null 2>&1
}

if installed; then
  echo "cloudnative-pg $CNPG_VERSION: installed ($((SECONDS - start))s)"
  exit 0
fi
log "installing CloudNativePG $CNPG_VERSION (${release#"$module_dir"/}, local images)"
kubectl apply --server-side --force-conflicts --field-manager=pgmo-cluster -f "$work/rendered.yaml" >/dev/null
kubectl wait --for condition=established --timeout=60s crd/clusters.postgresql.cnpg.io >/dev/null
kubectl -n "$NS" rollout status "deployment/$DEPLOYMENT" --timeout=180s >/dev/null
# The operator makes its webhook certificate at start and patches the CA into the webhook
# configurations; until then the API server cannot call it.
wait_for "the CloudNativePG webhooks" 120 webhook_answers
kubectl annotate --overwrite namespace "$NS" "$HASH_ANNOTATION=$hash" >/dev/null
echo "cloudnative-pg $CNPG_VERSION: installed in $((SECONDS - start))s"
