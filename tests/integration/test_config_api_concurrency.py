"""Issue 11 finding 6: versions, If-Match and no PATCH lost to a race (DESIGN §3 Concurrency)."""

from __future__ import annotations

from config_api import app as api_app
from tests.conftest import LambdaContext, Stack
from tests.integration.conftest import ApiCall
from tests.support.api_gateway import call_api_with_headers


def test_get_gives_an_etag_and_a_stale_if_match_is_refused(
    api: ApiCall, stack: Stack, lambda_context: LambdaContext
) -> None:
    _, monitor = api("POST", "/Monitor", {"Name": "Shop"})
    path = f"/Monitor/{monitor['MonitorGuid']}"
    status, _, headers = call_api_with_headers(api_app.lambda_handler, lambda_context, "GET", path)
    etag = headers["ETag"]
    assert status == 200
    assert api("PATCH", path, {"Notes": "first"})[0] == 204
    status, body, _ = call_api_with_headers(
        api_app.lambda_handler, lambda_context, "PATCH", path, {"Notes": "stale"}, headers={"If-Match": etag}
    )
    assert (status, body["Messages"][0]["Field"]) == (412, "If-Match")
    assert api("GET", path)[1]["Notes"] == "first"
