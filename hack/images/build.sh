#!/usr/bin/env bash
# Builds the container images of the local cluster as OCI archives in $IMAGE_DIR (see
# hack/lib/common.sh), without a registry or a container engine: buildah (vfs storage) assembles
# them from scratch, from local binaries or from a debootstrapped Debian root filesystem.
# hack/images/import.sh then loads the archives into containerd.
#
#   hack/images/build.sh [pause|postgres|postgres17|coredns|mailpit|cnpg|cnpg-postgres|operator|all]
#                                                                                    (default: all)
#
#   localhost/pgmo/pause:$PAUSE_VERSION       Debian's static catatonit as /pause
#   localhost/pgmo/postgres:$POSTGRES_MAJOR   Debian bookworm PostgreSQL with the official image's contract
#   localhost/pgmo/postgres:$POSTGRES_SKEW_MAJOR
#                                             the same recipe from Debian $POSTGRES_SKEW_SUITE, for version-skew
#                                             tests; named postgres$POSTGRES_SKEW_MAJOR (postgres17.oci.tar)
#   localhost/pgmo/coredns:$COREDNS_VERSION   the binary from hack/build-binaries.sh coredns, uid 65532
#   localhost/pgmo/mailpit:$MAILPIT_VERSION   the binary from hack/build-binaries.sh mailpit, uid 65532: the
#                                             local cluster's SMTP server for the notification tests
#   localhost/pgmo/cnpg:$CNPG_VERSION         CloudNativePG's manager from hack/build-binaries.sh cnpg as
#                                             /operator/manager_GOARCH and /manager, uid 10001 as its
#                                             Deployment runs it: the operator and (copied into each
#                                             instance pod by its bootstrap-controller) the instance manager
#   localhost/pgmo/cnpg-postgresql:$POSTGRES_MAJOR
#                                             CloudNativePG's operand: the postgres image above with the
#                                             postgres user moved to uid 26 and no entrypoint; named
#                                             cnpg-postgres (cnpg-postgres.oci.tar), built after postgres
#   localhost/pgmo/operator:dev               Java 17, PostgreSQL's client tools and the Quarkus app
#                                             in $OPERATOR_APP_DIR (default operator/target/quarkus-app; `all`
#                                             skips it when missing); the copy Jobs run it too
#
# An image is rebuilt only when the hash of its inputs (the recipe below, the files it copies,
# the versions) differs from the one stored next to its archive. The Debian root filesystems are
# cached as tarballs in $CACHE_DIR/rootfs, keyed by their package lists; REFRESH_ROOTFS=1
# debootstraps them again (for new security updates). Needs root, buildah, debootstrap, catatonit.
#
# Times measured on 2 cores (cold: empty caches, so including debootstrap and the downloads;
# warm: nothing changed, each image only hashes its inputs; `all` warm takes half a second):
#   pause      cold  2s   warm 0s
#   postgres   cold 78s   warm 0s   (60s of it debootstrap; 150s while a Kubernetes compile
#                                    shared the CPUs; with the root filesystem cached: 11-19s)
#   postgres17 cold 46s   warm 0s   (37s of it debootstrap of trixie; with the root filesystem cached: 17s)
#   coredns    cold  3s   warm 0s   (after hack/build-binaries.sh coredns, itself ~3 minutes)
#   cnpg       cold  3s   warm 0s   (after hack/build-binaries.sh cnpg, itself 71s cold)
#   cnpg-postgres cold 7s warm 0s   (on top of the postgres image, which `cnpg-postgres` builds first
#                                    if needed: a layer of under 1 kB; the archive is 72 MB)
#   operator   cold 99s   warm 0s   (67s of it debootstrap; with the root filesystem cached: 42s;
#                                    a new app with the Java base layer cached: 12-18s)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../lib source=common.sh
source "$(dirname "$0")/../lib/common.sh"

IMAGES_SRC=$HACK_DIR/images
ROOTFS_DIR=$CACHE_DIR/rootfs
OPERATOR_APP_DIR=${OPERATOR_APP_DIR:-$REPO_DIR/operator/target/quarkus-app}
DEBIAN_SUITE=bookworm # every image's but the version-skew postgres, whose is $POSTGRES_SKEW_SUITE
BUILDAH=(buildah --storage-driver vfs)

