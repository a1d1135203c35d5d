// The package as an SDK author installs it (tests/npm-package.sh: npm pack, installed into a
// scratch project, run there with node:test and no cargo on PATH): start(), the admin client,
// the environment for child processes, stop(), and the `terminus-mock` command.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import https from "node:https";
import { createRequire } from "node:module";

import { start, binaryPath } from "terminus-mock";

let mock;
before(async () => {
  mock = await start();
});
after(() => mock?.stop());
beforeEach(() => mock.admin.clear());

// GET on the Public API, trusting the mock's CA (fetch would need NODE_EXTRA_CA_CERTS at start).
function get(path, key) {
  return new Promise((resolve, reject) => {
    const headers = key === undefined ? {} : { Authorization: `Bearer ${key}` };
    https
      .get(new URL(path, mock.baseUrl), { ca: mock.ca, headers, agent: false }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode, body }));
      })
      .on("error", reject);
  });
}

test("the binary is the one the package carries, and no cargo is needed", () => {
  assert.match(binaryPath(), /node_modules\/terminus-mock\/vendor\/linux-x64\/terminus-mock$/);
  assert.equal(spawnSync("cargo", ["--version"]).error?.code, "ENOENT", "cargo is on PATH");
  const version = createRequire(import.meta.url)("terminus-mock/package.json").version;
  const shown = execFileSync("node_modules/.bin/terminus-mock", ["--version"], { encoding: "utf8" });
  assert.ok(shown.includes(version), `terminus-mock --version: ${shown}`);
});

test("start() answers the base URL, the CA and an environment", () => {
  assert.match(mock.baseUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(mock.ca, /-----BEGIN CERTIFICATE-----/);
  assert.equal(mock.env.TERMINUS_BASE_URL, mock.baseUrl);
  assert.equal(mock.env.NODE_EXTRA_CA_CERTS, mock.caPath);
  assert.equal(mock.env.SSL_CERT_FILE, mock.caBundlePath);
});

test("a minted key reads the account, and the journal shows it without the key", async () => {
  const { key } = await mint("api-valid");
  const answer = await get("/v1/account", key);
  assert.equal(answer.status, 200);
  assert.equal(JSON.parse(answer.body).object, "account");
  const [entry, ...rest] = await mock.admin.requests({ path: "/v1/account" });
  assert.equal(rest.length, 0);
  assert.equal(entry.status, 200);
  assert.ok(!JSON.stringify(entry).includes(key.slice(5, 15)));
  assert.equal(await mock.admin.count({ status: 200 }), 1);
});

test("a revoked key is refused with the envelope", async () => {
  const minted = await mint("api-revoked");
  await mock.admin.revoke(minted);
  const answer = await get("/v1/account", minted.key);
  assert.equal(answer.status, 401);
  assert.equal(JSON.parse(answer.body).error.message, "Invalid API key");
});

test("a scripted fault answers once, then the route again; clear() empties the journal", async () => {
  const { key } = await mint("api-fault");
  await mock.admin.fault({ path: "/v1/account", times: 1, respond: { kind: "status", status: 503 } });
  assert.equal((await get("/v1/account", key)).status, 503);
  assert.equal((await get("/v1/account", key)).status, 200);
  assert.deepEqual((await mock.admin.requests()).map((e) => e.status), [503, 200]);
  await get("/v1/acount", key);
  assert.deepEqual((await mock.admin.unmatched()).map((e) => e.path), ["/v1/acount"]);
  await mock.admin.clear();
  assert.equal(await mock.admin.count(), 0);
});

test("a child process given env trusts the CA with fetch", async () => {
  const { key } = await mint("api-child");
  const script = `const r = await fetch(process.env.TERMINUS_BASE_URL + "/v1/account", ` +
    `{ headers: { Authorization: "Bearer " + process.env.TERMINUS_API_KEY } }); console.log(r.status);`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH, ...mock.env, TERMINUS_API_KEY: key },
    encoding: "utf8",
  });
  assert.equal(child.stdout.trim(), "200", child.stderr);
});

test("require() loads the same API (Jest's default CommonJS setup)", () => {
  const script = `const { start } = require("terminus-mock");
    start().then(async (m) => { console.log(m.baseUrl, await m.admin.count()); await m.stop(); });`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.match(child.stdout, /^https:\/\/127\.0\.0\.1:\d+ 0\n$/, child.stderr);
});

test("a wrong admin call rejects with the admin plane's answer", async () => {
  await assert.rejects(mock.admin.revoke("key_does_not_exist"), /DELETE \/v1\/keys\/key_does_not_exist answered 404/);
});

test("stop() ends the mock; a missing binary is an error that says which", async () => {
  const other = await start();
  await other.stop();
  assert.throws(() => process.kill(other.pid, 0), { code: "ESRCH" });
  await assert.rejects(start({ binary: "/nonexistent/terminus-mock" }), /could not run \/nonexistent\/terminus-mock/);
});

const mint = (name) => mock.admin.mint(name);
