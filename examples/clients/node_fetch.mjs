// Smoke program for `terminus-conformance client`: one call through Node's built-in fetch.
//
// Contract: read TERMINUS_BASE_URL and TERMINUS_API_KEY, make one GET /v1/account, exit 0 on
// success, non-zero on an error, printing the error as the client reports it. Node trusts the CA
// named by NODE_EXTRA_CA_CERTS (read when the process starts), which the runner sets.
//
//     terminus-conformance client -- node examples/clients/node_fetch.mjs
const base = process.env.TERMINUS_BASE_URL;
const key = process.env.TERMINUS_API_KEY;
if (!key) {
  console.error("error: no API key: set TERMINUS_API_KEY");
  process.exit(2);
}

try {
  const response = await fetch(`${base}/v1/account`, {
    headers: { Authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body.error ?? {};
    console.error(`error: HTTP ${response.status} ${error.type}: ${error.message}`);
    process.exit(1);
  }
  console.log("ok:", body.object);
} catch (e) {
  console.error(`error: ${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message}` : ""}`);
  process.exit(1);
}
