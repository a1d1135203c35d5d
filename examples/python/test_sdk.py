"""The example SDK's test suite against terminus-mock: what an SDK author checks with the
mock's request journal and scripted faults. Run: `make examples-sdk` (or pytest
here, in a venv with the terminus-mock wheel: its `terminus_mock` fixture, conftest.py)."""
import datetime

import pytest
import requests

import json
import re

from terminus_sdk import USER_AGENT, AuthenticationError, Client, TerminusError


def when(entry):
    return datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))


def authorization(entry):
    return [h["value"] for h in entry["headers"] if h["name"] == "authorization"]


def test_a_valid_key_reads_the_account_with_one_request(mock):
    key = mock.admin.mint("sdk-valid").key
    assert Client(api_key=key, base_url=mock.base_url).account()["object"] == "account"
    [entry] = mock.admin.requests()
    assert entry["path"] == "/v1/account"
    assert authorization(entry) == ['Bearer <valid key "sdk-valid">']
    assert entry["status"] == 200


def test_a_revoked_key_raises_with_the_envelope_message_and_is_not_retried(mock):
    key, key_id, _ = mock.admin.mint("sdk-old")
    mock.admin.revoke(key_id)
    with pytest.raises(AuthenticationError) as raised:
        Client(api_key=key, base_url=mock.base_url).account()
    assert raised.value.message == "Invalid API key"
    assert key[5:15] not in str(raised.value)
    # The 401 is final: exactly one request reached the mock.
    [entry] = mock.admin.requests()
    assert authorization(entry) == ['Bearer <revoked key "sdk-old">']
    assert entry["status"] == 401


def test_429_with_retry_after_is_waited_out(mock):
    key = mock.admin.mint("sdk-429").key
    mock.admin.fault(method="GET", path="/v1/account", times=1,
                     respond={"kind": "status", "status": 429, "headers": {"retry-after": "1"}})
    assert Client(api_key=key, base_url=mock.base_url).account()["object"] == "account"
    first, second = mock.admin.requests()
    assert (first["status"], second["status"]) == (429, 200)
    waited = (when(second) - when(first)).total_seconds()
    assert waited >= 0.95, f"retried {waited:.3f} s after a 429 that said Retry-After: 1"


def test_503_then_success(mock):
    key = mock.admin.mint("sdk-503").key
    mock.admin.fault(path="/v1/account", times=1, respond={"kind": "status", "status": 503})
    assert Client(api_key=key, base_url=mock.base_url).account()["object"] == "account"
    assert [e["status"] for e in mock.admin.requests()] == [503, 200]


def test_retries_are_bounded(mock):
    key = mock.admin.mint("sdk-bounded").key
    mock.admin.fault(path="/v1/account", respond={"kind": "status", "status": 503})
    with pytest.raises(Exception):
        Client(api_key=key, base_url=mock.base_url, max_retries=2, backoff=0.05).account()
    assert len(mock.admin.requests()) == 3


def test_a_redirect_to_another_origin_does_not_carry_the_key(mock, other_origin):
    key = mock.admin.mint("sdk-redirect").key
    mock.admin.fault(path="/v1/account", times=1,
                     respond={"kind": "redirect", "status": 307, "location": other_origin + "/v1/account"})
    Client(api_key=key, base_url=mock.base_url).account()
    followed = mock.admin.requests(listener="redirect")
    assert followed, "requests follows a 307 to the second origin"
    for entry in followed:
        assert authorization(entry) == [], entry
        assert "valid key" not in str(entry), entry


def test_no_key_fails_before_sending(mock, monkeypatch):
    monkeypatch.delenv("TERMINUS_API_KEY", raising=False)
    with pytest.raises(ValueError, match="TERMINUS_API_KEY"):
        Client(base_url=mock.base_url)
    assert mock.admin.requests() == []


