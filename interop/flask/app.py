"""Flask + Flask-HTTPAuth HTTPTokenAuth(scheme='Bearer'), as its docs show it: @auth.verify_token,
@auth.error_handler rendering the contract's envelope, @auth.login_required on every view.
Served by gunicorn with --certfile/--keyfile.

    INTEROP_KEYS=contract/fixtures/keys.json gunicorn -b 127.0.0.1:8443 \
        --certfile cert.pem --keyfile key.pem app:app
"""
import json
import os
import secrets

from flask import Flask, jsonify
from flask_httpauth import HTTPTokenAuth

# The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
with open(os.environ["INTEROP_KEYS"]) as f:
    KEYS = {k["key"]: k["status"] for k in json.load(f)["keys"]}

app = Flask(__name__)
auth = HTTPTokenAuth(scheme="Bearer")


@auth.verify_token
def verify_token(token):
    for key, status in KEYS.items():
        if status == "active" and secrets.compare_digest(token.encode(), key.encode()):
            return key
    return None


@auth.error_handler
def auth_error(status):
    return jsonify(error={"type": "authentication_error", "code": None, "message": "Invalid API key"}), 401


@app.get("/v1/account")
@auth.login_required
def account():
    return {"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
            "email": "sdk-tests@example.invalid"}


@app.get("/v1/projects")
@auth.login_required
def list_projects():
    return {"object": "list", "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}],
            "has_more": False}


@app.post("/v1/projects")
@auth.login_required
def create_project():
    return {"object": "project", "id": "prj_mock0002", "name": "New project"}, 201


@app.get("/v1/projects/<id>")
@auth.login_required
def get_project(id):
    return {"object": "project", "id": id, "name": "Example project"}


@app.delete("/v1/projects/<id>")
@auth.login_required
def delete_project(id):
    return {"object": "project", "id": id, "deleted": True}
