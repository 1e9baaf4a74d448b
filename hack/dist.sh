#!/usr/bin/env bash
# The release artifacts, in dist/: the kubectl plugin's tarball (the script, its jar and the
# kubectl_complete-pg_migrate completion helper) with its sha256; the krew manifest filled from
# it; the install YAML rendered from deploy/ (cluster-wide and namespaced); the packaged Helm
# chart; the OLM bundle generated from the install YAML (hack/olm/bundle.py). Then checks what it
# wrote: the checksum, the manifest's archive and sha256, the YAML and chart parse, and the bundle
# passes the operator framework's validators (hack/olm, github.com/operator-framework/api). Run after `make build`. RELEASE_OWNER (default pg-migration-operator) is the GitHub owner
# the krew manifest downloads the release from.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
owner=${RELEASE_OWNER:-pg-migration-operator}
version=$(sed -n 's/^appVersion: //p' charts/pg-migration-operator/Chart.yaml)
dist=dist
rm -rf "$dist" && mkdir -p "$dist"

tarball=kubectl-pg_migrate.tar.gz
cp target/kubectl-pg_migrate.tar.gz "$dist/$tarball"
(cd "$dist" && sha256sum "$tarball" >"$tarball.sha256")
sha=$(cut -d' ' -f1 "$dist/$tarball.sha256")
url="https://github.com/$owner/pg-migration-operator/releases/download/$version/$tarball"
# deploy/krew/pg-migrate.yaml is the krew-release-bot template: fill in what the bot would.
sed -e "s|{{addURIAndSha \"[^\"]*\" .TagName }}|uri: $url\n    sha256: $sha|" \
    -e "s|{{ .TagName }}|$version|g" -e "s|OWNER|$owner|g" \
    deploy/krew/pg-migrate.yaml >"$dist/pg-migrate.yaml"

"$KUBE_BIN/kubectl" kustomize deploy >"$dist/install.yaml"
"$KUBE_BIN/kubectl" kustomize deploy/namespaced >"$dist/install-namespaced.yaml"
"$HELM_BIN/helm" package charts/pg-migration-operator --destination "$dist" >/dev/null
hack/olm/bundle.py "$dist/install.yaml" examples/quickstart/migration.yaml "$version" "$dist/bundle"

log "checking $dist/"
(cd "$dist" && sha256sum -c "$tarball.sha256" >/dev/null)
tar -tzf "$dist/$tarball" | sort | tr '\n' ' ' | grep -q "kubectl-pg_migrate kubectl-pg_migrate.jar kubectl_complete-pg_migrate" \
  || die "$tarball lacks the plugin, its jar or its completion helper"
python3 - "$dist" "$sha" "$url" "$version" <<'PY'
import sys, yaml
dist, sha, url, version = sys.argv[1:]
plugin = yaml.safe_load(open(f"{dist}/pg-migrate.yaml"))
platform = plugin["spec"]["platforms"][0]
assert plugin["spec"]["version"] == version, plugin["spec"]["version"]
assert platform["sha256"] == sha and platform["uri"] == url, platform
assert platform["bin"] == "kubectl-pg_migrate", platform
for name in ("install.yaml", "install-namespaced.yaml"):
    kinds = [d["kind"] for d in yaml.safe_load_all(open(f"{dist}/{name}")) if d]
    assert "CustomResourceDefinition" in kinds and "Deployment" in kinds, (name, kinds)
PY
"$HELM_BIN/helm" lint "$dist"/pg-migration-operator-*.tgz >/dev/null
(cd hack/olm && go run . "$REPO_DIR/$dist/bundle")
ls -l "$dist"
