// The example SDK's test suite against terminus-mock, with node:test and fetch: what an SDK
// author checks with the mock's request journal and scripted faults, through the npm package's
// API (packages/npm/terminus-mock: `start()` → baseUrl, the CA, an admin client, stop()).
//
// Node reads NODE_EXTRA_CA_CERTS once, when the process starts, so the CA must exist before:
// run.sh makes it once in TERMINUS_CA_DIR (a first start() there), then runs this file with
// NODE_EXTRA_CA_CERTS=DIR/ca.pem; start() below reuses that CA (it reads TERMINUS_CA_DIR).
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";

import { start } from "terminus-mock";
import { Client, AuthenticationError, TerminusError, USER_AGENT } from "./terminus-sdk.mjs";

let mock, admin;

const mint = (name) => admin.mint(name);
const journal = (filters) => admin.requests(filters);
const count = (filters) => admin.count(filters);
const authorization = (entry) => entry.headers.filter((h) => h.name === "authorization").map((h) => h.value);

before(async () => {
  assert.ok(process.env.TERMINUS_CA_DIR, "TERMINUS_CA_DIR: run this suite through examples/node/run.sh");
  mock = await start();
  admin = mock.admin;
});

after(() => mock?.stop());

beforeEach(() => admin.clear());

test("a valid key reads the account with one request", async () => {
  const { key } = await mint("sdk-valid");
  const account = await new Client({ apiKey: key, baseUrl: mock.baseUrl }).account();
  assert.equal(account.object, "account");
  const [entry, ...rest] = await journal();
  assert.equal(rest.length, 0);
  assert.deepEqual(authorization(entry), ['Bearer <valid key "sdk-valid">']);
  assert.equal(entry.status, 200);
});

test("a revoked key throws with the envelope's message, and the 401 is not retried", async () => {
  const { key, id } = await mint("sdk-old");
  await admin.revoke(id);
  await assert.rejects(new Client({ apiKey: key, baseUrl: mock.baseUrl }).account(), (e) => {
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
  await admin.fault({
    method: "GET", path: "/v1/account", times: 1,
    respond: { kind: "status", status: 429, headers: { "retry-after": "1" } },
  });
  await new Client({ apiKey: key, baseUrl: mock.baseUrl }).account();
  const [first, second] = await journal();
  assert.deepEqual([first.status, second.status], [429, 200]);
  const waited = (Date.parse(second.time) - Date.parse(first.time)) / 1000;
  assert.ok(waited >= 0.95, `retried ${waited} s after Retry-After: 1`);
});

test("503 then success", async () => {
  const { key } = await mint("sdk-503");
  await admin.fault({ path: "/v1/account", times: 1, respond: { kind: "status", status: 503 } });
  await new Client({ apiKey: key, baseUrl: mock.baseUrl }).account();
  assert.deepEqual((await journal()).map((e) => e.status), [503, 200]);
});

test("a redirect to another origin does not carry the key", async () => {
  const { key } = await mint("sdk-redirect");
  const other = mock.redirectUrl.replace("127.0.0.1", "localhost");
  await admin.fault({
    path: "/v1/account", times: 1, respond: { kind: "redirect", status: 307, location: `${other}/v1/account` },
  });
  await new Client({ apiKey: key, baseUrl: mock.baseUrl }).account();
  const followed = await journal({ listener: "redirect" });
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
    assert.throws(() => new Client({ baseUrl: mock.baseUrl }), /TERMINUS_API_KEY/);
  } finally {
    if (saved !== undefined) process.env.TERMINUS_API_KEY = saved;
  }
  assert.deepEqual(await journal(), []);
});

test("the key is not in the client's inspection or JSON", async () => {
  const { key } = await mint("sdk-inspect");
  const client = new Client({ apiKey: key, baseUrl: mock.baseUrl });
  for (const shown of [inspect(client), JSON.stringify(client), String(client)]) {
    for (let i = 0; i + 10 <= key.length; i++) assert.ok(!shown.includes(key.slice(i, i + 10)), shown);
  }
});

test("the journal shows the SDK's User-Agent, Idempotency-Key and body in full, and no piece of the key", async () => {
  const { key } = await mint("sdk-create");
  await admin.fault({ method: "POST", path: "/v1/projects", times: 1, respond: { kind: "status", status: 503 } });
  await new Client({ apiKey: key, baseUrl: mock.baseUrl, backoffMs: 10 }).createProject("proj");
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
  await admin.fault({
    path: "/v1/account", headers: { "User-Agent": USER_AGENT }, times: 1,
    respond: { kind: "status", status: 503 },
  });
  const other = await fetch(`${mock.baseUrl}/v1/account`, { headers: { Authorization: `Bearer ${key}` } });
  assert.equal(other.status, 200, "another client's requests are not selected");
  await other.body?.cancel();
  await new Client({ apiKey: key, baseUrl: mock.baseUrl, backoffMs: 10 }).account();
  assert.equal(await count({ path: "/v1/account", status: 503 }), 1);
  assert.equal(await count({ path: "/v1/account", status: 200 }), 2);
});

test("an empty response is a network error, retried a bounded number of times", async () => {
  const { key } = await mint("sdk-empty");
  await admin.fault({ path: "/v1/account", respond: { kind: "empty" } });
  await assert.rejects(
    new Client({ apiKey: key, baseUrl: mock.baseUrl, maxRetries: 2, backoffMs: 10 }).account(),
    (e) => !(e instanceof TerminusError),
  );
  assert.equal(await count({ method: "GET", path: "/v1/account" }), 3);
});

test("garbage instead of an answer is a network error, then the retry succeeds", async () => {
  const { key } = await mint("sdk-garbage");
  await admin.fault({ path: "/v1/account", times: 1, respond: { kind: "garbage" } });
  const account = await new Client({ apiKey: key, baseUrl: mock.baseUrl, backoffMs: 10 }).account();
  assert.equal(account.object, "account");
  assert.equal(await count({ path: "/v1/account" }), 2);
});

test("a mistyped path shows among the unmatched requests", async () => {
  const { key } = await mint("sdk-typo");
  await assert.rejects(new Client({ apiKey: key, baseUrl: mock.baseUrl }).get("/v1/acount"), (e) => e.status === 404);
  const requests = await admin.unmatched();
  assert.deepEqual(requests.map((e) => [e.path, e.matched]), [["/v1/acount", false]]);
});
