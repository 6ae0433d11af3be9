#!/bin/sh
# Regenerates every certificate in this directory. Run from examples/istio/certs/.
set -eu
DAYS=3650

# 1. Self-signed root CA (ECDSA P-256).
openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem
openssl req -x509 -new -sha256 -key ca-key.pem -days "$DAYS" -out ca.pem \
  -subj "/O=Example Org/CN=Example Org Test Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"

# 2. Leaf certificates signed by the CA: leaf NAME "SUBJECT CN" "SAN list" EKU
leaf() {
  name=$1 cn=$2 san=$3 eku=$4
  openssl ecparam -name prime256v1 -genkey -noout -out "$name-key.pem"
  openssl req -new -sha256 -key "$name-key.pem" -subj "/O=Example Org/CN=$cn" -out "$name.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=%s\n' \
    "$eku" "$san" > "$name.ext"
  openssl x509 -req -sha256 -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
    -days "$DAYS" -extfile "$name.ext" -out "$name.pem"
  rm -f "$name.csr" "$name.ext"
}

leaf wildcard-example-com "*.example.com"        "DNS:*.example.com,DNS:example.com"     serverAuth
leaf bookinfo-com         "*.bookinfo.com"       "DNS:*.bookinfo.com,DNS:bookinfo.com"   serverAuth
leaf partners-example-com "partners.example.com" "DNS:partners.example.com"              serverAuth
leaf db-example-com       "db.example.com"       "DNS:db.example.com"                    serverAuth
leaf partner-client       "acme-corp"            "DNS:client.acme-corp.example,URI:spiffe://partners.example.com/acme-corp" clientAuth
rm -f ca.srl
