"""The access matrix's entries for mass testing's pages and API (see tests/test_every_route.py): one module a
part (routes_<part>.py), each with its own PAGES, API, `place` and `fingerprint`."""

PAGES = {}
API = {}
