#!/usr/bin/env bash
# Installs the Debian packages the local cluster, the image builds and the tests need. Idempotent:
# asks apt only for what is missing, so a warm machine pays nothing.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

packages=(
  containerd runc containernetworking-plugins # the container runtime and pod network
  buildah debootstrap catatonit               # images without Docker
  iptables conntrack iproute2 util-linux      # kube-proxy, network and namespace tools
  openssl ca-certificates curl                # certificates and downloads of the Maven wrapper
  "postgresql-$POSTGRES_MAJOR" postgresql-contrib "postgresql-client-$POSTGRES_MAJOR" # *IT servers
  tmux jq make git python3-yaml               # terminal tests, scripts
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "installing ${missing[*]} needs root"
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts the packaged PostgreSQL cluster where it can; the tests start their own servers.
command -v go >/dev/null || die "Go is needed to build the cluster's binaries (go.dev/dl)"
command -v java >/dev/null || die "a Java 17 JDK is needed (apt-get install openjdk-17-jdk-headless)"
echo "dependencies: ok"
