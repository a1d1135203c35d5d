"""FastAPI + HTTPBearer, as FastAPI's security docs show it: a global dependency on the app,
HTTPBearer() with its defaults, and an exception handler that renders the contract's envelope
for every 401. Served by uvicorn with --ssl-keyfile/--ssl-certfile (HTTP/1.1).

    INTEROP_KEYS=contract/fixtures/keys.json uvicorn app:app --host 127.0.0.1 --port 8443 \
        --ssl-keyfile key.pem --ssl-certfile cert.pem
"""
import json
import os
import secrets

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

# The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
with open(os.environ["INTEROP_KEYS"]) as f:
    KEYS = {k["key"]: k["status"] for k in json.load(f)["keys"]}

ENVELOPE = {"error": {"type": "authentication_error", "code": None, "message": "Invalid API key"}}

security = HTTPBearer()


def require_api_key(credentials: HTTPAuthorizationCredentials = Depends(security)) -> str:
    for key, status in KEYS.items():
        if status == "active" and secrets.compare_digest(credentials.credentials.encode(), key.encode()):
            return key
    raise HTTPException(status_code=401, detail="Invalid API key", headers={"WWW-Authenticate": "Bearer"})


app = FastAPI(dependencies=[Depends(require_api_key)])


@app.exception_handler(StarletteHTTPException)
async def http_exception_handler(request, exc):
    if exc.status_code == 401:
        return JSONResponse(ENVELOPE, status_code=401, headers=exc.headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


@app.get("/v1/account")
def account():
    return {"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
            "email": "sdk-tests@example.invalid"}


@app.get("/v1/projects")
def list_projects():
    return {"object": "list", "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}],
            "has_more": False}


@app.post("/v1/projects", status_code=201)
def create_project():
    return {"object": "project", "id": "prj_mock0002", "name": "New project"}


@app.get("/v1/projects/{id}")
def get_project(id: str):
    return {"object": "project", "id": id, "name": "Example project"}


@app.delete("/v1/projects/{id}")
def delete_project(id: str):
    return {"object": "project", "id": id, "deleted": True}
