#!/usr/bin/env bash
# Makes the TEST-ONLY certificates of the interop suite: a CA (ca.pem) and a server
# certificate signed by it (server.pem, server.key) whose names cover the hosts the
# reference interop clients use with --server_host_override (*.test.google.fr) and
# loopback. RSA 2048, valid for 10 years.
# Usage: make-certs.sh [OUT_DIR]   (default: the folder holding this script)
set -euo pipefail

out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[dn]
CN = tsgrpc interop test CA
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF

cat >"$work/server.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = *.test.google.fr
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:*.test.google.fr, DNS:foo.test.google.fr, DNS:localhost, IP:127.0.0.1, IP:::1
CNF

openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -config "$work/ca.cnf" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -config "$work/server.cnf" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
openssl x509 -req -sha256 -days 3650 -in "$work/server.csr" \
  -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -extfile "$work/server.cnf" -extensions server_ext -out "$work/server.pem" 2>/dev/null

# PKCS#8 key: what node:tls, grpcio and grpc-go all read.
openssl pkey -in "$work/server.key" -out "$out/server.key"
cp "$work/ca.pem" "$work/server.pem" "$out/"
chmod 644 "$out/ca.pem" "$out/server.pem" "$out/server.key"
echo "make-certs: wrote $out/ca.pem, $out/server.pem, $out/server.key"
