#!/usr/bin/env bash
# Builds the JRE base image locally, for machines that cannot pull eclipse-temurin:17-jre: a jlink'ed JRE from the
# host JDK, the shared libraries it links, static busybox (sh, wget for the HEALTHCHECK), /etc basics, imported as
# one layer. Usage: .ci/docker-base-image.sh [TAG]   (default edgeswarm/jre17-base:local)
set -euo pipefail

TAG="${1:-edgeswarm/jre17-base:local}"
JDK="${JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
MODULES="java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.management,jdk.naming.dns,jdk.jfr,jdk.charsets,jdk.localedata,jdk.net"
DOCKER=/usr/bin/docker

if "$DOCKER" image inspect "$TAG" >/dev/null 2>&1 && [ "${REBUILD:-0}" != 1 ]; then
  echo "==> base image $TAG exists (REBUILD=1 to rebuild)"
  exit 0
fi
[ -d "$JDK/jmods" ] || { echo "no $JDK/jmods: apt-get install openjdk-17-jdk-headless" >&2; exit 1; }
if ! [ -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi

ROOT=$(mktemp -d /tmp/edgeswarm-rootfs.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{usr/bin,usr/sbin,usr/lib/x86_64-linux-gnu,usr/lib64,etc,opt,tmp,root,proc,sys,dev,app}
ln -s usr/bin "$ROOT/bin"; ln -s usr/sbin "$ROOT/sbin"; ln -s usr/lib "$ROOT/lib"; ln -s usr/lib64 "$ROOT/lib64"
chmod 1777 "$ROOT/tmp"; chmod 700 "$ROOT/root"

echo "==> jlink $JDK"
"$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$MODULES" --strip-debug --no-man-pages \
  --no-header-files --compress=2 --output "$ROOT/opt/java" >/dev/null
[ -f /etc/ssl/certs/java/cacerts ] && cp -L /etc/ssl/certs/java/cacerts "$ROOT/opt/java/lib/security/cacerts"

# Shared libraries the JRE links against, with their canonical paths as symlinks.
skip='libawt_xawt.so|libsplashscreen.so|libjsound.so|libjawt.so|libfontmanager.so'
libs=$( { find "$ROOT/opt/java/bin" -type f; find "$ROOT/opt/java/lib" -name '*.so' | grep -Ev "/($skip)\$"; } |
  { LD_LIBRARY_PATH="$ROOT/opt/java/lib:$ROOT/opt/java/lib/server" xargs ldd 2>/dev/null || true; } |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux.*\.so/ {print $1}' | sort -u | grep -v "^$ROOT" )
for lib in $libs; do
  real=$(readlink -f "$lib")
  mkdir -p "$ROOT$(dirname "$real")"; cp -n "$real" "$ROOT$real"
  canon="$(readlink -f "$(dirname "$lib")")/$(basename "$lib")"
  [ "$canon" = "$real" ] || { mkdir -p "$ROOT$(dirname "$canon")"; ln -srf "$ROOT$real" "$ROOT$canon"; }
done

cp /bin/busybox "$ROOT/usr/bin/busybox"
for applet in $(/bin/busybox --list); do [ -e "$ROOT/usr/bin/$applet" ] || ln -s busybox "$ROOT/usr/bin/$applet"; done

printf 'root:x:0:0:root:/root:/bin/sh\nedgeswarm:x:10001:10001:edgeswarm:/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nedgeswarm:x:10001:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
printf 'hosts: files dns\nnetworks: files\npasswd: files\ngroup: files\n' > "$ROOT/etc/nsswitch.conf"
cp /etc/os-release "$ROOT/etc/os-release"
[ -f /etc/ssl/certs/ca-certificates.crt ] && install -D -m644 /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
touch "$ROOT/etc/hosts" "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname"

tar --numeric-owner -C "$ROOT" -c . | "$DOCKER" import \
  --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV JAVA_HOME=/opt/java' --change 'ENV LANG=C.UTF-8' --change 'WORKDIR /app' \
  --change 'CMD ["java","-version"]' - "$TAG" >/dev/null
echo "==> $TAG: $("$DOCKER" run --rm --network none "$TAG" java -version 2>&1 | head -1)," \
  "$("$DOCKER" image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}')"