PAUSE_TAG=localhost/pgmo/pause:$PAUSE_VERSION
POSTGRES_TAG=localhost/pgmo/postgres:$POSTGRES_MAJOR
POSTGRES_SKEW_TAG=localhost/pgmo/postgres:$POSTGRES_SKEW_MAJOR
POSTGRES_SKEW_IMAGE=postgres$POSTGRES_SKEW_MAJOR # its name on the command line and its archive's
COREDNS_TAG=localhost/pgmo/coredns:$COREDNS_VERSION
MAILPIT_TAG=localhost/pgmo/mailpit:$MAILPIT_VERSION
CNPG_TAG=localhost/pgmo/cnpg:$CNPG_VERSION
# CloudNativePG reads the PostgreSQL major version from the tag, which must start with it.
CNPG_POSTGRES_TAG=localhost/pgmo/cnpg-postgresql:$POSTGRES_MAJOR
OPERATOR_TAG=localhost/pgmo/operator:dev

# With postgresql-MAJOR: locales: en_US.UTF-8 for initdb, as in the official image; libnss-wrapper:
# initdb under a uid without a passwd entry; xz-utils, zstd: compressed init scripts.
POSTGRES_PACKAGES=(locales libnss-wrapper xz-utils zstd)
# postgresql-client: pg_dump and psql for the copy Jobs, which run the operator's image.
OPERATOR_PACKAGES=(openjdk-17-jre-headless "postgresql-client-$POSTGRES_MAJOR")
OPERATOR_UID=185
# Read by the java launcher itself, so they apply with the exec-form entrypoint; setting the
# variable in a pod replaces them.
OPERATOR_JAVA_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

# ---------------------------------------------------------------------------------------------
# Cleanup of whatever a failed build leaves behind.
CONTAINERS=() IMAGES=() MOUNTS=() TMP_DIRS=()
cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" 2>/dev/null || true; done
  for i in "${CONTAINERS[@]}"; do "${BUILDAH[@]}" rm "$i" >/dev/null 2>&1 || true; done
  for i in "${IMAGES[@]}"; do "${BUILDAH[@]}" rmi "$i" >/dev/null 2>&1 || true; done
  for i in "${TMP_DIRS[@]}"; do remove_root "$i"; done
}
remove_root() { # DIR: deletes a directory debootstrap worked in, unmounting what it left there
  local m
  awk -v dir="$1/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount "$m" || umount -l "$m"; done
  rm -rf --one-file-system "$1"
}
trap cleanup EXIT
forget() { # ARRAY VALUE: drops VALUE from the cleanup list ARRAY
  local -n list=$1
  local kept=() i
  for i in "${list[@]}"; do [ "$i" = "$2" ] || kept+=("$i"); done
  list=(${kept[@]+"${kept[@]}"})
}

