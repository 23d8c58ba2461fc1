#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock: installs Debian's docker.io if missing and starts dockerd
# (machines here have no systemd). Idempotent; bounded wait.
set -euo pipefail

DOCKER=/usr/bin/docker   # Debian's client; another `docker` may come first on PATH
WAIT_S="${DOCKERD_WAIT_S:-60}"
LOG="${DOCKERD_LOG:-/var/log/dockerd-edgeswarm.log}"

if [ -x "$DOCKER" ] && "$DOCKER" info >/dev/null 2>&1; then
  exit 0
fi
if ! [ -x /usr/sbin/dockerd ] || ! [ -x "$DOCKER" ]; then
  echo "==> apt-get install docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi
if "$DOCKER" info >/dev/null 2>&1; then exit 0; fi

if ! grep -q ' cgroup' /proc/mounts; then
  apt-get install -y -qq --no-install-recommends cgroupfs-mount >/dev/null && cgroupfs-mount
fi
if ! iptables -t nat -S >/dev/null 2>&1; then
  # nftables unusable in this kernel: fall back to legacy iptables for Docker's NAT rules
  update-alternatives --set iptables /usr/sbin/iptables-legacy
  update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy
fi
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi
echo "==> starting dockerd (log: $LOG)"
setsid /usr/sbin/dockerd -H unix:///var/run/docker.sock >>"$LOG" 2>&1 < /dev/null &

for _ in $(seq 1 $((WAIT_S * 5))); do
  if "$DOCKER" info >/dev/null 2>&1; then
    echo "==> dockerd up: $("$DOCKER" info --format '{{.ServerVersion}}, storage {{.Driver}}')"
    exit 0
  fi
  sleep 0.2
done
echo "dockerd did not answer within ${WAIT_S}s; last log lines:" >&2
tail -n 30 "$LOG" >&2
exit 1
