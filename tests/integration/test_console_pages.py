"""Console pages read through the config API's facade: the dead letters and the monitor groups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from alerting import composition
from alerting.console import sign_in
from tests.conftest import LambdaContext, Stack, load_event
from tests.integration.conftest import ApiCall, evaluate
from tests.integration.test_delivery_guarantees import Receiver, deliver, target  # noqa: F401 - a fixture
from tests.integration.test_webhook_delivery import queued_batch
from tests.support.console_browser import CONSOLE, Browser


@pytest.fixture
def browser(stack: Stack, lambda_context: LambdaContext) -> Iterator[Browser]:
    """The local stack's console: no login."""
    for cache in (sign_in.settings, composition.console_root):
        cache.cache_clear()
    yield Browser(lambda_context)
    composition.console_root.cache_clear()


def test_dead_letters_lists_failed_deliveries_and_parked_check_results_with_their_reason(
    stack: Stack,
    api: ApiCall,
    linked: dict[str, Any],
    target: Receiver,  # noqa: F811 - the fixture imported above
    lambda_context: LambdaContext,
    browser: Browser,
) -> None:
    assert "No dead letters" in browser.open(f"{CONSOLE}/dead-letters").html

    api("PATCH", f"/Integration/{linked['integration']}", {"RetrySchedule": [0]})
    target.answer = lambda request: httpx.Response(503, text="StatusHub is down for maintenance")
    evaluate(load_event("alert_evaluator/confirmed_error.json"), lambda_context)
    deliver(queued_batch(stack), lambda_context)  # one attempt, then the dead-letter queue
    evaluate(load_event("alert_evaluator/malformed_detail.json"), lambda_context)

    page = browser.open(f"{CONSOLE}/dead-letters").html
    assert "No dead letters" not in page
    assert "Delivery" in page
    assert "503" in page
    assert "Check result" in page
    assert "MonitorGuid" in page

    # Listing leaves them parked: Redrive still finds the delivery.
    assert len(stack.messages("EVALUATOR_DLQ_URL")) == 1
    redriven = browser.submit(f"{CONSOLE}/dead-letters/redrive", {"Since": "2000-01-01T00:00"})
    assert "Redriven: 1." in redriven.html
