#!/usr/bin/env bash
# Real clients against the real binary: curl, Python (urllib, the standard library) and Node
# (https), each trusting the CA the mock writes and prints, get the 401 envelope without a key
# and 200 with a key minted through the admin plane. Usage: tests/clients.sh PATH/TO/terminus-mock
set -euo pipefail
BIN="${1:?usage: $0 PATH/TO/terminus-mock}"
WORK="$(mktemp -d)"
cleanup() { [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "clients.sh: FAIL: $*" >&2; echo "--- mock stderr:" >&2; tail -20 "$WORK/err" >&2; exit 1; }

"$BIN" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --no-mint \
  --admin-token "clients-sh-admin-token-0123456789abcdef" \
  --ca-out "$WORK/ca.pem" --ready-file "$WORK/ready.json" >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/ready.json" ]] && break; sleep 0.05; done
[[ -s "$WORK/ready.json" ]] || fail "the mock did not write its ready file"
grep -q -- "--cacert $WORK/ca.pem" "$WORK/out" || fail "the banner does not say how to trust the CA from curl"
grep -q "NODE_EXTRA_CA_CERTS=$WORK/ca.pem" "$WORK/out" || fail "the banner does not say how to trust the CA from Node"
grep -q "REQUESTS_CA_BUNDLE=$WORK/ca-bundle.pem" "$WORK/out" || fail "the banner does not give Python the bundle (system roots + CA)"
grep -q "CURL_CA_BUNDLE=$WORK/ca-bundle.pem" "$WORK/out" || fail "the banner does not give CURL_CA_BUNDLE the bundle"
# A token given with --admin-token is a CI secret: not in the banner, not in the log.
! grep -q "admin-token-0123456789" "$WORK/out" "$WORK/err" || fail "the banner or the log shows the given admin token"

URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_url"])' "$WORK/ready.json")
ADMIN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin_url"])' "$WORK/ready.json")
AUTH="Authorization: Bearer clients-sh-admin-token-0123456789abcdef"
curl -sf --cacert "$WORK/ca.pem" "$ADMIN/healthz" >/dev/null || fail "admin /healthz"
KEY=$(curl -sf --cacert "$WORK/ca.pem" -H "$AUTH" -X POST -d '{"name":"clients"}' "$ADMIN/v1/keys" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])') || fail "minting a key"
export KEY URL

ENVELOPE='{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'

# curl, HTTP/1.1 and HTTP/2
for proto in --http1.1 --http2; do
  out=$(curl -s $proto --cacert "$WORK/ca.pem" -w '\n%{http_code}' "$URL/v1/account")
  [[ "$(tail -1 <<<"$out")" == 401 ]] || fail "curl $proto without a key: $(tail -1 <<<"$out")"
  [[ "$(head -1 <<<"$out")" == "$ENVELOPE" ]] || fail "curl $proto envelope: $(head -1 <<<"$out")"
  code=$(curl -s $proto --cacert "$WORK/ca.pem" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$URL/v1/account")
  [[ "$code" == 200 ]] || fail "curl $proto with the minted key: $code"
done
echo "clients.sh: curl ok (HTTP/1.1 and HTTP/2)"

# Python, standard library, trusting the bundle through SSL_CERT_FILE as the banner says.
SSL_CERT_FILE="$WORK/ca-bundle.pem" python3 - <<'PY' || fail "python"
import json, os, ssl, urllib.request, urllib.error
url, key = os.environ["URL"], os.environ["KEY"]
ctx = ssl.create_default_context()
try:
    urllib.request.urlopen(url + "/v1/account", context=ctx)
    raise SystemExit("python: expected 401 without a key")
except urllib.error.HTTPError as e:
    assert e.code == 401, e.code
    body = json.load(e)
    assert body["error"] == {"type": "authentication_error", "code": None, "message": "Invalid API key"}, body
    assert e.headers["WWW-Authenticate"] == 'Bearer realm="terminus-hub"'
req = urllib.request.Request(url + "/v1/account", headers={"Authorization": "Bearer " + key})
with urllib.request.urlopen(req, context=ctx) as r:
    assert r.status == 200, r.status
    assert json.load(r)["object"] == "account"
PY
echo "clients.sh: python ok"

# Python requests, if installed, trusting the bundle through REQUESTS_CA_BUNDLE.
if python3 -c 'import requests' 2>/dev/null; then
  REQUESTS_CA_BUNDLE="$WORK/ca-bundle.pem" python3 - <<'PY' || fail "python requests"
import os, requests
url, key = os.environ["URL"], os.environ["KEY"]
r = requests.get(url + "/v1/projects")
assert r.status_code == 401 and r.json()["error"]["code"] is None, r.text
r = requests.get(url + "/v1/projects", headers={"Authorization": "Bearer " + key})
assert r.status_code == 200, r.status_code
PY
  echo "clients.sh: python requests ok"
fi

# Node, trusting the CA through NODE_EXTRA_CA_CERTS.
if command -v node >/dev/null; then
  NODE_EXTRA_CA_CERTS="$WORK/ca.pem" node - <<'JS' || fail "node"
const https = require("https");
const { URL: U } = require("url");
function get(path, headers) {
  return new Promise((resolve, reject) => {
    https.get(new U(path, process.env.URL), { headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body, headers: res.headers }));
    }).on("error", reject);
  });
}
(async () => {
  const a = await get("/v1/account", {});
  if (a.status !== 401) throw new Error("node: expected 401, got " + a.status);
  const e = JSON.parse(a.body).error;
  if (e.type !== "authentication_error" || e.code !== null || e.message !== "Invalid API key") throw new Error(a.body);
  const b = await get("/v1/account", { Authorization: "Bearer " + process.env.KEY });
  if (b.status !== 200) throw new Error("node: expected 200, got " + b.status);
})().catch((e) => { console.error(e.message); process.exit(1); });
JS
  echo "clients.sh: node ok"
else
  fail "node is not installed (the rust machine ships Node.js; install nodejs)"
fi

# The log never holds the key, nor 10 consecutive characters of its secret.
kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
SECRET="${KEY#thub_}"
for ((i = 0; i + 10 <= ${#SECRET}; i++)); do
  if grep -qF -- "${SECRET:i:10}" "$WORK/err" "$WORK/out"; then fail "a piece of the minted key is in the mock's output"; fi
done
grep -q "shutting down" "$WORK/err" || fail "no graceful shutdown on SIGTERM"
echo "clients.sh: all clients ok; no key in the logs; graceful shutdown"
