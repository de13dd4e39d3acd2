"""What the tests and the benchmarks share with the local stack, built on `local/` (product code).

The direction is one way: `tests.support` imports `local`, never the reverse, so each piece has one
implementation: the Lambda context (`lambda_context`), the REST proxy event and calling the config API's
handler with it (`api_gateway`), and the StatusHub set-up through the config API (`statushub`).
"""
