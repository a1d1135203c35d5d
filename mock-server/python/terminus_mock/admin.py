"""The mock's admin plane from Python (SPEC.md part 2; mock-server/README.md): keys (KEY-1
minted, KEY-4/KEY-5 revoked), the request journal, scripted faults.

Standard library only (urllib). It talks to loopback alone, trusts the mock's CA alone (not the
system's roots), ignores proxy variables, and sends the admin token to nothing else. A key
appears whole only in `MintedKey.key`; reprs and errors show its last four characters.
"""
import ipaddress
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import NamedTuple, Optional

__all__ = ["AdminClient", "AdminError", "MintedKey", "hint"]


def hint(key):
    """What may be shown of a key: `thub_…` and its last four characters."""
    return f"thub_…{key[-4:]}" if key else repr(key)


class MintedKey(NamedTuple):
    """A key minted through the admin plane: `key` (the only time the whole key is seen), its
    `id` (to revoke it) and `name`. Unpacks as `key, key_id, name`."""

    key: str
    id: str
    name: Optional[str]

    def __repr__(self):
        return f"MintedKey(key={hint(self.key)!r}, id={self.id!r}, name={self.name!r})"

    __str__ = __repr__


class AdminError(RuntimeError):
    """The admin plane refused a request: `status`, and the envelope's `type` and `message`
    (a 400 names the member or filter that is wrong)."""

    def __init__(self, method, path, status, type_, message):
        super().__init__(f"{method} {path}: HTTP {status} {type_}: {message}")
        self.status, self.type, self.message = status, type_, message


def _loopback(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class AdminClient:
    """The admin plane of one running mock: `AdminClient(admin_url, token, ca_path)`."""

    def __init__(self, admin_url, token, ca_path, timeout=10):
        if not _loopback(admin_url):
            raise ValueError(f"the admin client talks to loopback only, not {admin_url}")
        self.url = admin_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        context = ssl.create_default_context(cafile=ca_path)
        # ProxyHandler({}): HTTPS_PROXY and the like never see the token.
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
        )

    def __repr__(self):
        return f"<AdminClient {self.url}>"

    def call(self, method, path, body=None, query=None):
        """One admin request; the decoded JSON answer (None for 204). Raises `AdminError`."""
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: _query_value(v) for k, v in query.items()})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self._token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                envelope = json.loads(raw)["error"]
                type_, message = envelope.get("type"), envelope.get("message")
            except (ValueError, KeyError, TypeError):
                type_, message = None, raw[:200].decode(errors="replace")
            raise AdminError(method, path, error.code, type_, message) from None
        return json.loads(raw) if raw else None

    # Keys (KEY-1, KEY-4, KEY-5).

    def mint(self, name=None):
        """A new key (`MintedKey`), valid from the next request."""
        created = self.call("POST", "/v1/keys", {} if name is None else {"name": name})
        return MintedKey(created["key"], created["id"], created.get("name"))

    def revoke(self, key):
        """Revokes a key by its id (or its `MintedKey`): refused from the next request."""
        key_id = key.id if isinstance(key, MintedKey) else key
        return self.call("DELETE", f"/v1/keys/{urllib.parse.quote(key_id, safe='')}")

    def keys(self):
        """Every key's record (id, name, hint, status, times; never the key)."""
        return self.call("GET", "/v1/keys")["data"]

    # The request journal: filters are GET /v1/requests' (method, path, status, since,
    # key_id, key_name, listener, matched).

    def requests(self, **filters):
        """The journaled requests passing `filters`, oldest first."""
        return self.call("GET", "/v1/requests", query=filters)["requests"]

    def count(self, **filters):
        """How many journaled requests pass `filters`."""
        return self.call("GET", "/v1/requests/count", query=filters)["count"]

    def unmatched(self, **filters):
        """The authenticated requests no route or fault had an answer for (a typo in a path)."""
        return self.call("GET", "/v1/requests/unmatched", query=filters)["requests"]

    # Scripted faults.

    def fault(self, spec=None, **members):
        """Arms a fault (`{"path": ..., "times": 1, "respond": {"kind": "status", ...}}`, or the
        same as keyword arguments); answers it as listed, with its `id`."""
        return self.call("POST", "/v1/faults", {**(spec or {}), **members})

    def faults(self):
        """The faults, with `remaining` and `hits` (spent ones too)."""
        return self.call("GET", "/v1/faults")["faults"]

    def clear(self):
        """Empties the journal and removes every fault (keys stay): a clean slate per test."""
        self.call("DELETE", "/v1/requests")
        self.call("DELETE", "/v1/faults")
