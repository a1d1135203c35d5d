// The example SDK's test suite against terminus-mock, with node:test and fetch: what an SDK
// author checks with the mock's request journal and scripted faults.
//
// Node reads NODE_EXTRA_CA_CERTS once, when the process starts, so the CA must exist before:
// run.sh starts the mock once with --ca-dir (which makes the CA and keeps it), then runs this
// file with NODE_EXTRA_CA_CERTS=DIR/ca.pem; the mock started below reuses that CA.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";

import { Client, AuthenticationError, TerminusError, USER_AGENT } from "./terminus-sdk.mjs";

const MOCK = process.env.TERMINUS_MOCK ?? new URL("../../target/debug/terminus-mock", import.meta.url).pathname;
const CA_DIR = process.env.TERMINUS_CA_DIR;
const ADMIN_TOKEN = "examples-node-admin-token-0123456789";
let mockProcess, ready;

async function admin(method, path, body) {
  const response = await fetch(ready.admin_url + path, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
}
const mint = async (name) => admin("POST", "/v1/keys", { name });
const journal = async (query = "") => (await admin("GET", `/v1/requests${query}`)).requests;
const count = async (query) => (await admin("GET", `/v1/requests/count?${query}`)).count;
const authorization = (entry) => entry.headers.filter((h) => h.name === "authorization").map((h) => h.value);

before(async () => {
  assert.ok(CA_DIR, "TERMINUS_CA_DIR: run this suite through examples/node/run.sh");
  const work = mkdtempSync(join(tmpdir(), "terminus-examples-node-"));
  const readyFile = join(work, "ready.json");
  mockProcess = spawn(MOCK, [
    "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--redirect-listen", "127.0.0.1:0",
    "--admin-token", ADMIN_TOKEN, "--no-mint", "--ca-dir", CA_DIR, "--ready-file", readyFile,
  ], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  for (let i = 0; i < 200 && !(existsSync(readyFile) && readFileSync(readyFile, "utf8").length); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  ready = JSON.parse(readFileSync(readyFile, "utf8"));
});

after(() => mockProcess?.kill("SIGTERM"));

beforeEach(async () => {
  await admin("DELETE", "/v1/requests");
  await admin("DELETE", "/v1/faults");
});

test("a valid key reads the account with one request", async () => {
  const { key } = await mint("sdk-valid");
  const account = await new Client({ apiKey: key, baseUrl: ready.public_url }).account();
  assert.equal(account.object, "account");
  const [entry, ...rest] = await journal();
  assert.equal(rest.length, 0);
  assert.deepEqual(authorization(entry), ['Bearer <valid key "sdk-valid">']);
  assert.equal(entry.status, 200);
});

test("a revoked key throws with the envelope's message, and the 401 is not retried", async () => {
  const { key, id } = await mint("sdk-old");
  await admin("DELETE", `/v1/keys/${id}`);
  await assert.rejects(new Client({ apiKey: key, baseUrl: ready.public_url }).account(), (e) => {
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.apiMessage, "Invalid API key");
    assert.ok(!e.message.includes(key.slice(5, 15)));
    return true;
  });
  const entries = await journal();
  assert.equal(entries.length, 1);
  assert.deepEqual(authorization(entries[0]), ['Bearer <revoked key "sdk-old">']);
});

test("429 with Retry-After is waited out", async () => {
  const { key } = await mint("sdk-429");
  await admin("POST", "/v1/faults", {
    method: "GET", path: "/v1/account", times: 1,
    respond: { kind: "status", status: 429, headers: { "retry-after": "1" } },
  });
  await new Client({ apiKey: key, baseUrl: ready.public_url }).account();
  const [first, second] = await journal();
  assert.deepEqual([first.status, second.status], [429, 200]);
  const waited = (Date.parse(second.time) - Date.parse(first.time)) / 1000;
  assert.ok(waited >= 0.95, `retried ${waited} s after Retry-After: 1`);
});

test("503 then success", async () => {
  const { key } = await mint("sdk-503");
  await admin("POST", "/v1/faults", { path: "/v1/account", times: 1, respond: { kind: "status", status: 503 } });
  await new Client({ apiKey: key, baseUrl: ready.public_url }).account();
  assert.deepEqual((await journal()).map((e) => e.status), [503, 200]);
});

test("a redirect to another origin does not carry the key", async () => {
  const { key } = await mint("sdk-redirect");
  const other = ready.redirect_url.replace("127.0.0.1", "localhost");
  await admin("POST", "/v1/faults", {
    path: "/v1/account", times: 1, respond: { kind: "redirect", status: 307, location: `${other}/v1/account` },
  });
  await new Client({ apiKey: key, baseUrl: ready.public_url }).account();
  const followed = await journal("?listener=redirect");
  assert.ok(followed.length > 0, "the SDK follows the redirect");
  for (const entry of followed) {
    assert.deepEqual(authorization(entry), []);
    assert.ok(!JSON.stringify(entry).includes("valid key"));
  }
});

test("no key fails before sending", async () => {
  const saved = process.env.TERMINUS_API_KEY;
  delete process.env.TERMINUS_API_KEY;
  try {
    assert.throws(() => new Client({ baseUrl: ready.public_url }), /TERMINUS_API_KEY/);
  } finally {
    if (saved !== undefined) process.env.TERMINUS_API_KEY = saved;
  }
  assert.deepEqual(await journal(), []);
});

test("the key is not in the client's inspection or JSON", async () => {
  const { key } = await mint("sdk-inspect");
  const client = new Client({ apiKey: key, baseUrl: ready.public_url });
  for (const shown of [inspect(client), JSON.stringify(client), String(client)]) {
    for (let i = 0; i + 10 <= key.length; i++) assert.ok(!shown.includes(key.slice(i, i + 10)), shown);
  }
});

test("the journal shows the SDK's User-Agent, Idempotency-Key and body in full, and no piece of the key", async () => {
  const { key } = await mint("sdk-create");
  await admin("POST", "/v1/faults", { method: "POST", path: "/v1/projects", times: 1, respond: { kind: "status", status: 503 } });
  await new Client({ apiKey: key, baseUrl: ready.public_url, backoffMs: 10 }).createProject("proj");
  const [first, second, ...rest] = await journal();
  assert.equal(rest.length, 0);
  assert.deepEqual([first.status, second.status], [503, 201]);
  const header = (entry, name) => entry.headers.find((h) => h.name === name)?.value;
  for (const entry of [first, second]) {
    assert.equal(header(entry, "user-agent"), USER_AGENT);
    assert.match(header(entry, "idempotency-key"), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(authorization(entry), ['Bearer <valid key "sdk-create">']);
    assert.deepEqual(entry.body, { size: 15, truncated: false, encoding: "utf-8", data: '{"name":"proj"}' });
  }
  assert.equal(header(first, "idempotency-key"), header(second, "idempotency-key"), "the retry reuses its key");
  assert.deepEqual([first.outcome, first.fault.kind, second.outcome, second.fault], ["answered", "status", "answered", undefined]);
  // No 10 consecutive characters of the key anywhere in what the admin plane answers.
  const text = JSON.stringify(await journal());
  for (let i = 0; i + 10 <= key.length; i++) assert.ok(!text.includes(key.slice(i, i + 10)), `piece ${i} of the key`);
});

test("a fault on the SDK's User-Agent leaves other clients alone, and the count says so", async () => {
  const { key } = await mint("sdk-agent");
  await admin("POST", "/v1/faults", {
    path: "/v1/account", headers: { "User-Agent": USER_AGENT }, times: 1,
    respond: { kind: "status", status: 503 },
  });
  const other = await fetch(`${ready.public_url}/v1/account`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(other.status, 200, "another client's requests are not selected");
  await other.body?.cancel();
  await new Client({ apiKey: key, baseUrl: ready.public_url, backoffMs: 10 }).account();
  assert.equal(await count("path=/v1/account&status=503"), 1);
  assert.equal(await count("path=/v1/account&status=200"), 2);
});

test("an empty response is a network error, retried a bounded number of times", async () => {
  const { key } = await mint("sdk-empty");
  await admin("POST", "/v1/faults", { path: "/v1/account", respond: { kind: "empty" } });
  await assert.rejects(
    new Client({ apiKey: key, baseUrl: ready.public_url, maxRetries: 2, backoffMs: 10 }).account(),
    (e) => !(e instanceof TerminusError),
  );
  assert.equal(await count("method=GET&path=/v1/account"), 3);
});

test("garbage instead of an answer is a network error, then the retry succeeds", async () => {
  const { key } = await mint("sdk-garbage");
  await admin("POST", "/v1/faults", { path: "/v1/account", times: 1, respond: { kind: "garbage" } });
  const account = await new Client({ apiKey: key, baseUrl: ready.public_url, backoffMs: 10 }).account();
  assert.equal(account.object, "account");
  assert.equal(await count("path=/v1/account"), 2);
});

test("a mistyped path shows among the unmatched requests", async () => {
  const { key } = await mint("sdk-typo");
  await assert.rejects(new Client({ apiKey: key, baseUrl: ready.public_url }).get("/v1/acount"), (e) => e.status === 404);
  const { requests } = await admin("GET", "/v1/requests/unmatched");
  assert.deepEqual(requests.map((e) => [e.path, e.matched]), [["/v1/acount", false]]);
});
