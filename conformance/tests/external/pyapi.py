#!/usr/bin/env python3
"""pyapi.py: an independent Terminus Hub Public API written on Python's http.server + ssl, with
one switchable way of breaking a clause of SPEC.md part 1 (or a variation SPEC.md permits).

    TERMINUS_API_KEY=thub_... TERMINUS_REVOKED_API_KEY=thub_... \
      python3 pyapi.py --port 19443 --cert cert.pem --key key.pem --mode MODE[,MODE...]

Modes: see MODES below (`correct` is the strict reading). Not part of `make test`.
"""
import argparse, base64, hmac, json, os, re, ssl, sys, threading, time, urllib.parse
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VALID = os.environ.get("TERMINUS_API_KEY", "thub_testkey")
REVOKED = os.environ.get("TERMINUS_REVOKED_API_KEY", "")

MODES = {
    # ---- permitted (must pass) ----
    "correct": "strict reading, WWW-Authenticate: Bearer realm=\"terminus-hub\"",
    "extra": "request_id/doc_url/timestamp members, X-Request-Id and Date headers that vary",
    "charset": "application/json; charset=utf-8",
    "lenient": "HDR-5's RFC reading: bearer/BEARER and several spaces",
    "rfc6750": "WWW-Authenticate: Bearer realm=\"terminus-hub\", error=\"invalid_token\" when a token was sent",
    "bare_bearer": "WWW-Authenticate: Bearer",
    "ratelimit": "token bucket, 429 + Retry-After: 1 past 200 requests/s",
    "close": "Connection: close on every response",
    "chunked": "401 body in chunked transfer-encoding",
    "oddcase": "response header names in odd case",
    "statuses": "204 for DELETE, 404 for an unknown project id, 201 for POST",
    "http10": "HTTP/1.0 responses (close-delimited), as http.server does by default",
    # ---- broken, one clause each ----
    "startswith": "KEY-2: token.startswith(key): extended keys accepted",
    "truncated": "KEY-2: key.startswith(token): truncated keys accepted",
    "casefold": "KEY-2: case-insensitive comparison",
    "strip": "KEY-2: token.strip() (Python str.strip: NBSP, NEL, FS..US, VT, FF trimmed)",
    "format_only": "KEY-2: any thub_ + 32..64 alphanumerics is accepted",
    "prefix_ci": "KEY-1: prefix compared case-insensitively",
    "revoked403": "KEY-4: 403 for a revoked key",
    "code_revoked": "ERR-3: code \"revoked\" for a revoked key",
    "revoked_ok": "KEY-4: revocation not checked",
    "any_scheme": "HDR-3: the scheme is not checked (Token, Basic <key>...)",
    "trailing": "HDR-1: auth.split()[1]: tokens after the key ignored",
    "query": "HDR-3: ?api_key= accepted",
    "cookie": "HDR-3: a sessionid cookie holding the key is a browser session",
    "basic": "HDR-3: Basic with the key as password",
    "xapikey": "HDR-3: X-Api-Key accepted",
    "body": "HDR-3: api_key in a JSON body accepted",
    "first_dup": "HDR-4: self.headers['Authorization'] (the first of duplicates)",
    "last_dup": "HDR-4: the last of duplicates wins",
    "msg_by_cause": "ERR-3: message says why (missing/revoked/invalid)",
    "text_plain": "ERR-2: text/plain 401",
    "html": "ERR-2: an HTML 401 page",
    "head_body": "ERR-4: HEAD responses carry the body",
    "health": "ROUTE-1: GET /health open",
    "metrics": "ROUTE-1: /metrics open",
    "cors": "ROUTE-1: OPTIONS answered 204 before authentication",
    "notfound": "ROUTE-1: 404 for unknown paths before authentication",
    "method405": "ROUTE-1: 405 for a wrong method before authentication",
    "slash_bypass": "ROUTE-2: auth on exact paths, router strips a trailing slash",
    "pct_bypass": "ROUTE-2: auth on raw paths, router percent-decodes",
    "case_bypass": "ROUTE-2: auth on exact paths, router case-insensitive",
    "semicolon_bypass": "ROUTE-2: auth on raw paths, router drops ;params",
    "echo_header": "ERR-6: X-Debug-Authorization echoes the header",
    "echo_message": "ERR-6: the message shows the key",
    "hint_header": "ERR-6: X-Key-Hint: thub_...last4",
    "obs500": "ROB-1: 500 for obs-text",
    "obs400": "ROB-1: 400 for obs-text",
    "long500": "ROB-1: 500 for values over 1 KiB",
    "reset_long": "ROB-1: connection dropped for values over 2 KiB",
    "hang_quote": "ROB-1: hangs on a value holding a double quote",
    "ctl500": "ROB-2: 500 for control bytes",
    "big500": "ROB-2: 500 for header sections over 6 KiB",
    "no_www": "ERR-5: no WWW-Authenticate (fails only with --profile rfc)",
    "status400": "ERR-1: 400 for a malformed value",
    "ok_refused_post": "OK-1: the valid key is refused on POST",
}

