#!/usr/bin/env python3
"""The runner's own red team for client grading (SPEC part 4): one small SDK, standard library
only, that can be broken one way at a time. `redteam.py MODE` follows the smoke-program contract:
it reads TERMINUS_BASE_URL and TERMINUS_API_KEY, makes one `GET /v1/account`, exits 0 on
success and 1 on an error, printing the error as the SDK reports it.

Correct modes (must pass every clause):
  correct            no retries, redirects not followed
  correct_retry      retries 429, 503 and resets, at most 3 times, honouring Retry-After, with
                     exponential backoff
  correct_redirects  follows redirects, dropping Authorization when the origin changes and
                     refusing to follow to http://

Broken modes (each breaks one clause; the clause is in `BROKEN` below, which the tests read):
"""

import base64
import http.client
import json
import os
import socket
import ssl
import sys
import time
import urllib.parse

BROKEN = {
    "scheme_lowercase": "CLI-1",  # `bearer KEY`
    "double_space": "CLI-1",  # `Bearer  KEY`
    "two_authorization_fields": "CLI-1",  # the field twice
    "key_trimmed": "CLI-1",  # the key's last character dropped
    "key_in_query": "CLI-2",  # also ?api_key=KEY
    "key_in_cookie": "CLI-2",  # also Cookie: api_key=KEY
    "key_in_user_agent": "CLI-2",  # User-Agent: sdk/1.0 (KEY)
    "key_in_custom_header": "CLI-2",  # also X-Api-Key: KEY
    "key_in_basic_auth_too": "CLI-2",  # also Proxy-Authorization: Basic base64(KEY:)
    "no_key_sends_anyway": "CLI-3",  # no key: sends the request without one
    "no_key_no_hint": "CLI-3",  # no key: fails, but does not say how to give one
    "redirect_keeps_key": "CLI-4",  # follows every redirect with Authorization
    "redirect_to_http_keeps_key": "CLI-4",  # drops it for another host only, not for http://
    "tls_verification_off": "CLI-5",  # CERT_NONE
    "hostname_check_off": "CLI-5",  # chain checked, host name not
    "retries_401": "CLI-6",  # resends the request after a 401
    "hides_envelope_message": "CLI-6",  # "request failed" only
    "prints_key": "CLI-8",  # prints the key it uses
    "key_in_exception": "CLI-8",  # the error message holds the key
    "ignores_retry_after": "CLI-7",  # retries a 429 at once
    "retries_without_bound": "CLI-7",  # retries 429/503/resets until killed
    "retries_without_backoff": "CLI-7",  # retries 5 times, 50 ms apart
}
CORRECT = ["correct", "correct_retry", "correct_redirects"]
# One cause, several clauses: the grading must fail these clauses and report ONE finding.
ONE_CAUSE = {
    "key_in_x_api_key_only": ["CLI-1", "CLI-2"],  # X-Api-Key: KEY, no Authorization at all
}
# Setup problems, not violations (SPEC part 4): the grading must stop with one setup error
# (exit 3) saying what the program said, never fail a clause.
SETUP = {
    "distrusts_ca": "could not trust",  # its own (empty) CA bundle: SSL_CERT_FILE ignored
    "does_nothing": "never called the API",  # exits 0 without a request
    "crashes_before_calling": "exited before calling",  # an import error, exit 1
    "ignores_base_url": "exited before calling",  # calls a fixed URL where nothing listens
}


class ApiError(Exception):
    """What the SDK raises: the envelope's type and message, never the key."""


def main(mode):
    if mode not in BROKEN and mode not in CORRECT and mode not in ONE_CAUSE and mode not in SETUP:
        print(f"redteam.py: unknown mode {mode!r}", file=sys.stderr)
        return 2
    base = os.environ.get("TERMINUS_BASE_URL")
    if not base:
        print("redteam.py: TERMINUS_BASE_URL is not set", file=sys.stderr)
        return 2
    key = os.environ.get("TERMINUS_API_KEY")
    if not key and mode != "no_key_sends_anyway":
        if mode == "no_key_no_hint":
            print("error: something went wrong", file=sys.stderr)
        else:
            print("error: no API key: pass one to the client or set TERMINUS_API_KEY", file=sys.stderr)
        return 1
    if mode == "prints_key":
        print(f"debug: using key {key}", file=sys.stderr)
    if mode == "does_nothing":
        print("ok")
        return 0
    if mode == "crashes_before_calling":
        print("Traceback (most recent call last):", file=sys.stderr)
        print("ModuleNotFoundError: No module named 'terminus_sdk'", file=sys.stderr)
        return 1
    if mode == "ignores_base_url":
        base = "https://127.0.0.1:9"  # discard: nothing listens
    try:
        body = request(mode, base + "/v1/account", key)
    except ApiError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, http.client.HTTPException) as e:
        print(f"error: transport: {e.__class__.__name__}: {e}", file=sys.stderr)
        return 1
    print(f"ok: {body.get('object', '?')}")
    return 0


