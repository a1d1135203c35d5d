"""terminus-mock for Python: the `terminus-mock` binary (on PATH once the wheel is installed)
and a pytest plugin (`terminus_mock` fixture; see `terminus_mock.pytest_plugin`).

    from terminus_mock import start
    with start() as mock:          # free loopback ports, a fresh CA, a minted key
        run_sdk_tests(env=mock.env)
        assert mock.admin.count(path="/v1/account", status="401") == 0
"""
from .admin import AdminClient, AdminError, MintedKey
from .server import MockStartError, TerminusMock, binary, start

__all__ = ["AdminClient", "AdminError", "MintedKey", "MockStartError", "TerminusMock", "binary", "start"]
