#!/usr/bin/env bash
# Makes a private CA and one certificate per name, for mutual TLS between agents, the dashboard and clients.
#   DIR/ca.crt                 trust anchor        -> spring.ssl.bundle.pem.<bundle>.truststore.certificate
#   DIR/NAME.crt, DIR/NAME.key certificate and key -> spring.ssl.bundle.pem.<bundle>.keystore.*
# Each certificate is good for both server and client authentication, for the DNS name NAME, every extra
# name given with --san, localhost and 127.0.0.1. Test and lab use; production should use its own PKI
# (cert-manager in Kubernetes), with the same file layout.
# Usage: deploy/tls/make-certs.sh DIR NAME... [--san DNS:x.example --san IP:10.0.0.1] [--days N]
set -euo pipefail
if [[ $# -lt 2 ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
dir="$1"; shift
days=825
names=()
extra_san=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --san) extra_san+=",$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
mkdir -p "$dir"
umask 077
if [[ ! -e "$dir/ca.key" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=edgeswarm test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
fi
for name in "${names[@]}"; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  cat > "$dir/$name.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1$extra_san
EXT
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  echo "wrote $dir/$name.crt and $dir/$name.key"
done
chmod 644 "$dir"/*.crt
