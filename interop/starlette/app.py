"""Starlette's own authentication, as its docs show it: AuthenticationMiddleware with an
AuthenticationBackend adapted from the docs' BasicAuthBackend to bearer keys (`auth.split()`,
the scheme compared case-insensitively), `on_error` and an HTTPException handler rendering the
contract's envelope, `@requires("authenticated", status_code=401)` on each endpoint. Served by
uvicorn with --ssl-keyfile/--ssl-certfile (HTTP/1.1).

    INTEROP_KEYS=contract/fixtures/keys.json uvicorn app:app --host 127.0.0.1 --port 8443 \
        --ssl-keyfile key.pem --ssl-certfile cert.pem
"""
import json
import os
import secrets

from starlette.applications import Starlette
from starlette.authentication import (AuthCredentials, AuthenticationBackend, AuthenticationError,
                                      SimpleUser, requires)
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route

# The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
with open(os.environ["INTEROP_KEYS"]) as f:
    KEYS = {k["key"]: k for k in json.load(f)["keys"]}

ENVELOPE = {"error": {"type": "authentication_error", "code": None, "message": "Invalid API key"}}


class BearerKeyBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        if "Authorization" not in conn.headers:
            return None
        auth = conn.headers["Authorization"]
        try:
            scheme, token = auth.split()
        except ValueError:
            raise AuthenticationError("Invalid API key")
        if scheme.lower() != "bearer":
            return None
        for key, entry in KEYS.items():
            if entry["status"] == "active" and secrets.compare_digest(token.encode(), key.encode()):
                return AuthCredentials(["authenticated"]), SimpleUser(entry["id"])
        raise AuthenticationError("Invalid API key")


def refuse(conn, exc):
    return JSONResponse(ENVELOPE, status_code=401, headers={"WWW-Authenticate": "Bearer"})


async def http_exception(request, exc):
    if exc.status_code == 401:
        return refuse(request, exc)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


@requires("authenticated", status_code=401)
async def account(request):
    return JSONResponse({"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
                         "email": "sdk-tests@example.invalid"})


@requires("authenticated", status_code=401)
async def projects(request):
    if request.method == "POST":
        return JSONResponse({"object": "project", "id": "prj_mock0002", "name": "New project"}, status_code=201)
    return JSONResponse({"object": "list", "has_more": False,
                         "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}]})


@requires("authenticated", status_code=401)
async def project(request):
    id = request.path_params["id"]
    if request.method == "DELETE":
        return JSONResponse({"object": "project", "id": id, "deleted": True})
    return JSONResponse({"object": "project", "id": id, "name": "Example project"})


app = Starlette(
    routes=[
        Route("/v1/account", account),
        Route("/v1/projects", projects, methods=["GET", "POST"]),
        Route("/v1/projects/{id}", project, methods=["GET", "DELETE"]),
    ],
    middleware=[Middleware(AuthenticationMiddleware, backend=BearerKeyBackend(), on_error=refuse)],
    exception_handlers={HTTPException: http_exception},
)
