"""Python requests (HTTP/1.1) and httpx (HTTP/1.1 and HTTP/2) against the mock: every
combination of method, body and key, REPS times; one result line per combination (see
tests/mock-interop.sh, which starts the mock and prints the table).

Environment: URL (the Public API), KEY (a minted key), CA (the mock's CA file), REPS."""

import os
import ssl
import sys

import httpx
import requests

URL, KEY, CA = os.environ["URL"], os.environ["KEY"], os.environ["CA"]
REPS = int(os.environ.get("REPS", "30"))
ENVELOPE = '{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'
PATHS = {"GET": "/v1/projects", "POST": "/v1/projects", "PUT": "/v1/projects/prj_1", "DELETE": "/v1/projects/prj_1"}
# With the key: the bundled routes (PUT is not routed: 405 with Allow). Without: 401.
WITH_KEY = {"GET": 200, "POST": 201, "PUT": 405, "DELETE": 200}
BODY = b'{"name":"proj"}'


def verdict(method, key, status, text):
    want = WITH_KEY[method] if key else 401
    if status != want:
        return f"status {status}, expected {want}"
    if not key and text != ENVELOPE:
        return "the 401 body is not the envelope"
    return None


def run(client, proto, send):
    for method in PATHS:
        for body in ("none", "json"):
            for key in (True, False):
                headers = {"Authorization": "Bearer " + KEY} if key else {}
                data = None
                if body == "json":
                    headers["Content-Type"] = "application/json"
                    data = BODY
                answered, failed, first = 0, 0, ""
                for rep in range(REPS):
                    try:
                        status, text, version = send(method, URL + PATHS[method], headers, data)
                        error = verdict(method, key, status, text)
                        if error is None and version != proto:
                            error = f"answered over {version}, not {proto}"
                    except (requests.Timeout, httpx.TimeoutException) as e:
                        # Hung: the rest of the combination would hang too.
                        failed += REPS - rep - 1
                        error = f"{type(e).__name__}: no answer within 10 s (the remaining {REPS - rep - 1} not tried)"
                    except Exception as e:  # noqa: BLE001 - every failure is a row in the table
                        error = f"{type(e).__name__}: {e}"
                    if error is None:
                        answered += 1
                    else:
                        failed += 1
                        first = first or error.replace(KEY, "<key>").replace("\t", " ").replace("\n", " ")[:160]
                        if "not tried" in error:
                            break
                row = [client, proto, method, body, "key" if key else "no key", str(answered), str(failed), first]
                print("\t".join(row), flush=True)


def main():
    session = requests.Session()

    def with_requests(method, url, headers, data):
        # verify= on the request: a REQUESTS_CA_BUNDLE in the environment would win over
        # session.verify.
        r = session.request(method, url, headers=headers, data=data, timeout=10, verify=CA)
        return r.status_code, r.text, "h1" if r.raw.version == 11 else f"HTTP version {r.raw.version}"

    run("python requests", "h1", with_requests)

    context = ssl.create_default_context(cafile=CA)
    for proto in ("h1", "h2"):
        with httpx.Client(verify=context, http1=proto == "h1", http2=proto == "h2", timeout=10) as client:

            def with_httpx(method, url, headers, data):
                r = client.request(method, url, headers=headers, content=data)
                version = {"HTTP/1.1": "h1", "HTTP/2": "h2"}.get(r.http_version, r.http_version)
                return r.status_code, r.text, version

            run("python httpx", proto, with_httpx)


if __name__ == "__main__":
    sys.exit(main())
