"""One composition root per function, each importing only what its function uses (a cold start pays for
its own function's code, not the others'): `evaluator`, `delivery`, `config_api` (and the console, which
works on the config API's facade). Every root is cached and built on its first call, never at import, so
moto's mocks are active before any client exists; tests start afresh with `cache_clear()` on a root.
"""
