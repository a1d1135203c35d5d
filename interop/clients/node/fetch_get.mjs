// Smoke program (SPEC.md part 4): one GET /v1/account through Node's built-in fetch (undici
// inside Node; redirects followed, no retries), or, with `node-fetch` as argument, through the
// node-fetch package of the set it is copied into (interop/clients/run.sh). Node trusts
// NODE_EXTRA_CA_CERTS, read at start, which the grader sets.
//
// Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
const base = process.env.TERMINUS_BASE_URL;
const key = process.env.TERMINUS_API_KEY;
if (!key) {
  console.error("error: no API key: set TERMINUS_API_KEY");
  process.exit(2);
}
const fetchFn = process.argv[2] === "node-fetch" ? (await import("node-fetch")).default : fetch;
try {
  const response = await fetchFn(`${base}/v1/account`, {
    headers: { Authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    console.error(`error: HTTP ${response.status}: ${text.slice(0, 300)}`);
    process.exit(1);
  }
  console.log("ok:", JSON.parse(text).object);
} catch (e) {
  console.error(`error: ${e.name}: ${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message}` : ""}`);
  process.exit(1);
}