def test_the_key_is_not_in_the_repr(mock):
    key = mock.admin.mint("sdk-repr").key
    shown = repr(Client(api_key=key, base_url=mock.base_url))
    assert all(key[i:i + 10] not in shown for i in range(len(key) - 9))


def test_the_journal_shows_the_user_agent_idempotency_key_and_body_in_full_and_no_piece_of_the_key(mock):
    key = mock.admin.mint("sdk-create").key
    mock.admin.fault(method="POST", path="/v1/projects", times=1, respond={"kind": "status", "status": 503})
    Client(api_key=key, base_url=mock.base_url, backoff=0.01).create_project("proj")
    first, second = mock.admin.requests()
    assert (first["status"], second["status"]) == (503, 201)

    def header(entry, name):
        return next(h["value"] for h in entry["headers"] if h["name"] == name)

    for entry in (first, second):
        assert header(entry, "user-agent") == USER_AGENT
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            header(entry, "idempotency-key"))
        assert authorization(entry) == ['Bearer <valid key "sdk-create">']
        assert entry["body"] == {"size": 16, "truncated": False, "encoding": "utf-8",
                                 "data": '{"name": "proj"}'}
    assert header(first, "idempotency-key") == header(second, "idempotency-key"), "the retry reuses it"
    assert (first["outcome"], first["fault"]["kind"]) == ("answered", "status")
    assert (second["outcome"], "fault" in second) == ("answered", False)
    # No 10 consecutive characters of the key anywhere in what the admin plane answers.
    text = json.dumps(mock.admin.requests())
    assert not [key[i:i + 10] for i in range(len(key) - 9) if key[i:i + 10] in text]


def test_a_fault_on_the_sdks_user_agent_leaves_other_clients_alone(mock):
    key = mock.admin.mint("sdk-agent").key
    mock.admin.fault(path="/v1/account", headers={"User-Agent": USER_AGENT}, times=1,
                     respond={"kind": "status", "status": 503})
    other = requests.get(mock.base_url + "/v1/account", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert other.status_code == 200, "another client's requests are not selected"
    assert Client(api_key=key, base_url=mock.base_url, backoff=0.05).account()["object"] == "account"
    # Exactly one 503 (the SDK's first try), and the SDK retried it once.
    assert mock.admin.count(path="/v1/account", status="503") == 1
    assert mock.admin.count(path="/v1/account", status="200") == 2


def test_an_empty_response_is_a_connection_error_retried_a_bounded_number_of_times(mock):
    key = mock.admin.mint("sdk-empty").key
    mock.admin.fault(path="/v1/account", respond={"kind": "empty"})
    with pytest.raises(requests.ConnectionError):
        Client(api_key=key, base_url=mock.base_url, max_retries=2, backoff=0.05).account()
    assert mock.admin.count(method="GET", path="/v1/account") == 3


def test_an_empty_response_then_the_answer(mock):
    key = mock.admin.mint("sdk-empty-once").key
    mock.admin.fault(path="/v1/account", times=1, respond={"kind": "empty"})
    assert Client(api_key=key, base_url=mock.base_url, backoff=0.05).account()["object"] == "account"
    assert mock.admin.count(path="/v1/account") == 2


def test_a_malformed_chunk_fails_the_read(mock):
    key = mock.admin.mint("sdk-chunk").key
    mock.admin.fault(path="/v1/account", respond={"kind": "malformed_chunk"})
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        Client(api_key=key, base_url=mock.base_url, max_retries=0).account()
    assert mock.admin.count(path="/v1/account") == 1


def test_a_mistyped_path_shows_among_the_unmatched_requests(mock):
    key = mock.admin.mint("sdk-typo").key
    with pytest.raises(TerminusError) as raised:
        Client(api_key=key, base_url=mock.base_url).get("/v1/acount")
    assert raised.value.status == 404
    [entry] = mock.admin.unmatched()
    assert (entry["path"], entry["matched"]) == ("/v1/acount", False)
    assert mock.admin.unmatched(method="POST") == []
