// The suite tests/npm-frameworks.sh runs under each test runner (make test-npm-frameworks): one
// mock per file (beforeAll/afterAll), the journal and a scripted fault checked after the SDK's
// calls. Each runner's file hands it that runner's functions and the `start` it imported its
// own way (Vitest: `import`; Jest's default setup: `require`).
const https = require("node:https");

module.exports = function suite({ test, expect, beforeAll, afterAll, beforeEach }, start, runner) {
  let mock;
  beforeAll(async () => {
    mock = await start();
  });
  afterAll(() => mock && mock.stop());
  beforeEach(() => mock.admin.clear());

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

  test("a minted key reads the account; no key and a revoked key get the envelope", async () => {
    const minted = await mock.admin.mint(runner);
    expect((await get("/v1/account", minted.key)).status).toBe(200);
    const refused = await get("/v1/account");
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.code).toBeNull();
    await mock.admin.revoke(minted.id);
    expect((await get("/v1/account", minted.key)).status).toBe(401);
    expect(await mock.admin.count({ path: "/v1/account", status: 401 })).toBe(2);
  });

  test("a scripted 503 is answered once, then the route is served again", async () => {
    const { key } = await mock.admin.mint(`${runner}-fault`);
    await mock.admin.fault({ path: "/v1/account", times: 1, respond: { kind: "status", status: 503 } });
    expect((await get("/v1/account", key)).status).toBe(503);
    expect((await get("/v1/account", key)).status).toBe(200);
    const seen = await mock.admin.requests({ path: "/v1/account" });
    expect(seen.map((r) => r.status)).toEqual([503, 200]);
  });
};