# debian_uri SUITE: the archive the host's apt uses for SUITE.
debian_uri() {
  local suite=$1 uri=
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      { uris = ""; found = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uris = u[2] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) found = 1 }
        }
        if (found && uris != "") { print uris; exit } }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk -v suite="$suite" '{ sub(/\[[^]]*\]/, "") } $1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list)
  fi
  printf '%s\n' "${uri:-$2}"
}
# debian_mirrors SUITE: sets DEBIAN_SUITE, DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR, which the root
# filesystem functions below read, for SUITE; a function that declared them local sets its own.
# DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR given in the environment apply to every suite.
MIRROR_OVERRIDE=${DEBIAN_MIRROR:-} SECURITY_MIRROR_OVERRIDE=${DEBIAN_SECURITY_MIRROR:-}
debian_mirrors() {
  DEBIAN_SUITE=$1
  DEBIAN_MIRROR=${MIRROR_OVERRIDE:-$(debian_uri "$1" http://deb.debian.org/debian)}
  DEBIAN_SECURITY_MIRROR=${SECURITY_MIRROR_OVERRIDE:-$(debian_uri "$1-security" http://deb.debian.org/debian-security)}
}
debian_mirrors "$DEBIAN_SUITE"

# ---------------------------------------------------------------------------------------------
# Debian root filesystems: debootstrap minbase plus PACKAGES and the current updates and
# security fixes, cached as a tarball named after a hash of what went into it.
rootfs_key() { # PACKAGES...
  { echo "$DEBIAN_SUITE $DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR"; printf '%s\n' "$@"; declare -f make_rootfs; } |
    sha256sum | cut -c1-16
}

debian_rootfs() { # NAME PACKAGES... -> ROOTFS_TARBALL
  local name=$1; shift
  ROOTFS_TARBALL=$ROOTFS_DIR/$name-$DEBIAN_SUITE-$(rootfs_key "$@").tar
  if [ -f "$ROOTFS_TARBALL" ] && [ -z "${REFRESH_ROOTFS:-}" ]; then
    echo "$name: reusing root filesystem ${ROOTFS_TARBALL##*/}"
    return
  fi
  make_rootfs "$ROOTFS_TARBALL" "$@"
  # Older root filesystems (and their logs) of the same name are of no further use.
  local current=${ROOTFS_TARBALL##*/}
  find "$ROOTFS_DIR" -maxdepth 1 -name "$name-$DEBIAN_SUITE-*" ! -name "${current%.tar}.*" -delete
}

make_rootfs() { # TARBALL PACKAGES...
  local tarball=$1; shift
  local start=$SECONDS work root include
  include=$(IFS=,; echo "$*")
  mkdir -p "$ROOTFS_DIR"
  work=$(mktemp -d "$ROOTFS_DIR/.debootstrap.XXXXXX")
  TMP_DIRS+=("$work")
  root=$work/root
  log "debootstrap $DEBIAN_SUITE from $DEBIAN_MIRROR with $include (log in ${tarball%.tar}.log)"
  if ! debootstrap --variant=minbase --include="$include" "$DEBIAN_SUITE" "$root" "$DEBIAN_MIRROR" \
    >"${tarball%.tar}.log" 2>&1; then
    tail -n 20 "${tarball%.tar}.log" >&2
    die "debootstrap failed"
  fi
  # Point releases lag behind: apply $DEBIAN_SUITE-updates and -security, same mirrors as the host.
  : >"$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" # start no services
  chmod 755 "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  MOUNTS+=("$root/proc")
  if ! chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update && apt-get -y -o Dpkg::Options::=--force-confold upgrade && apt-get clean' \
    >>"${tarball%.tar}.log" 2>&1; then
    tail -n 20 "${tarball%.tar}.log" >&2
    die "upgrading the root filesystem failed"
  fi
  umount "$root/proc"
  unset 'MOUNTS[-1]'
  rm -f "$root/usr/sbin/policy-rc.d"
  # debootstrap copies these from the host; the container runtime provides its own.
  rm -f "$root/etc/hostname" "$root/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/log/bootstrap.log"
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  remove_root "$work"
  echo "root filesystem ${tarball##*/}: $(du -h "$tarball" | cut -f1), made in $((SECONDS - start))s"
}

# ---------------------------------------------------------------------------------------------
# Helpers shared by the image recipes.

new_container() { # -> CTR, MNT: an empty working container and its root directory
  CTR=$("${BUILDAH[@]}" from --quiet scratch)
  CONTAINERS+=("$CTR")
  MNT=$("${BUILDAH[@]}" mount "$CTR")
}

in_root() { # COMMAND...: run in the working container's root, as root, without its config
  chroot "$MNT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"
}

unpack_rootfs() { # TARBALL: into the working container
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$MNT" -xpf "$1"
}

# Trims a Debian root the way the slim Debian images do: no documentation but the copyright
# files, no man pages, no translations; later package installs follow the same rules.
slim_debian() {
  cat >"$MNT/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
  find "$MNT/usr/share/doc" ! -type d ! -name copyright -delete
  find "$MNT/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$MNT/usr/share/man" "$MNT/usr/share/info" "$MNT/usr/share/lintian" ! -type d -delete 2>/dev/null || true
  find "$MNT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$MNT/var/lib/apt/lists/"* "$MNT/var/cache/apt/"* "$MNT/var/cache/debconf/"*-old
  find "$MNT/var/log" -type f -delete
  # The runtime mounts /dev, /proc, /sys; debootstrap's device nodes are not needed.
  find "$MNT/dev" -mindepth 1 -delete
}

# finish_image TAG ARCHIVE: commits the working container (file times and the creation date
# fixed, so unchanged inputs give an unchanged digest) and writes it as an OCI archive named TAG.
# The image stays unnamed in buildah's storage, out of the way of anyone using TAG there.
finish_image() {
  local tag=$1 out=$2 id
  "${BUILDAH[@]}" config --os linux --arch "$(dpkg --print-architecture)" \
    --label org.opencontainers.image.title="${tag%:*}" --label org.opencontainers.image.version="${tag##*:}" "$CTR"
  id=$("${BUILDAH[@]}" commit --quiet --rm --timestamp 0 "$CTR")
  forget CONTAINERS "$CTR"
  IMAGES+=("$id")
  rm -f "$out"
  "${BUILDAH[@]}" push --quiet "$id" "oci-archive:$out:$tag"
  "${BUILDAH[@]}" rmi "$id" >/dev/null
  forget IMAGES "$id"
}

# ---------------------------------------------------------------------------------------------
# pause: catatonit in pause mode. Debian builds it statically; checked here, not assumed.
inputs_pause() {
  sha256sum /usr/bin/catatonit
  dpkg-query -W catatonit
}
build_pause() {
  # ldd fails on a static binary ("not a dynamic executable").
  if ldd /usr/bin/catatonit >/dev/null 2>&1; then
    die "/usr/bin/catatonit is dynamically linked; the pause image would need its libraries"
  fi
  new_container
  install -m 0755 /usr/bin/catatonit "$MNT/pause"
  # Same user as the upstream pause image.
  "${BUILDAH[@]}" config --entrypoint '["/pause","-P"]' --cmd '' --user 65535:65535 "$CTR"
  finish_image "$PAUSE_TAG" "$1"
}

# ---------------------------------------------------------------------------------------------
# coredns: the static binary, allowed to bind port 53 as uid 65532 (as upstream's image).
inputs_coredns() {
  [ -x "$COREDNS_BIN/coredns" ] || die "$COREDNS_BIN/coredns is missing: run hack/build-binaries.sh coredns"
  sha256sum <"$COREDNS_BIN/coredns"
}
build_coredns() {
  command -v setcap >/dev/null || die "setcap is missing (Debian package libcap2-bin)"
  new_container
  install -m 0755 "$COREDNS_BIN/coredns" "$MNT/coredns"
  setcap cap_net_bind_service=+ep "$MNT/coredns"
  mkdir -p "$MNT/etc" "$MNT/home/nonroot" "$MNT/tmp"
  chmod 1777 "$MNT/tmp"
  chown 65532:65532 "$MNT/home/nonroot"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$MNT/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$MNT/etc/group"
  "${BUILDAH[@]}" config --entrypoint '["/coredns"]' --cmd '' --user 65532:65532 \
    --port 53/udp --port 53/tcp "$CTR"
  finish_image "$COREDNS_TAG" "$1"
}

# ---------------------------------------------------------------------------------------------
# mailpit: the static binary as uid 65532, SMTP on 1025 and its HTTP API on 8025, keeping what it
# receives in /tmp (the pod gives it an emptyDir).
inputs_mailpit() {
  [ -x "$MAILPIT_BIN/mailpit" ] || die "$MAILPIT_BIN/mailpit is missing: run hack/build-binaries.sh mailpit"
  sha256sum <"$MAILPIT_BIN/mailpit"
}
build_mailpit() {
  new_container
  install -m 0755 "$MAILPIT_BIN/mailpit" "$MNT/mailpit"
  mkdir -p "$MNT/etc" "$MNT/tmp"
  chmod 1777 "$MNT/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' >"$MNT/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$MNT/etc/group"
  "${BUILDAH[@]}" config --entrypoint '["/mailpit"]' \
    --cmd '["--smtp","0.0.0.0:1025","--listen","0.0.0.0:8025","--database","/tmp/mailpit.db","--disable-version-check","--smtp-auth-accept-any","--smtp-auth-allow-insecure"]' \
    --user 65532:65532 --port 1025/tcp --port 8025/tcp "$CTR"
  finish_image "$MAILPIT_TAG" "$1"
}

# ---------------------------------------------------------------------------------------------
# postgres: Debian's PostgreSQL laid out like the official image (see postgres/docker-entrypoint.sh).
# One recipe, postgres_image SUITE MAJOR, for $POSTGRES_MAJOR from bookworm and, for version-skew
# tests, $POSTGRES_SKEW_MAJOR from $POSTGRES_SKEW_SUITE (Debian has one major per suite, so the root
# filesystems' names, postgres-SUITE-KEY, stay apart).
postgres_inputs() { # SUITE MAJOR
  local DEBIAN_SUITE DEBIAN_MIRROR DEBIAN_SECURITY_MIRROR
  debian_mirrors "$1"
  rootfs_key "postgresql-$2" "${POSTGRES_PACKAGES[@]}"
  # Content only: the checkout's location must not make a new image.
  sha256sum <"$IMAGES_SRC/postgres/docker-entrypoint.sh"
  declare -f postgres_image
}
inputs_postgres() { postgres_inputs "$DEBIAN_SUITE" "$POSTGRES_MAJOR"; }
build_postgres() { postgres_image "$DEBIAN_SUITE" "$POSTGRES_MAJOR" "$POSTGRES_TAG" "$1"; }
inputs_postgres_skew() { postgres_inputs "$POSTGRES_SKEW_SUITE" "$POSTGRES_SKEW_MAJOR"; }
build_postgres_skew() { postgres_image "$POSTGRES_SKEW_SUITE" "$POSTGRES_SKEW_MAJOR" "$POSTGRES_SKEW_TAG" "$1"; }

postgres_image() { # SUITE MAJOR TAG ARCHIVE
  local pg=$2 tag=$3 out=$4 uid gid version file llvm
  local DEBIAN_SUITE DEBIAN_MIRROR DEBIAN_SECURITY_MIRROR
  debian_mirrors "$1"
  debian_rootfs postgres "postgresql-$pg" "${POSTGRES_PACKAGES[@]}"
  new_container
  unpack_rootfs "$ROOTFS_TARBALL"

  # uid and gid 999, as in the official image, so volumes and securityContexts carry over.
  uid=$(in_root id -u postgres)
  gid=$(in_root id -g postgres)
  if [ "$uid" != 999 ] || [ "$gid" != 999 ]; then
    if in_root getent passwd 999 | grep -qv '^postgres:' || in_root getent group 999 | grep -qv '^postgres:'; then
      die "uid or gid 999 is taken in the postgres root filesystem"
    fi
    find "$MNT" -xdev -uid "$uid" -exec chown -h 999 {} +
    find "$MNT" -xdev -gid "$gid" -exec chgrp -h 999 {} +
    in_root groupmod -g 999 postgres
    in_root usermod -u 999 -g 999 postgres
  fi

  # initdb takes its locale from LANG=en_US.utf8, like the official image.
  sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$MNT/etc/locale.gen"
  in_root locale-gen >/dev/null
  find "$MNT/usr/share/i18n/charmaps" "$MNT/usr/share/i18n/locales" ! -type d -delete

  # No cluster from the package scripts: the entrypoint makes one in $PGDATA.
  rm -rf "$MNT/etc/postgresql/$pg" "$MNT/var/lib/postgresql/$pg"
  sed -ri 's/^#?\s*(create_main_cluster)\s*=.*/\1 = false/' "$MNT/etc/postgresql-common/createcluster.conf"
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$MNT/usr/share/postgresql/$pg/postgresql.conf.sample"
  grep -q "^listen_addresses = '\*'" "$MNT/usr/share/postgresql/$pg/postgresql.conf.sample" ||
    die "could not set listen_addresses in postgresql.conf.sample"

  # JIT compilation needs LLVM (~130 MB with z3). Without llvmjit.so postgres just runs queries
  # without JIT (pg_jit_available() = false). The package records stay, so apt still works.
  # The packages are whichever libllvmN and libz3-N the suite's PostgreSQL pulled in.
  rm -rf "$MNT/usr/lib/postgresql/$pg/lib/llvmjit"* "$MNT/usr/lib/postgresql/$pg/lib/bitcode"
  # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
  mapfile -t llvm < <(in_root dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'libllvm*' 'libz3-*' 2>/dev/null |
    awk '$1 == "ii" { print $2 }')
  if [ ${#llvm[@]} -gt 0 ]; then
    echo "postgres $pg: no JIT, removing the files of ${llvm[*]}"
    for file in $(in_root dpkg-query -L "${llvm[@]}"); do
      if [ -f "$MNT$file" ] || [ -L "$MNT$file" ]; then rm -f "$MNT$file"; fi
    done
  fi

  slim_debian
  mkdir -p "$MNT/run/postgresql" "$MNT/var/lib/postgresql/data" "$MNT/docker-entrypoint-initdb.d"
  chown 999:999 "$MNT/run/postgresql" "$MNT/var/lib/postgresql" "$MNT/var/lib/postgresql/data"
  chmod 3777 "$MNT/run/postgresql"
  chmod 1777 "$MNT/var/lib/postgresql/data" # initdb makes it 0700; 1777 lets other uids start
  install -m 0755 "$IMAGES_SRC/postgres/docker-entrypoint.sh" "$MNT/usr/local/bin/docker-entrypoint.sh"

  # shellcheck disable=SC2016 # a dpkg-query format, not a shell expansion
  version=$(in_root dpkg-query -W -f '${Version}' "postgresql-$pg")
  "${BUILDAH[@]}" config \
    --env PATH="/usr/lib/postgresql/$pg/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --env LANG=en_US.utf8 --env PG_MAJOR="$pg" --env PG_VERSION="$version" \
    --env PGDATA=/var/lib/postgresql/data --volume /var/lib/postgresql/data \
    --entrypoint '["docker-entrypoint.sh"]' --cmd '["postgres"]' \
    --stop-signal SIGINT --port 5432/tcp "$CTR"
  finish_image "$tag" "$out"
}

# ---------------------------------------------------------------------------------------------
# cnpg: CloudNativePG's static manager laid out as in its distroless image: the binary is
# /operator/manager_GOARCH and /manager a symlink to it. The operator finds the instance managers
# it can hand out by globbing operator/manager_* from its working directory, /; without that
# file every Cluster fails with "invalid architecture: amd64". Its Deployment runs it as uid and
# gid 10001 with a read-only root filesystem; the bootstrap-controller init container of every
# instance pod runs it as uid 26 to copy it into the pod's /controller volume.
CNPG_UID=10001
inputs_cnpg() {
  [ -x "$CNPG_BIN/manager" ] || die "$CNPG_BIN/manager is missing: run hack/build-binaries.sh cnpg"
  sha256sum <"$CNPG_BIN/manager"
  echo "$CNPG_UID"
}
build_cnpg() {
  local goarch
  if ldd "$CNPG_BIN/manager" >/dev/null 2>&1; then
    die "$CNPG_BIN/manager is dynamically linked; the cnpg image would need its libraries"
  fi
  case $(dpkg --print-architecture) in # Debian's name for the host's architecture, Go's here
    armhf) goarch=arm ;;
    i386) goarch=386 ;;
    ppc64el) goarch=ppc64le ;;
    *) goarch=$(dpkg --print-architecture) ;;
  esac
  new_container
  install -D -m 0755 "$CNPG_BIN/manager" "$MNT/operator/manager_$goarch"
  ln -s "operator/manager_$goarch" "$MNT/manager"
  mkdir -p "$MNT/etc" "$MNT/tmp"
  chmod 1777 "$MNT/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\ncnpg:x:%s:%s:cnpg:/tmp:/sbin/nologin\n' "$CNPG_UID" "$CNPG_UID" >"$MNT/etc/passwd"
  printf 'root:x:0:\ncnpg:x:%s:\n' "$CNPG_UID" >"$MNT/etc/group"
  "${BUILDAH[@]}" config --entrypoint '["/manager"]' --cmd '' --workingdir / --user "$CNPG_UID:$CNPG_UID" "$CTR"
  finish_image "$CNPG_TAG" "$1"
}

# ---------------------------------------------------------------------------------------------
# cnpg-postgres: CloudNativePG's operand image (docs/src/container_images.md of its module), made
# from the postgres image: its layer, shared with localhost/pgmo/postgres:$POSTGRES_MAJOR in
# containerd, and a small one of its own. Already there: initdb, postgres, pg_ctl, pg_controldata,
# pg_basebackup (and pg_rewind) on PATH, LANG=en_US.utf8 with that locale generated, a server
# linked with OpenSSL, du; each is checked here. Changed: CloudNativePG runs its pods as uid 26
# (gid 26, Debian's tape group), and initdb and postgres need a passwd entry for their uid, so
# postgres moves from uid 999 to 26 (its group stays, as in CloudNativePG's own images); no
# entrypoint, no PGDATA and no volume (the instance manager, copied in by the bootstrap-controller
# init container, is the command, sets PGDATA and mounts the PVC); SIGTERM, Kubernetes' default,
# as stop signal. The root filesystem is read-only in the pods: CloudNativePG mounts
# /var/lib/postgresql/data (PVC), /run and /controller (emptyDir; sockets in /controller/run,
# TMPDIR /controller/tmp) and /dev/shm, and nothing the server or initdb run writes elsewhere.
inputs_cnpg_postgres() {
  [ -f "$IMAGE_DIR/postgres.oci.tar" ] || die "$IMAGE_DIR/postgres.oci.tar is missing: build postgres first"
  # The base image's manifest digest: a rebuilt postgres image rebuilds this one.
  tar -xOf "$IMAGE_DIR/postgres.oci.tar" index.json
  echo "$POSTGRES_MAJOR"
}
build_cnpg_postgres() {
  local pg=$POSTGRES_MAJOR tool out
  IMAGES+=("$POSTGRES_TAG")
  CTR=$("${BUILDAH[@]}" from --quiet "oci-archive:$IMAGE_DIR/postgres.oci.tar")
  CONTAINERS+=("$CTR")
  MNT=$("${BUILDAH[@]}" mount "$CTR")

  if in_root getent passwd 26 >/dev/null; then die "uid 26 is taken in the postgres image"; fi
  in_root usermod -u 26 postgres
  find "$MNT" -xdev -uid 999 -exec chown -h 26 {} +
  rm -f "$MNT/etc/passwd-" "$MNT/etc/shadow-" "$MNT/usr/local/bin/docker-entrypoint.sh"
  rmdir "$MNT/docker-entrypoint-initdb.d"

  for tool in initdb postgres pg_ctl pg_controldata pg_basebackup pg_rewind du; do
    chroot "$MNT" /usr/bin/env -i PATH="/usr/lib/postgresql/$pg/bin:/usr/bin:/bin" sh -c "command -v $tool" >/dev/null ||
      die "cnpg-postgres: $tool is not on PATH"
  done
  # Captured first: grep -q ending a pipe early would fail it under pipefail.
  out=$(in_root locale -a)
  grep -qx en_US.utf8 <<<"$out" || die "cnpg-postgres: the en_US.UTF-8 locale is missing"
  out=$(in_root ldd "/usr/lib/postgresql/$pg/bin/postgres")
  grep -q 'libssl\.so' <<<"$out" || die "cnpg-postgres: postgres is not linked with OpenSSL"
  [ "$(in_root id -u postgres)" = 26 ] || die "cnpg-postgres: postgres is not uid 26"

  "${BUILDAH[@]}" config --entrypoint '' --cmd '' --env PGDATA- --volume /var/lib/postgresql/data- \
    --stop-signal SIGTERM --user 26 "$CTR"
  finish_image "$CNPG_POSTGRES_TAG" "$1"
  "${BUILDAH[@]}" rmi "$POSTGRES_TAG" >/dev/null
  forget IMAGES "$POSTGRES_TAG"
}

# ---------------------------------------------------------------------------------------------
# operator: a Java 17 runtime and the Quarkus fast-jar, as uid 185 like Quarkus' own images.
# The runtime is a layer of its own, cached as an OCI archive (its file times are fixed, so its
# digest only changes with its recipe): a new jar only makes a small second layer, here and in
# containerd, which keeps the same base layer.
inputs_operator() {
  [ -f "$OPERATOR_APP_DIR/quarkus-run.jar" ] ||
    die "$OPERATOR_APP_DIR/quarkus-run.jar is missing: build the operator first (or set OPERATOR_APP_DIR)"
  operator_base_key
  (cd "$OPERATOR_APP_DIR" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}
operator_base_key() {
  {
    rootfs_key "${OPERATOR_PACKAGES[@]}"
    echo "$OPERATOR_UID $OPERATOR_JAVA_OPTIONS"
    declare -f operator_base new_container in_root unpack_rootfs slim_debian finish_image
  } | sha256sum | cut -c1-16
}
operator_base() { # -> BASE_ARCHIVE, BASE_TAG
  local key java_home
  key=$(operator_base_key)
  BASE_TAG=localhost/pgmo/operator-base:$key
  BASE_ARCHIVE=$ROOTFS_DIR/operator-base-$key.oci.tar
  if [ -f "$BASE_ARCHIVE" ]; then
    echo "operator: reusing Java base layer ${BASE_ARCHIVE##*/}"
    return
  fi
  log "building the operator's Java base layer"
  debian_rootfs operator "${OPERATOR_PACKAGES[@]}"
  new_container
  unpack_rootfs "$ROOTFS_TARBALL"
  slim_debian
  rm -f "$MNT"/usr/lib/jvm/*/lib/ct.sym # javac's platform data, of no use to a runtime
  # A passwd entry without useradd, which would date it in /etc/shadow.
  echo "jboss:x:$OPERATOR_UID:0:Quarkus application:/deployments:/usr/sbin/nologin" >>"$MNT/etc/passwd"
  echo "jboss:!:0::::::" >>"$MNT/etc/shadow"
  mkdir -p "$MNT/deployments"
  chown "$OPERATOR_UID:0" "$MNT/deployments"
  java_home=$(dirname "$(dirname "$(in_root readlink -f /usr/bin/java)")")
  # The client tools first on PATH: Debian's /usr/bin/pg_dump is a Perl wrapper.
  "${BUILDAH[@]}" config --env JAVA_HOME="$java_home" --env LANG=C.UTF-8 \
    --env PATH="/usr/lib/postgresql/$POSTGRES_MAJOR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --env JDK_JAVA_OPTIONS="$OPERATOR_JAVA_OPTIONS" \
    --workingdir /deployments --user "$OPERATOR_UID" \
    --entrypoint '["java","-jar","/deployments/quarkus-run.jar"]' --cmd '' --port 8080/tcp "$CTR"
  finish_image "$BASE_TAG" "$BASE_ARCHIVE.tmp"
  mv "$BASE_ARCHIVE.tmp" "$BASE_ARCHIVE"
  find "$ROOTFS_DIR" -maxdepth 1 -name 'operator-base-*.oci.tar*' ! -name "${BASE_ARCHIVE##*/}" -delete
}
build_operator() {
  operator_base
  IMAGES+=("$BASE_TAG")
  CTR=$("${BUILDAH[@]}" from --quiet "oci-archive:$BASE_ARCHIVE")
  CONTAINERS+=("$CTR")
  "${BUILDAH[@]}" copy --quiet --chown "$OPERATOR_UID:0" "$CTR" "$OPERATOR_APP_DIR/" /deployments/
  finish_image "$OPERATOR_TAG" "$1"
  "${BUILDAH[@]}" rmi "$BASE_TAG" >/dev/null
  forget IMAGES "$BASE_TAG"
}

# ---------------------------------------------------------------------------------------------
# build NAME [RECIPE]: rebuilds $IMAGE_DIR/NAME.oci.tar unless the hash of its inputs is unchanged.
# RECIPE (default NAME) names the functions inputs_RECIPE and build_RECIPE and the tag RECIPE_TAG.
build() {
  local name=$1 recipe=${2:-$1} out=$IMAGE_DIR/$1.oci.tar start=$SECONDS inputs hash
  inputs=$("inputs_$recipe")
  # The recipe is an input too: a changed build function, helper or entrypoint rebuilds.
  hash=$({
    echo "$inputs"
    declare -f "build_$recipe" new_container in_root unpack_rootfs slim_debian finish_image
    declare -p "${recipe^^}_TAG"
  } | sha256sum | cut -d' ' -f1)
  if [ -f "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$hash" ]; then
    echo "$name: up to date ($out, $((SECONDS - start))s)"
    return
  fi
  log "building $name"
  rm -f "$out.inputs"
  "build_$recipe" "$out.tmp"
  mv "$out.tmp" "$out"
  echo "$hash" >"$out.inputs"
  echo "$name: built in $((SECONDS - start))s ($out, $(du -h "$out" | cut -f1))"
}

[ "$(id -u)" = 0 ] || die "run as root: debootstrap, chroot and buildah's vfs storage need it"
# One build at a time: two would share archive names, tags and the root filesystem cache.
mkdir -p "$IMAGE_DIR"
exec 9>"$IMAGE_DIR/.build.lock"
if ! flock -n 9; then
  echo "waiting for another hack/images/build.sh to finish"
  flock 9
fi
case ${1:-all} in
  pause | postgres | coredns | mailpit | cnpg | operator) build "$1" ;;
  "$POSTGRES_SKEW_IMAGE") build "$1" postgres_skew ;;
  cnpg-postgres) build postgres && build cnpg-postgres cnpg_postgres ;;
  all)
    build pause
    build postgres
    build "$POSTGRES_SKEW_IMAGE" postgres_skew
    build coredns
    build mailpit
    build cnpg
    build cnpg-postgres cnpg_postgres
    if [ -d "$OPERATOR_APP_DIR" ]; then
      build operator
    else
      echo "operator: skipped, $OPERATOR_APP_DIR does not exist"
    fi
    ;;
  *) die "usage: $0 [pause|postgres|$POSTGRES_SKEW_IMAGE|coredns|mailpit|cnpg|cnpg-postgres|operator|all]" ;;
esac
