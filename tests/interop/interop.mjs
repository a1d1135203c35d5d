// Node's fetch (undici, HTTP/1.1) and node:http2 against the mock: every combination of method,
// body and key, REPS times; one result line per combination (see tests/mock-interop.sh).
// Environment: URL, KEY, CA (the mock's CA file; fetch trusts it through NODE_EXTRA_CA_CERTS),
// REPS.
import http2 from "node:http2";
import { readFileSync } from "node:fs";

const { URL: BASE, KEY, CA } = process.env;
const REPS = Number(process.env.REPS ?? 30);
const ENVELOPE = '{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}';
const PATHS = { GET: "/v1/projects", POST: "/v1/projects", PUT: "/v1/projects/prj_1", DELETE: "/v1/projects/prj_1" };
const WITH_KEY = { GET: 200, POST: 201, PUT: 405, DELETE: 200 };
const BODY = '{"name":"proj"}';

function verdict(method, key, status, text) {
  const want = key ? WITH_KEY[method] : 401;
  if (status !== want) return `status ${status}, expected ${want}`;
  if (!key && text !== ENVELOPE) return "the 401 body is not the envelope";
  return null;
}

async function run(client, proto, send, refuses) {
  for (const method of Object.keys(PATHS)) {
    for (const body of ["none", "json"]) {
      for (const key of [true, false]) {
        const row = [client, proto, method, body, key ? "key" : "no key"];
        const refused = refuses?.(method, body);
        if (refused) {
          console.log([...row, "-", "-", refused].join("\t"));
          continue;
        }
        const headers = key ? { authorization: "Bearer " + KEY } : {};
        if (body === "json") headers["content-type"] = "application/json";
        let answered = 0, failed = 0, first = "";
        for (let i = 0; i < REPS; i++) {
          let error;
          try {
            const { status, text } = await send(method, PATHS[method], headers, body === "json" ? BODY : undefined);
            error = verdict(method, key, status, text);
          } catch (e) {
            error = `${e.name}: ${e.message}${e.cause ? " (" + e.cause.message + ")" : ""}`;
            if (e.name === "TimeoutError") {
              // Hung: the rest of the combination would hang too.
              failed += REPS - i - 1;
              error += ` (the remaining ${REPS - i - 1} not tried)`;
              i = REPS;
            }
          }
          if (error === null) answered++;
          else {
            failed++;
            first ||= error.split(KEY).join("<key>").replace(/[\t\n]/g, " ").slice(0, 160);
          }
        }
        console.log([...row, answered, failed, first].join("\t"));
      }
    }
  }
}

async function withFetch(method, path, headers, body) {
  const res = await fetch(BASE + path, { method, headers, body, signal: AbortSignal.timeout(10000) });
  return { status: res.status, text: await res.text() };
}

const session = http2.connect(BASE, { ca: readFileSync(CA) });
session.on("error", () => {});
function withHttp2(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = session.request({ ":method": method, ":path": path, ...headers }, { endStream: body === undefined });
    let status, text = "", ended = false;
    req.setEncoding("utf8");
    req.setTimeout(10000, () => {
      const e = new Error("no answer within 10 s");
      e.name = "TimeoutError";
      reject(e);
      req.close(http2.constants.NGHTTP2_CANCEL);
    });
    req.on("response", (h) => (status = h[":status"]));
    req.on("data", (c) => (text += c));
    req.on("end", () => { ended = true; resolve({ status, text }); });
    req.on("close", () => { if (!ended) reject(new Error(`stream closed before the answer ended (RST_STREAM code ${req.rstCode})`)); });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
  });
}

await run("node fetch", "h1", withFetch, (method, body) =>
  method === "GET" && body !== "none" ? "fetch refuses a GET with a body" : null);
await run("node http2", "h2", withHttp2);
session.close();
