// A tiny client library for the Terminus Hub Public API, on Node's built-in fetch: the kind
// of SDK whose test suite runs against terminus-mock (see sdk.test.mjs).
//
// What it promises, after SPEC.md part 4 (the client contract):
// - the key travels as `Authorization: Bearer <key>` and nowhere else (CLI-1, CLI-2), taken
//   from `apiKey` or TERMINUS_API_KEY, and without either it fails before sending (CLI-3);
// - it never leaves the configured origin: redirects are followed by hand, and the key is
//   dropped when the origin changes; never followed to http:// (CLI-4); TLS is verified (CLI-5);
// - a 401 is final and throws AuthenticationError with the envelope's message (CLI-6);
// - 429, 503 and network errors are retried at most `maxRetries` times, waiting at least
//   `Retry-After` and backing off exponentially otherwise (CLI-7);
// - the key is in no message or inspection output (CLI-8);
// - every request says who sent it (`User-Agent: terminus-sdk-node/0.0.1`), and a request that
//   creates something carries an `Idempotency-Key` (a UUID), the same on each retry.

export class TerminusError extends Error {
  constructor(status, type, message) {
    super(`HTTP ${status} ${type}: ${message}`);
    this.status = status;
    this.type = type;
    this.apiMessage = message;
  }
}

export class AuthenticationError extends TerminusError {}

// What every request of this SDK says it is (a test can script a fault for this SDK alone).
export const USER_AGENT = "terminus-sdk-node/0.0.1";
const RETRIED = new Set([429, 503]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class Client {
  #key;

  constructor({ apiKey, baseUrl, maxRetries = 2, backoffMs = 250, timeoutMs = 10_000 } = {}) {
    const key = apiKey ?? process.env.TERMINUS_API_KEY;
    if (!key) throw new Error("no API key: pass { apiKey } or set TERMINUS_API_KEY");
    this.#key = key;
    this.baseUrl = (baseUrl ?? process.env.TERMINUS_BASE_URL ?? "https://api.terminus.example").replace(/\/$/, "");
    Object.assign(this, { maxRetries, backoffMs, timeoutMs });
  }

  account() {
    return this.get("/v1/account");
  }

  get(path) {
    return this.#request("GET", path);
  }

  // POST /v1/projects: one Idempotency-Key for every attempt.
  createProject(name) {
    return this.#request("POST", "/v1/projects", { name }, { "Idempotency-Key": crypto.randomUUID() });
  }

  async #request(method, path, json, headers = {}) {
    const init = { method, headers: { ...headers }, body: json === undefined ? undefined : JSON.stringify(json) };
    if (json !== undefined) init.headers["Content-Type"] = "application/json";
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await this.#follow(new URL(this.baseUrl + path), init);
      } catch (e) {
        if (e instanceof TerminusError || attempt >= this.maxRetries) throw e;
        await sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      if (RETRIED.has(response.status) && attempt < this.maxRetries) {
        const retryAfter = Number(response.headers.get("retry-after"));
        await response.body?.cancel();
        await sleep(Math.max(this.backoffMs * 2 ** attempt, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0));
        continue;
      }
      const body = await response.json().catch(() => ({}));
      if (response.ok) return body;
      const { type, message } = body.error ?? {};
      const Kind = response.status === 401 ? AuthenticationError : TerminusError;
      throw new Kind(response.status, type, message ?? response.statusText);
    }
  }

  // Redirects by hand: the key goes to the configured origin only.
  async #follow(url, init) {
    const origin = new URL(this.baseUrl).origin;
    for (let hops = 0; hops <= 5; hops++) {
      const headers = { ...init.headers, "User-Agent": USER_AGENT };
      if (url.origin === origin) headers.Authorization = `Bearer ${this.#key}`;
      const response = await fetch(url, {
        ...init,
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!REDIRECTS.has(response.status)) return response;
      const next = new URL(response.headers.get("location"), url);
      await response.body?.cancel();
      if (next.protocol !== "https:") {
        throw new TerminusError(response.status, "redirect_refused", `not following a redirect to ${next.origin}`);
      }
      url = next;
    }
    throw new TerminusError(310, "redirect_refused", "too many redirects");
  }

  [Symbol.for("nodejs.util.inspect.custom")]() {
    return `Client { baseUrl: '${this.baseUrl}', apiKey: 'thub_…${this.#key.slice(-4)}' }`;
  }

  toJSON() {
    return { baseUrl: this.baseUrl };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
