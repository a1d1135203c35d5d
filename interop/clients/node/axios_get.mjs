// Smoke program (SPEC.md part 4): one GET /v1/account through axios (on Node: follow-redirects
// follows redirects; no retries), the version of the set it is copied into
// (interop/clients/run.sh). Node trusts NODE_EXTRA_CA_CERTS, which the grader sets.
//
// Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
import axios from "axios";

const base = process.env.TERMINUS_BASE_URL;
const key = process.env.TERMINUS_API_KEY;
if (!key) {
  console.error("error: no API key: set TERMINUS_API_KEY");
  process.exit(2);
}
try {
  const response = await axios.get(`${base}/v1/account`, {
    headers: { Authorization: `Bearer ${key}` },
    timeout: 10_000,
  });
  console.log("ok:", response.data.object);
} catch (e) {
  // Not the error object itself: axios errors hold the request config, headers included.
  const body = e.response ? JSON.stringify(e.response.data).slice(0, 300) : "";
  console.error(`error: ${e.name}: ${e.message}${e.code ? ` (${e.code})` : ""} ${body}`);
  process.exit(1);
}
