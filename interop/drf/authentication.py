"""Bearer keys for DRF, the way its authentication docs recommend: TokenAuthentication with
`keyword = "Bearer"` (its header parsing, its 401 with `WWW-Authenticate: Bearer`), the key
looked up in our key store instead of the authtoken table. envelope.py renders the refusals."""
import json
import os
import secrets

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

# The key store: the public, test-only keys of contract/fixtures/keys.json (active and revoked).
with open(os.environ["INTEROP_KEYS"]) as f:
    KEYS = {k["key"]: k["status"] for k in json.load(f)["keys"]}


class ApiKeyUser:
    """The account a key belongs to (DRF only asks whether it is authenticated)."""
    is_authenticated = True
    is_active = True

    def __init__(self, key):
        self.key = key


class BearerKeyAuthentication(TokenAuthentication):
    keyword = "Bearer"

    def authenticate_credentials(self, key):
        for known, status in KEYS.items():
            if status == "active" and secrets.compare_digest(key.encode(), known.encode()):
                return (ApiKeyUser(known), known)
        raise exceptions.AuthenticationFailed("Invalid API key")