ENVELOPE = {"error": {"type": "authentication_error", "code": None, "message": "Invalid API key"}}
ROUTES = [("GET", r"/v1/account"), ("GET", r"/v1/projects"), ("POST", r"/v1/projects"),
          ("GET", r"/v1/projects/[^/]+"), ("DELETE", r"/v1/projects/[^/]+")]
counter = [0]
lock = threading.Lock()
bucket = [200.0, time.monotonic()]


def route_status(method, path):
    for m, p in ROUTES:
        if re.fullmatch(p, path) and (m == method or (method == "HEAD" and m == "GET")):
            if "statuses" in MODE:
                if method == "DELETE":
                    return 204
                if path.startswith("/v1/projects/"):
                    return 404
            return 201 if method == "POST" else 200
    return 405 if any(re.fullmatch(p, path) for _, p in ROUTES) else 404


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pyapi/1"

    def log_message(self, *a):
        pass

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    # -- helpers --
    def send(self, status, body=b"", ctype="application/json", extra=()):
        head = self.command == "HEAD"
        if "head_body" in MODE:
            head = False
        name = (lambda n: n.swapcase()) if "oddcase" in MODE else (lambda n: n)
        self.send_response(status)
        if ctype:
            self.send_header(name("Content-Type"), ctype)
        for k, v in extra:
            self.send_header(name(k), v)
        if "close" in MODE:
            self.send_header("Connection", "close")
            self.close_connection = True
        chunked = "chunked" in MODE and status == 401
        if chunked:
            self.send_header(name("Transfer-Encoding"), "chunked")
        else:
            self.send_header(name("Content-Length"), str(len(body)))
        self.end_headers()
        if not head and body:
            if chunked:
                half = len(body) // 2
                for part in (body[:half], body[half:]):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(body)

    def deny(self, cause, value=""):
        env = json.loads(json.dumps(ENVELOPE))
        status = 401
        extra = []
        with lock:
            counter[0] += 1
            n = counter[0]
        if "revoked403" in MODE and cause == "revoked":
            status = 403
        if "status400" in MODE and cause == "malformed":
            status = 400
        if "code_revoked" in MODE and cause == "revoked":
            env["error"]["code"] = "revoked"
        if "msg_by_cause" in MODE:
            env["error"]["message"] = {"missing": "Missing API key", "revoked": "API key revoked"}.get(cause, "Invalid API key")
        if "echo_message" in MODE and value:
            env["error"]["message"] = "Invalid API key: " + value
        if "extra" in MODE:
            env["request_id"] = "req_%08d" % n
            env["error"]["doc_url"] = "https://docs.example.invalid/errors#authentication"
            env["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            extra += [("X-Request-Id", "req_%08d" % n), ("Date", self.date_time_string())]
        if "no_www" not in MODE:
            if "rfc6750" in MODE and cause != "missing":
                extra.append(("WWW-Authenticate", 'Bearer realm="terminus-hub", error="invalid_token"'))
            elif "bare_bearer" in MODE:
                extra.append(("WWW-Authenticate", "Bearer"))
            else:
                extra.append(("WWW-Authenticate", 'Bearer realm="terminus-hub"'))
        if "echo_header" in MODE and value:
            extra.append(("X-Debug-Authorization", value))
        if "hint_header" in MODE and value.startswith("Bearer thub_"):
            extra.append(("X-Key-Hint", "thub_..." + value[-4:]))
        ctype = "application/json; charset=utf-8" if "charset" in MODE else "application/json"
        body = json.dumps(env).encode()
        if "text_plain" in MODE:
            ctype, body = "text/plain", b"Invalid API key"
        if "html" in MODE:
            ctype, body = "text/html", b"<html><body><h1>401 Unauthorized</h1></body></html>"
        self.send(status, body, ctype, extra)

    def authenticate(self, path, query, body):
        """None when authenticated, else the cause of failure."""
        values = self.headers.get_all("Authorization") or []
        cookie = self.headers.get("Cookie", "")
        if "query" in MODE and VALID in urllib.parse.parse_qs(query).get("api_key", []):
            return None
        if "xapikey" in MODE and self.headers.get("X-Api-Key", "").strip() == VALID:
            return None
        if "cookie" in MODE and cookie:
            c = SimpleCookie()
            try:
                c.load(cookie)
            except Exception:
                pass
            if "sessionid" in c and c["sessionid"].value == VALID:
                return None
        if "body" in MODE and body:
            try:
                if json.loads(body).get("api_key") == VALID:
                    return None
            except Exception:
                pass
        if not values:
            return "missing"
        if len(values) > 1:
            if "first_dup" in MODE:
                values = values[:1]
            elif "last_dup" in MODE:
                values = values[-1:]
            else:
                return "malformed"
        value = values[0].strip(" \t")
        if "basic" in MODE and value.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(value[6:]).decode().partition(":")
                if password == VALID:
                    return None
            except Exception:
                pass
        if "trailing" in MODE:
            parts = value.split(" ")
            if len(parts) >= 2 and parts[0] == "Bearer":
                return self.judge(parts[1])
            return "malformed"
        if "any_scheme" in MODE:
            _, _, token = value.partition(" ")
            return self.judge(token)
        if "lenient" in MODE:
            m = re.fullmatch(r"(?i:bearer) +(\S+)", value)
            return self.judge(m.group(1)) if m else "malformed"
        if not value.startswith("Bearer "):
            return "malformed"
        token = value[7:]
        if "strip" in MODE:
            token = token.strip()
        if not token or " " in token or "," in token:
            return "malformed"
        return self.judge(token)

    def judge(self, token):
        if "prefix_ci" in MODE and token[:5].lower() == "thub_" and token[5:] == VALID[5:]:
            return None
        if REVOKED and hmac.compare_digest(token.encode("latin-1", "replace"), REVOKED.encode()):
            return None if "revoked_ok" in MODE else "revoked"
        if hmac.compare_digest(token.encode("latin-1", "replace"), VALID.encode()):
            return None
        if "startswith" in MODE and token.startswith(VALID):
            return None
        if "truncated" in MODE and len(token) > 8 and VALID.startswith(token):
            return None
        if "casefold" in MODE and token.lower() == VALID.lower():
            return None
        if "format_only" in MODE and re.fullmatch(r"thub_[A-Za-z0-9]{32,64}", token):
            return None
        return "unknown"

    def dispatch(self):
        raw_value = ",".join(self.headers.get_all("Authorization") or [])
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            if "ratelimit" in MODE:
                now = time.monotonic()
                bucket[0] = min(200.0, bucket[0] + (now - bucket[1]) * 200.0)
                bucket[1] = now
                limited = bucket[0] < 1
                if not limited:
                    bucket[0] -= 1
            else:
                limited = False
        if limited:
            return self.send(429, b'{"error":{"type":"rate_limit_error"}}', extra=[("Retry-After", "1")])
        if "obs500" in MODE and any(ord(c) >= 0x80 for c in raw_value):
            return self.send(500, b"internal error", "text/plain")
        if "obs400" in MODE and any(ord(c) >= 0x80 for c in raw_value):
            return self.send(400, b"bad request", "text/plain")
        if "ctl500" in MODE and any(ord(c) < 0x20 and c != "\t" for c in raw_value):
            return self.send(500, b"internal error", "text/plain")
        if "long500" in MODE and len(raw_value) > 1024:
            return self.send(500, b"internal error", "text/plain")
        if "reset_long" in MODE and len(raw_value) > 2048:
            self.close_connection = True
            return
        if "big500" in MODE and sum(len(k) + len(v) + 4 for k, v in self.headers.items()) > 6144:
            return self.send(500, b"internal error", "text/plain")
        if "hang_quote" in MODE and '"' in raw_value:
            time.sleep(3600)
        target = self.path
        if target.startswith(("http://", "https://")):
            target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
        path, _, query = target.partition("?")
        if "health" in MODE and path == "/health":
            return self.send(200, b'{"status":"ok"}')
        if "metrics" in MODE and path == "/metrics":
            return self.send(200, b"requests_total 1\n", "text/plain")
        if "cors" in MODE and self.command == "OPTIONS":
            return self.send(204, b"", None, [("Access-Control-Allow-Origin", "*"),
                                             ("Access-Control-Allow-Headers", "authorization")])
        routed = path
        if "slash_bypass" in MODE:
            routed = path.rstrip("/") or "/"
        if "pct_bypass" in MODE:
            routed = urllib.parse.unquote(path)
        if "case_bypass" in MODE:
            routed = path.lower()
        if "semicolon_bypass" in MODE:
            routed = re.sub(r";[^/]*", "", path)
        status = route_status(self.command, routed)
        if "notfound" in MODE and status == 404:
            return self.send(404, b'{"error":{"type":"not_found_error"}}')
        if "method405" in MODE and status == 405:
            return self.send(405, b'{"error":{"type":"invalid_request_error"}}')
        if routed != path and status < 400:
            # the bypass: the router reached a handler the auth check did not cover
            return self.send(status, b'{"object":"account","id":"acct_py"}')
        cause = self.authenticate(path, query, body)
        if cause is None and "ok_refused_post" in MODE and self.command == "POST":
            cause = "unknown"
        if cause is not None:
            return self.deny(cause, raw_value)
        if status == 204:
            return self.send(204, b"", None)
        self.send(status, b'{"object":"account","id":"acct_py"}')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    global MODE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--plain-http", action="store_true", help="no TLS: a backend behind a proxy")
    ap.add_argument("--mode", default="correct")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    MODE = set(a.mode.split(","))
    unknown = MODE - set(MODES)
    if unknown:
        sys.exit(f"unknown mode(s) {unknown}; see MODES")
    if "http10" in MODE:
        Handler.protocol_version = "HTTP/1.0"
    srv = Server(("127.0.0.1", a.port), Handler)
    if not a.plain_http:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        ctx.set_alpn_protocols(["http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    scheme = "http" if a.plain_http else "https"
    print(f"pyapi: {scheme}://127.0.0.1:{a.port} mode {a.mode}", file=sys.stderr, flush=True)
    srv.serve_forever()


MODE = set()
if __name__ == "__main__":
    main()
