#!/usr/bin/env bash
# Imports the archives made by hack/images/build.sh into containerd's k8s.io namespace, where the
# kubelet finds them. An image already there with the same manifest digest is skipped.
#
#   hack/images/import.sh [--address SOCKET] [NAME...]      (default: every $IMAGE_DIR/*.oci.tar)
#
# The socket may also come from CONTAINERD_ADDRESS; ctr itself reads CONTAINERD_SNAPSHOTTER
# for the snapshotter the images are unpacked into.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=common.sh
source "$(dirname "$0")/../lib/common.sh"

address=${CONTAINERD_ADDRESS:-}
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --address) [ $# -ge 2 ] || die "--address needs a socket path"; address=$2; shift 2 ;;
    --address=*) address=${1#--address=}; shift ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done

ctr_cmd=(ctr)
if [ -n "$address" ]; then
  ctr_cmd+=(--address "$address")
fi
ctr_cmd+=(-n k8s.io)

archives=()
if [ ${#names[@]} -eq 0 ]; then
  for f in "$IMAGE_DIR"/*.oci.tar; do
    if [ -f "$f" ]; then archives+=("$f"); fi
  done
  [ ${#archives[@]} -gt 0 ] || die "no image archives in $IMAGE_DIR: run hack/images/build.sh first"
else
  for n in "${names[@]}"; do
    [ -f "$IMAGE_DIR/$n.oci.tar" ] || die "$IMAGE_DIR/$n.oci.tar does not exist"
    archives+=("$IMAGE_DIR/$n.oci.tar")
  done
fi

# unpacked_digest REF: the manifest digest of REF if containerd has it unpacked, else nothing.
unpacked_digest() {
  "${ctr_cmd[@]}" images check "name==$1" | awk 'NR > 1 && $NF == "true" { print $3 }'
}

for archive in "${archives[@]}"; do
  # buildah writes index.json on one line: one manifest, named by its ref.name annotation.
  index=$(tar -xOf "$archive" index.json)
  ref=$(grep -o '"org.opencontainers.image.ref.name":"[^"]*"' <<<"$index" | head -n 1 | cut -d'"' -f4)
  digest=$(grep -o '"digest":"sha256:[0-9a-f]*"' <<<"$index" | head -n 1 | cut -d'"' -f4)
  if [ -z "$ref" ] || [ -z "$digest" ]; then
    die "$archive: no image name or digest in its index.json"
  fi
  # Present only if the same manifest is there and unpacked: the kubelet cannot start a container
  # from an image whose layers were never unpacked into the snapshotter.
  if [ "$(unpacked_digest "$ref")" = "$digest" ]; then
    echo "$ref: already imported (${digest:7:12})"
    continue
  fi
  start=$SECONDS
  if ! "${ctr_cmd[@]}" images import --all-platforms "$archive" >/dev/null \
      || [ "$(unpacked_digest "$ref")" != "$digest" ]; then
    # containerd 1.6 can lose a shared parent layer's snapshot while the tag is replaced
    # ("parent snapshot ... does not exist"); importing into a clean record works.
    echo "$ref: import did not unpack; importing again" >&2
    "${ctr_cmd[@]}" images rm "$ref" >/dev/null 2>&1 || true
    "${ctr_cmd[@]}" images import --all-platforms "$archive" >/dev/null
    [ "$(unpacked_digest "$ref")" = "$digest" ] || die "$ref: containerd did not unpack $archive"
  fi
  echo "$ref: imported ${digest:7:12} in $((SECONDS - start))s"
done
