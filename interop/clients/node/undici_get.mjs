// Smoke program (SPEC.md part 4): one GET /v1/account through undici's `request` (its defaults:
// no redirects followed, no retries), the version of the set it is copied into
// (interop/clients/run.sh). undici's TLS is Node's, which trusts NODE_EXTRA_CA_CERTS.
//
// Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
import { request } from "undici";

const base = process.env.TERMINUS_BASE_URL;
const key = process.env.TERMINUS_API_KEY;
if (!key) {
  console.error("error: no API key: set TERMINUS_API_KEY");
  process.exit(2);
}
try {
  const { statusCode, body } = await request(`${base}/v1/account`, {
    headers: { authorization: `Bearer ${key}` },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await body.text();
  if (statusCode !== 200) {
    console.error(`error: HTTP ${statusCode}: ${text.slice(0, 300)}`);
    process.exit(1);
  }
  console.log("ok:", JSON.parse(text).object);
} catch (e) {
  console.error(`error: ${e.name}: ${e.message}${e.code ? ` (${e.code})` : ""}`);
  process.exit(1);
}
