// terminus-mock for Node test suites: `start()` runs the mock binary this package carries on
// free loopback ports, waits for its ready file (mock-server/README.md: `public_url`,
// `admin_url`, `redirect_url`, `ca_path`, `ca_bundle_path`, `pid`), and answers what an SDK's
// tests need: the base URL, the CA, an environment for child processes, and an admin client for
// the mock's admin plane (SPEC.md part 2: keys, the request journal, scripted faults).
// Built-in modules only (child_process, https, fs): no dependencies. CommonJS, so Jest's
// default `require` loads it; index.js is the ESM entry (the same functions).
"use strict";
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

/** The platform directory this package's binary sits in: `linux-x64`, `darwin-arm64`, ... */
const PLATFORM = `${process.platform}-${process.arch}`;

/**
 * The terminus-mock binary: `$TERMINUS_MOCK` when set, else the one this package carries for
 * this platform. Throws, saying what to do, when there is neither.
 */
function binaryPath() {
  if (process.env.TERMINUS_MOCK) return process.env.TERMINUS_MOCK;
  const exe = process.platform === "win32" ? "terminus-mock.exe" : "terminus-mock";
  const carried = join(__dirname, "vendor", PLATFORM, exe);
  if (existsSync(carried)) return carried;
  throw new Error(
    `terminus-mock: this package carries no binary for ${PLATFORM}; ` +
      "install one (`cargo install terminus-mock`) and set TERMINUS_MOCK to its path",
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readJson(path) {
  try {
    const text = readFileSync(path, "utf8");
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined; // not written yet, or written halfway
  }
}

function tail(path) {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

/** One request to the admin plane, trusting only the mock's CA; the JSON answer, or null. */
function adminRequest(ready, token, ca, method, path, body) {
  const url = new URL(path, ready.admin_url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method,
        ca,
        agent: false,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { "Content-Type": "application/json" }),
        },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode >= 300) {
            reject(new Error(`terminus-mock admin: ${method} ${path} answered ${response.statusCode}: ${text}`));
          } else {
            resolve(text ? JSON.parse(text) : null);
          }
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

const query = (filters = {}) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
};

/**
 * Starts the mock. Options (all optional):
 * - `caDir`: where the CA is made once and kept (`--ca-dir`); default `$TERMINUS_CA_DIR`, else
 *   a fresh directory removed by `stop()`. Node reads NODE_EXTRA_CA_CERTS when it starts, so a
 *   suite that calls fetch in-process keeps one CA directory and starts node with
 *   `NODE_EXTRA_CA_CERTS=DIR/ca.pem`.
 * - `adminToken`: the admin plane's token (default: random, passed by environment, not argv).
 * - `args`: more flags for the binary (`--journal PATH`, `--max-body-bytes N`, ...).
 * - `binary`: the binary to run (default `binaryPath()`).
 * - `timeoutMs`: how long to wait for readiness (default 10 000).
 */
async function start(options = {}) {
  const work = mkdtempSync(join(tmpdir(), "terminus-mock-"));
  const caDir = options.caDir ?? process.env.TERMINUS_CA_DIR ?? join(work, "ca");
  const readyFile = join(work, "ready.json");
  const logFile = join(work, "mock.log");
  const token = options.adminToken ?? randomBytes(24).toString("hex");
  const binary = options.binary ?? binaryPath();
  const log = openSync(logFile, "a");
  const child = spawn(
    binary,
    [
      "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--redirect-listen", "127.0.0.1:0",
      "--no-mint", "--ca-dir", caDir, "--ready-file", readyFile, ...(options.args ?? []),
    ],
    {
      stdio: ["ignore", log, log],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn", TERMINUS_ADMIN_TOKEN: token },
    },
  );
  closeSync(log);
  // A suite that forgets stop() still exits, and takes the mock with it.
  child.unref();
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let exited = null;
  let spawnError = null;
  const exit = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve((exited = signal ?? code)));
    child.once("error", (e) => resolve((spawnError = e)));
  });

  const cleanUp = () => {
    process.removeListener("exit", killOnExit);
    rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let ready;
  while (!(ready = readJson(readyFile))) {
    if (spawnError || exited !== null || Date.now() > deadline) {
      const why = spawnError
        ? `could not run ${binary}: ${spawnError.message}`
        : exited !== null
          ? `${binary} exited (${exited}) before it was ready`
          : `${binary} was not ready after ${options.timeoutMs ?? 10_000} ms`;
      const output = tail(logFile);
      child.kill("SIGKILL");
      cleanUp();
      throw new Error(`terminus-mock: ${why}${output ? `; it said:\n${output}` : ""}`);
    }
    await sleep(25);
  }

  const ca = readFileSync(ready.ca_path, "utf8");
  const call = (method, path, body) => adminRequest(ready, token, ca, method, path, body);
  const admin = {
    /** Mints a key: `{ id, key, name, ... }` (the key is shown once). */
    mint: (name = "test") => call("POST", "/v1/keys", { name }),
    /** Revokes a key by its id (or the object `mint` answered): the key's record. */
    revoke: (id) => call("DELETE", `/v1/keys/${encodeURIComponent(typeof id === "object" ? id.id : id)}`),
    /** The request journal, oldest first, with filters: `{ method, path, status, since, ... }`. */
    requests: async (filters) => (await call("GET", `/v1/requests${query(filters)}`)).requests,
    /** Requests no route or fault matched (a typo in the SDK's paths shows here). */
    unmatched: async (filters) => (await call("GET", `/v1/requests/unmatched${query(filters)}`)).requests,
    /** How many journal entries match the filters. */
    count: async (filters) => (await call("GET", `/v1/requests/count${query(filters)}`)).count,
    /** Scripts a fault: `{ method, path, headers, times, respond: { kind, status, ... } }`. */
    fault: (spec) => call("POST", "/v1/faults", spec),
    /** Empties the journal and removes every fault (between tests). */
    clear: async () => {
      await call("DELETE", "/v1/requests");
      await call("DELETE", "/v1/faults");
    },
  };

  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      if (exited === null && !spawnError) {
        child.kill("SIGTERM");
        let timer;
        const late = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, "timeout")));
        const done = await Promise.race([exit, late]);
        clearTimeout(timer);
        if (done === "timeout") {
          child.kill("SIGKILL");
          await exit;
        }
      }
      cleanUp();
    })());

  return {
    baseUrl: ready.public_url,
    adminUrl: ready.admin_url,
    redirectUrl: ready.redirect_url,
    caPath: ready.ca_path,
    caBundlePath: ready.ca_bundle_path,
    ca,
    adminToken: token,
    pid: ready.pid,
    // For a child process (an SDK's CLI, another test runner): Node adds NODE_EXTRA_CA_CERTS to
    // its roots; the others replace theirs with the bundle (the system's roots + the CA).
    env: {
      TERMINUS_BASE_URL: ready.public_url,
      TERMINUS_ADMIN_URL: ready.admin_url,
      TERMINUS_ADMIN_TOKEN: token,
      NODE_EXTRA_CA_CERTS: ready.ca_path,
      SSL_CERT_FILE: ready.ca_bundle_path,
      REQUESTS_CA_BUNDLE: ready.ca_bundle_path,
      CURL_CA_BUNDLE: ready.ca_bundle_path,
    },
    admin,
    stop,
  };
}

module.exports = { PLATFORM, binaryPath, start };
