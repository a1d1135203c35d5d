#!/usr/bin/env bash
# gen-certs.sh DIR: a throw-away CA (ca.pem) and a leaf for localhost, 127.0.0.1 and ::1
# (cert.pem, key.pem) in DIR, for the external targets. Reused when present.
set -euo pipefail
DIR="${1:-/tmp/terminus-external-certs}"
mkdir -p "$DIR"; cd "$DIR"
[[ -s ca.pem && -s cert.pem && -s key.pem ]] && { echo "$DIR"; exit 0; }
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 30 \
  -subj "/CN=terminus external test CA" -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -subj "/CN=localhost" -keyout key.pem -out leaf.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
  -extfile leaf.ext -out cert.pem 2>/dev/null
chmod 600 key.pem ca-key.pem
echo "$DIR"