def context(mode):
    if mode == "distrusts_ca":
        # As an SDK that ships its own CA bundle: SSL_CERT_FILE is never read.
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx = ssl.create_default_context()  # SSL_CERT_FILE names the CA to trust
    if mode == "tls_verification_off":
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif mode == "hostname_check_off":
        ctx.check_hostname = False
    return ctx


def headers_for(mode, key):
    if key is None:
        return [("Accept", "application/json")]
    scheme, sep = "Bearer", " "
    if mode == "scheme_lowercase":
        scheme = "bearer"
    if mode == "double_space":
        sep = "  "
    value = key[:-1] if mode == "key_trimmed" else key
    headers = [("Authorization", f"{scheme}{sep}{value}"), ("Accept", "application/json")]
    if mode == "two_authorization_fields":
        headers.append(("Authorization", f"Bearer {key}"))
    if mode == "key_in_cookie":
        headers.append(("Cookie", f"api_key={key}"))
    if mode == "key_in_user_agent":
        headers.append(("User-Agent", f"redteam-sdk/1.0 ({key})"))
    if mode == "key_in_custom_header":
        headers.append(("X-Api-Key", key))
    if mode == "key_in_x_api_key_only":
        headers = [("X-Api-Key", key), ("Accept", "application/json")]
    if mode == "key_in_basic_auth_too":
        token = base64.b64encode(f"{key}:".encode()).decode()
        headers.append(("Proxy-Authorization", f"Basic {token}"))
    return headers


def send(mode, url, headers):
    """One request; returns (status, headers dict, body bytes)."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=context(mode), timeout=10)
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True, skip_host=False)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def same_origin(a, b):
    a, b = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def request(mode, url, key):
    if mode == "key_in_query":
        url += "?api_key=" + urllib.parse.quote(key)
    headers = headers_for(mode, key)
    retries = {
        "correct_retry": 3,
        "ignores_retry_after": 3,
        "retries_without_bound": 10**9,
        "retries_without_backoff": 5,
    }.get(mode, 0)
    follows = mode in ("correct_redirects", "redirect_keeps_key", "redirect_to_http_keeps_key")
    attempt, hops, origin = 0, 0, url
    while True:
        try:
            status, response_headers, body = send(mode, url, headers)
        except (ConnectionError, http.client.RemoteDisconnected, socket.timeout) as e:
            if attempt < retries:
                attempt += 1
                time.sleep(backoff(mode, attempt, None))
                continue
            if mode == "key_in_exception":
                raise ApiError(f"connection failed while sending key {key}: {e}") from None
            raise
        if status in (301, 302, 303, 307, 308) and follows and hops < 5:
            hops += 1
            location = urllib.parse.urljoin(url, response_headers.get("location", ""))
            if not same_origin(origin, location):
                if mode == "correct_redirects":
                    if urllib.parse.urlsplit(location).scheme != "https":
                        raise ApiError(f"refusing to follow a redirect to {location}: not https")
                    headers = [(n, v) for n, v in headers if n.lower() != "authorization"]
                elif mode == "redirect_to_http_keeps_key":
                    if urllib.parse.urlsplit(location).scheme == "https":
                        headers = [(n, v) for n, v in headers if n.lower() != "authorization"]
            url = location
            continue
        if status == 401 and mode == "retries_401" and attempt < 2:
            attempt += 1
            continue
        if status in (429, 503) and attempt < retries:
            attempt += 1
            time.sleep(backoff(mode, attempt, response_headers.get("retry-after")))
            continue
        if 200 <= status < 300:
            return json.loads(body or b"{}")
        raise error_from(mode, status, body, key)


def backoff(mode, attempt, retry_after):
    if mode in ("ignores_retry_after", "retries_without_bound"):
        return 0.0
    if mode == "retries_without_backoff":
        return 0.05
    delay = 0.2 * 2 ** (attempt - 1)
    if retry_after is not None:
        try:
            delay = max(delay, float(retry_after))
        except ValueError:
            pass
    return delay


def error_from(mode, status, body, key):
    try:
        envelope = json.loads(body)["error"]
        kind, message = envelope.get("type"), envelope.get("message")
    except (ValueError, KeyError, TypeError):
        kind, message = None, body[:200].decode("utf-8", "replace")
    if mode == "hides_envelope_message":
        return ApiError(f"request failed (HTTP {status})")
    if mode == "key_in_exception":
        return ApiError(f"HTTP {status} {kind}: {message} (key {key})")
    return ApiError(f"HTTP {status} {kind}: {message}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "correct"))
