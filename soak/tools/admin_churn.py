"""Admin plane under load: thousands of concurrent mints and revocations, each checked at once
on the Public API, then the key list checked whole.

Usage: admin_churn.py PUBLIC_URL ADMIN_URL --token T --ca CA.pem --mints N --workers W

Each of W workers holds one keep-alive TLS connection to the admin plane and one to the Public
API, and repeats until N keys are minted in all:
  POST /v1/keys                       -> 201 with a key
  GET /v1/account with that key       -> 200 (a minted key works at once: KEY-5)
  every other key: DELETE /v1/keys/ID -> 200, then GET /v1/account with it -> 401, the
                                         envelope (revocation is immediate: KEY-4)
At the end: GET /v1/keys must list every minted id exactly once with the right status, and
the keys never revoked must all still work. Prints JSON figures and a verdict.
"""
import argparse
import asyncio
import json
import time

from wire import Conn, percentile, tls_context

ENVELOPE = b'{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'


async def worker(a, ctx, state):
    admin = await Conn.open(a.admin_url, ctx)
    public = await Conn.open(a.public_url, ctx)
    auth = [("Authorization", f"Bearer {a.token}")]
    try:
        while state["next"] < a.mints:
            n = state["next"]
            state["next"] += 1
            t0 = time.perf_counter()
            status, _, body = await admin.request("POST", "/v1/keys", auth,
                                                  json.dumps({"name": f"soak-{n}"}).encode())
            state["mint_ms"].append((time.perf_counter() - t0) * 1000)
            if status != 201:
                state["failures"].append(f"mint {n}: status {status}")
                continue
            minted = json.loads(body)
            key, kid = minted["key"], minted["id"]
            status, _, _ = await public.request("GET", "/v1/account", [("Authorization", f"Bearer {key}")])
            if status != 200:
                state["failures"].append(f"minted key {kid} got {status} on its first request")
            revoke = n % 2 == 1
            if revoke:
                t0 = time.perf_counter()
                status, _, _ = await admin.request("DELETE", f"/v1/keys/{kid}", auth)
                state["revoke_ms"].append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    state["failures"].append(f"revoke {kid}: status {status}")
                status, _, body = await public.request("GET", "/v1/account", [("Authorization", f"Bearer {key}")])
                if status != 401 or body != ENVELOPE:
                    state["failures"].append(f"revoked key {kid} got {status} on its next request")
            state["keys"][kid] = (key, "revoked" if revoke else "active")
    finally:
        admin.close()
        public.close()


async def main_async(a):
    ctx = tls_context(a.ca)
    admin = await Conn.open(a.admin_url, ctx)
    auth = [("Authorization", f"Bearer {a.token}")]
    status, _, body = await admin.request("GET", "/v1/keys", auth)
    before = {k["id"]: k["status"] for k in json.loads(body)["data"]}
    state = {"next": 0, "keys": {}, "failures": [], "mint_ms": [], "revoke_ms": []}
    t0 = time.perf_counter()
    results = await asyncio.gather(*(worker(a, ctx, state) for _ in range(a.workers)),
                                   return_exceptions=True)
    seconds = time.perf_counter() - t0
    for r in results:
        if isinstance(r, BaseException):
            state["failures"].append(f"a worker stopped: {r!r}")

    status, _, body = await admin.request("GET", "/v1/keys", auth, timeout=30)
    listed = json.loads(body)["data"]
    ids = [k["id"] for k in listed]
    problems = []
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} ids listed twice")
    listed_status = {k["id"]: k["status"] for k in listed}
    expected = dict(before)
    expected.update({kid: st for kid, (_, st) in state["keys"].items()})
    missing = [kid for kid in expected if kid not in listed_status]
    extra = [kid for kid in listed_status if kid not in expected]
    wrong = [kid for kid, st in expected.items() if kid in listed_status and listed_status[kid] != st]
    if missing:
        problems.append(f"{len(missing)} keys missing from the list")
    if extra:
        problems.append(f"{len(extra)} unexpected keys in the list")
    if wrong:
        problems.append(f"{len(wrong)} keys listed with the wrong status")
    admin.close()

    # Every key never revoked still works (KEY-5: rotation leaves other keys working).
    public = await Conn.open(a.public_url, ctx)
    still_failing = 0
    for kid, (key, st) in state["keys"].items():
        if st == "active":
            status, _, _ = await public.request("GET", "/v1/account", [("Authorization", f"Bearer {key}")])
            still_failing += status != 200
    public.close()
    if still_failing:
        problems.append(f"{still_failing} active keys no longer work")

    minted = len(state["keys"])
    revoked = sum(1 for _, st in state["keys"].values() if st == "revoked")
    ok = not state["failures"] and not problems and minted == a.mints
    return {
        "minted": minted, "revoked": revoked, "workers": a.workers, "seconds": round(seconds, 1),
        "admin_ops_per_s": round((minted + revoked) / seconds) if seconds else None,
        "mint_ms_p50": round(percentile(state["mint_ms"], 50), 2) if state["mint_ms"] else None,
        "mint_ms_p99": round(percentile(state["mint_ms"], 99), 2) if state["mint_ms"] else None,
        "revoke_ms_p99": round(percentile(state["revoke_ms"], 99), 2) if state["revoke_ms"] else None,
        "listed": len(ids), "listed_expected": len(expected),
        "check_failures": len(state["failures"]), "first_failures": state["failures"][:3],
        "list_problems": problems, "ok": ok,
        "why": None if ok else "; ".join(problems + state["failures"][:3]) or "fewer keys minted than asked",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("public_url")
    ap.add_argument("admin_url")
    ap.add_argument("--token", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--mints", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=64)
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args()
    try:
        out = asyncio.run(asyncio.wait_for(main_async(a), a.timeout))
    except asyncio.TimeoutError:
        out = {"ok": False, "why": f"not done within {a.timeout} s"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
