// Smoke program (SPEC.md part 4): one GET /v1/account through got (its defaults: redirects
// followed, two retries of 429/5xx/network errors honouring Retry-After), the version of the set
// it is copied into (interop/clients/run.sh). Node trusts NODE_EXTRA_CA_CERTS.
//
// Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
import got from "got";

const base = process.env.TERMINUS_BASE_URL;
const key = process.env.TERMINUS_API_KEY;
if (!key) {
  console.error("error: no API key: set TERMINUS_API_KEY");
  process.exit(2);
}
try {
  const body = await got(`${base}/v1/account`, {
    headers: { authorization: `Bearer ${key}` },
    timeout: { request: 10_000 },
  }).json();
  console.log("ok:", body.object);
} catch (e) {
  // Not the error object itself: got errors hold the request options, headers included.
  const body = e.response ? String(e.response.body).slice(0, 300) : "";
  console.error(`error: ${e.name}: ${e.message}${e.code ? ` (${e.code})` : ""} ${body}`);
  process.exit(1);
}
