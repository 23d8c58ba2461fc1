#!/usr/bin/env bash
# Makes an Ed25519 publisher key pair for signed artifacts:
#   DIR/publisher.key  PKCS#8 private key  -> edgeswarm.security.signing-key (origin agents only; keep it secret)
#   DIR/publisher.pub  X.509 public key    -> edgeswarm.security.trusted-keys (every agent)
# and prints the key id agents log and put in signatures.
# Usage: deploy/signing/make-signing-key.sh [DIR] [NAME]
set -euo pipefail
dir="${1:-./signing}"
name="${2:-publisher}"
mkdir -p "$dir"
umask 077
if [[ -e "$dir/$name.key" ]]; then
  echo "refusing to overwrite $dir/$name.key" >&2
  exit 1
fi
openssl genpkey -algorithm ed25519 -out "$dir/$name.key"
openssl pkey -in "$dir/$name.key" -pubout -out "$dir/$name.pub"
chmod 644 "$dir/$name.pub"
key_id="$(openssl pkey -pubin -in "$dir/$name.pub" -outform DER | sha256sum | cut -c1-16)"
echo "wrote $dir/$name.key and $dir/$name.pub (key id $key_id)"
