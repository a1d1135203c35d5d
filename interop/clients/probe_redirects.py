#!/usr/bin/env python3
"""By hand, until the runner serves them: the redirects that keep the host name, against the
clients of clients.toml as `make interop-clients` installed them, each compared with the
client's `leaks` prediction.

    python3 interop/clients/probe_redirects.py [CLIENT...]     (after make interop-clients)

Per client and per origin change (SPEC.md part 4 lists them): a tiny server on 127.0.0.1 (one
port answering TLS and plain HTTP, sniffing the first byte, plus a second TLS port and a plain
HTTP port) answers the program's `GET /v1/account` with a 307 to the changed origin and records
whether the redirected request carried the key. Prints "kept", "dropped" or "not followed" per
change and whether that is what clients.toml predicts. Not a grader (no other clause is
judged): a check of the predictions the runner cannot check yet. Standard library only.
"""
import os
import pathlib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

import table

ROOT = table.HERE.parent.parent
OUT = ROOT / "target" / "interop-clients"
KEY = "probe-key-0123456789abcdef"  # not a key of anything: the string the probe looks for
# change -> (scheme, host, which port) of the Location
CHANGES = {
    "port": ("https", "127.0.0.1", "tls"),
    "scheme": ("http", "127.0.0.1", "origin"),
    "scheme+port": ("http", "127.0.0.1", "plain"),
    "host": ("https", "localhost", "origin"),
    "host+port": ("https", "localhost", "tls"),
}
BODY = b'{"object":"account"}'


class Probe:
    """Three listeners; the origin's first request gets the 307, every later one is recorded."""

    def __init__(self, certs, change):
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(certs / "cert.pem", certs / "key.pem")
        self.context.set_alpn_protocols(["http/1.1"])
        self.sockets = {name: socket.create_server(("127.0.0.1", 0)) for name in ("origin", "tls", "plain")}
        self.ports = {name: s.getsockname()[1] for name, s in self.sockets.items()}
        scheme, host, port = CHANGES[change]
        self.location = f"{scheme}://{host}:{self.ports[port]}/v1/account"
        self.redirected, self.first = [], True
        self.lock = threading.Lock()
        for name, sock in self.sockets.items():
            threading.Thread(target=self.serve, args=(name, sock), daemon=True).start()

    def serve(self, name, sock):
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(name, conn), daemon=True).start()

    def answer(self, name, conn):
        try:
            conn.settimeout(10)
            tls = name == "tls" or (name == "origin" and conn.recv(1, socket.MSG_PEEK) == b"\x16")
            if tls:
                conn = self.context.wrap_socket(conn, server_side=True)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            with self.lock:
                first, self.first = self.first and name == "origin", False
                if not first:
                    self.redirected.append(head.decode("latin-1"))
            if first:
                conn.sendall(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {self.location}\r\n"
                             "Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(BODY), BODY))
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self):
        for s in self.sockets.values():
            s.close()

    def outcome(self):
        if not self.redirected:
            return "not followed"
        return "kept" if any(KEY in h for h in self.redirected) else "dropped"


def command(client):
    kind = client["set"]
    program = table.HERE / client["program"][0]
    if kind.startswith("py/"):
        argv = [str(OUT / kind / "venv" / "bin" / "python"), str(program)]
    elif kind.startswith("node/"):
        argv = ["node", str(OUT / kind / program.name)]
    else:
        argv = ["node", str(program)]
    return argv + client["program"][1:]


def run(client, change, certs):
    probe = Probe(certs, change)
    env = {**os.environ, **client.get("env", {}), "TERMINUS_API_KEY": KEY,
           "TERMINUS_BASE_URL": f"https://127.0.0.1:{probe.ports['origin']}",
           "NO_PROXY": "*", "no_proxy": "*"}
    for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
        env[var] = str(certs / "ca.pem")
    try:
        subprocess.run(command(client), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        probe.close()
    return probe.outcome()


def main(names):
    clients = [c for c in table.catalogue() if not names or c["name"] in names]
    with tempfile.TemporaryDirectory() as d:
        certs = pathlib.Path(subprocess.run(
            ["bash", str(ROOT / "conformance/tests/external/gen-certs.sh"), d],
            check=True, capture_output=True, text=True).stdout.strip())
        print(f"{'client':<31} " + " ".join(f"{c:<13}" for c in CHANGES) + " prediction")
        wrong = 0
        for client in clients:
            if client["set"] != "node" and not (OUT / client["set"]).exists():
                print(f"{client['name']:<31} not installed: run make interop-clients first")
                continue
            leaks = [table.parse_change(x) for x in client.get("leaks", [])]
            cells, ok = [], True
            for change in CHANGES:
                got = run(client, change, certs)
                predicted = any(leak is None or leak == table.parse_change(change) for leak in leaks)
                ok &= (got == "kept") == predicted and got != "timeout"
                cells.append(got)
            wrong += not ok
            print(f"{client['name']:<31} " + " ".join(f"{c:<13}" for c in cells) + (" as predicted" if ok else " DIFFERS"))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
