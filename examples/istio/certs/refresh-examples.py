#!/usr/bin/env python3
"""Re-embed the certificates of this directory into the example YAML files.

Run after ./generate.sh. Every value that came from a file here is marked with a
trailing comment, which this script uses to recompute it:

  tls.crt: LS0tLS1CRUdJTi...  # base64 of certs/wildcard-example-com.pem
  - e7da0a7660...            # sha256 of certs/partner-client.pem (DER certificate)
  - yPFhTVufZ7...=           # sha256 of certs/partner-client.pem (public key, SPKI)

Only the values change, never the number of lines, so the `# expect:` line:column
headers of the examples stay valid.
"""
import base64
import hashlib
import pathlib
import re
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
MARKED = re.compile(r'^(?P<head>.*?)(?P<value>\S+)(?P<tail> # (?P<what>base64|sha256) of certs/(?P<file>[\w.-]+)'
                    r'(?P<kind> \((?:DER certificate|public key, SPKI)\))?)$')


def openssl(*args, stdin=None):
    return subprocess.run(['openssl', *args], input=stdin, check=True, capture_output=True).stdout


def der(pem_file, public_key):
    """The DER bytes of a certificate, or of its public key (SubjectPublicKeyInfo)."""
    cert = str(HERE / pem_file)
    if public_key:
        return openssl('pkey', '-pubin', '-outform', 'der', stdin=openssl('x509', '-in', cert, '-pubkey', '-noout'))
    return openssl('x509', '-in', cert, '-outform', 'der')


def value_for(m):
    if m['what'] == 'base64':
        return base64.b64encode((HERE / m['file']).read_bytes()).decode()
    if m['kind'] == ' (DER certificate)':
        return hashlib.sha256(der(m['file'], False)).hexdigest()
    return base64.b64encode(hashlib.sha256(der(m['file'], True)).digest()).decode()


def main():
    changed = 0
    for path in sorted(HERE.parent.glob('*/*.yaml')):
        lines = path.read_text().split('\n')
        out = []
        for line in lines:
            m = MARKED.match(line)
            if m:
                line = m['head'] + value_for(m) + m['tail']
            out.append(line)
        text = '\n'.join(out)
        if text != path.read_text():
            path.write_text(text)
            changed += 1
            print(f'updated {path.relative_to(HERE.parent)}')
    print(f'{changed} file(s) updated')


if __name__ == '__main__':
    main()
