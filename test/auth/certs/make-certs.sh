#!/usr/bin/env bash
# Makes the TEST-ONLY certificates of test/auth (mTLS identity, call credentials, rotation):
#   ca.pem                 the test CA
#   server.pem/.key        server certificate for localhost / 127.0.0.1 / ::1, signed by ca
#   server-next.pem/.key   a second server certificate (new key, new subject O), for rotation
#   client.pem/.key        client certificate with DNS, URI, IP and email SANs, signed by ca
#   other-ca.pem           an unrelated CA
#   rogue-client.pem/.key  a client certificate signed by other-ca (must be refused)
# RSA 2048, valid for 10 years. Usage: make-certs.sh [OUT_DIR] (default: this script's folder)
set -euo pipefail

out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ca() { # name, common name
  cat >"$work/$1.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[dn]
O = tsgrpc tests
CN = $2
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
  openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -config "$work/$1.cnf" -keyout "$work/$1.key" -out "$work/$1.pem" 2>/dev/null
}

leaf() { # name, ca name, subject lines, extensions
  cat >"$work/$1.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
$3
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
$4
CNF
  openssl req -new -newkey rsa:2048 -nodes -sha256 -config "$work/$1.cnf" \
    -keyout "$work/$1.raw.key" -out "$work/$1.csr" 2>/dev/null
  openssl x509 -req -sha256 -days 3650 -in "$work/$1.csr" -CA "$work/$2.pem" -CAkey "$work/$2.key" \
    -CAcreateserial -extfile "$work/$1.cnf" -extensions ext -out "$out/$1.pem" 2>/dev/null
  # PKCS#8 key, as node:tls reads it.
  openssl pkey -in "$work/$1.raw.key" -out "$out/$1.key"
}

ca ca "tsgrpc auth test CA"
ca other-ca "tsgrpc unrelated test CA"
server_sans="extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1"
leaf server ca "O = tsgrpc tests
CN = localhost" "$server_sans"
leaf server-next ca "O = tsgrpc tests, rotated
CN = localhost" "$server_sans"
leaf client ca "O = tsgrpc tests
OU = billing
CN = billing-client" "extendedKeyUsage = clientAuth
subjectAltName = DNS:client.tsgrpc.test, URI:spiffe://tsgrpc.test/ns/billing/sa/client, IP:127.0.0.1, email:client@tsgrpc.test"
leaf rogue-client other-ca "CN = rogue-client" "extendedKeyUsage = clientAuth"
cp "$work/ca.pem" "$work/other-ca.pem" "$out/"
chmod 644 "$out"/*.pem "$out"/*.key
echo "make-certs: wrote $(cd "$out" && ls ./*.pem ./*.key | tr '\n' ' ')"
