"""A tiny client library for the Terminus Hub Public API: the kind of SDK whose test suite
runs against terminus-mock (see test_sdk.py).

What it promises, after SPEC.md part 4 (the client contract):
- the key travels as `Authorization: Bearer <key>` and nowhere else (CLI-1, CLI-2), taken from
  `api_key=` or TERMINUS_API_KEY, and without either it fails before sending (CLI-3);
- it never leaves the configured origin (requests drops Authorization on a redirect to
  another host, port or scheme) (CLI-4); TLS is verified (CLI-5);
- a 401 is final and raises AuthenticationError with the envelope's message (CLI-6);
- 429, 503 and reset connections are retried at most `max_retries` times, waiting at least
  `Retry-After` and backing off exponentially otherwise (CLI-7);
- the key is in no message, log line or repr (CLI-8);
- every request says who sent it (`User-Agent: terminus-sdk-python/0.0.1`), and a request that
  creates something carries an `Idempotency-Key` (a UUID), the same on each retry.
"""
import os
import time
import uuid

import requests

__all__ = ["Client", "TerminusError", "AuthenticationError", "USER_AGENT"]

# What every request of this SDK says it is (a test can script a fault for this SDK alone).
USER_AGENT = "terminus-sdk-python/0.0.1"


class TerminusError(Exception):
    """An error answer of the API: its status, and the envelope's `type` and `message`."""

    def __init__(self, status, type_, message):
        super().__init__(f"HTTP {status} {type_}: {message}")
        self.status, self.type, self.message = status, type_, message


class AuthenticationError(TerminusError):
    """The 401: the key is missing, malformed, unknown or revoked. Never retried."""



class Client:
    RETRIED = (429, 503)

    def __init__(self, api_key=None, base_url=None, max_retries=2, backoff=0.25, timeout=10):
        api_key = api_key if api_key is not None else os.environ.get("TERMINUS_API_KEY")
        if not api_key:
            raise ValueError("no API key: pass api_key=... or set TERMINUS_API_KEY")
        self._key = api_key
        self.base_url = (base_url or os.environ.get("TERMINUS_BASE_URL") or "https://api.terminus.example").rstrip("/")
        self.max_retries, self.backoff, self.timeout = max_retries, backoff, timeout
        self._session = requests.Session()

    def __repr__(self):
        return f"Client(base_url={self.base_url!r}, api_key='thub_…{self._key[-4:]}')"

    def account(self):
        return self.get("/v1/account")

    def get(self, path):
        return self._request("GET", path)

    def create_project(self, name):
        """POST /v1/projects, with one Idempotency-Key for every attempt."""
        return self._request("POST", "/v1/projects", json={"name": name},
                             headers={"Idempotency-Key": str(uuid.uuid4())})

    def _request(self, method, path, json=None, headers=None):
        headers = {**(headers or {}), "Authorization": f"Bearer {self._key}",
                   "User-Agent": USER_AGENT}
        attempt = 0
        while True:
            try:
                response = self._session.request(
                    method,
                    self.base_url + path,
                    headers=headers,
                    json=json,
                    timeout=self.timeout,
                )
            except requests.ConnectionError:
                if attempt >= self.max_retries:
                    raise
                attempt += 1
                time.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if response.status_code in self.RETRIED and attempt < self.max_retries:
                attempt += 1
                time.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.ok:
                return response.json()
            raise self._error(response)

    def _delay(self, attempt, retry_after):
        delay = self.backoff * 2 ** (attempt - 1)
        try:
            return max(delay, float(retry_after)) if retry_after is not None else delay
        except ValueError:
            return delay

    @staticmethod
    def _error(response):
        try:
            error = response.json()["error"]
            type_, message = error.get("type"), error.get("message")
        except (ValueError, KeyError, TypeError):
            type_, message = None, response.reason
        kind = AuthenticationError if response.status_code == 401 else TerminusError
        return kind(response.status_code, type_, message)
