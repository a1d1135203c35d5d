"""aiohttp.web with an authentication middleware, as aiohttp's middleware docs show it: every
request, matched or not, passes the middleware before its handler. TLS through run_app's
ssl_context (HTTP/1.1).

    INTEROP_KEYS=contract/fixtures/keys.json python app.py --port 8443 --cert cert.pem --key key.pem
"""
import argparse
import hmac
import json
import os
import ssl

from aiohttp import web

# The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
with open(os.environ["INTEROP_KEYS"]) as f:
    KEYS = {k["key"]: k["status"] for k in json.load(f)["keys"]}

ENVELOPE = {"error": {"type": "authentication_error", "code": None, "message": "Invalid API key"}}


def valid(token):
    # aiohttp decodes header values as UTF-8 with surrogateescape: bytes that are not UTF-8 come
    # back on encode only with the same error handler (a plain .encode() raises: a 500).
    token = token.encode("utf-8", "surrogateescape")
    return any(status == "active" and hmac.compare_digest(token, key.encode())
               for key, status in KEYS.items())


@web.middleware
async def bearer_auth(request, handler):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not valid(token):
        return web.json_response(ENVELOPE, status=401, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    return await handler(request)


routes = web.RouteTableDef()


@routes.get("/v1/account")
async def account(request):
    return web.json_response({"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
                              "email": "sdk-tests@example.invalid"})


@routes.get("/v1/projects")
async def list_projects(request):
    return web.json_response({"object": "list", "has_more": False,
                              "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}]})


@routes.post("/v1/projects")
async def create_project(request):
    return web.json_response({"object": "project", "id": "prj_mock0002", "name": "New project"}, status=201)


@routes.get("/v1/projects/{id}")
async def get_project(request):
    return web.json_response({"object": "project", "id": request.match_info["id"], "name": "Example project"})


@routes.delete("/v1/projects/{id}")
async def delete_project(request):
    return web.json_response({"object": "project", "id": request.match_info["id"], "deleted": True})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    app = web.Application(middlewares=[bearer_auth])
    app.add_routes(routes)
    web.run_app(app, host="127.0.0.1", port=args.port, ssl_context=ctx, print=None)


if __name__ == "__main__":
    main()
