"""Installed into the 2018 client sets' venvs only (interop/clients/run.sh): restores the
`collections.Mapping`-style aliases of the `collections.abc` classes that Python 3.10 removed, so
requests 2.19/2.20 and urllib3 1.22/1.23 (written for Python 2.7-3.7) import on the Python 3.11
this machine has. Names only: no behaviour of either library changes (the redirect and TLS code
they run is their own).
"""
import collections
import collections.abc

for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
