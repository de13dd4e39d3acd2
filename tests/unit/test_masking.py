"""Issue 11 finding 7: what GET and the log hide, and secrets never follow a moved destination."""

from __future__ import annotations

import pytest

from alerting import masking
from alerting.errors import InvalidInputError
from alerting.models.config import Integration, IntegrationType, WebhookStep

GUID = "6f1c7c1e-7f55-4c8e-9d0a-3e7a0c8e1b11"


def _opsgenie(api_url: str, key: str) -> Integration:
    return Integration.model_validate(
        {
            "integration_guid": GUID,
            "name": "Ops",
            "type": IntegrationType.OPSGENIE,
            "variables": {"ApiUrl": api_url, "ApiKey": key},
        }
    )


def test_secret_names_query_values_and_hook_paths_are_masked() -> None:
    shown = masking.mask_variables(
        {"Pwd": "hunter22", "Bearer": "abcdef", "Url": "https://hooks.slack.com/services/T0/B0/XYZ"},
        secret_urls=["Url"],
    )
    assert shown == {"Pwd": "****", "Bearer": "****", "Url": "https://hooks.slack.com/****"}
    assert "s3cr3tvalue" not in masking.mask_url("https://h.example/x?access_token=s3cr3tvalue")
    assert masking.mask_url("http://[::1") == "****"


def test_step_password_and_authorization_header_are_masked() -> None:
    step = WebhookStep(
        url="https://h.example/hook", password="pw123456", headers={"Authorization": "Bearer t"}
    )
    shown = masking.mask_step(step)
    assert (shown.password, shown.headers["Authorization"]) == ("****", "****")


def test_a_masked_key_is_kept_but_must_be_entered_again_when_the_host_moves() -> None:
    stored = _opsgenie("https://api.opsgenie.com", "real-key-123")
    same_host = masking.kept_secrets(_opsgenie("https://api.opsgenie.com", "****"), stored, {"variables"})
    assert same_host.variables["ApiKey"] == "real-key-123"
    with pytest.raises(InvalidInputError) as refused:
        masking.kept_secrets(_opsgenie("https://evil.example", "****"), stored, {"variables"})
    assert refused.value.field == "Variables.ApiKey"
    entered = masking.kept_secrets(_opsgenie("https://evil.example", "new-key-456"), stored, {"variables"})
    assert entered.variables["ApiKey"] == "new-key-456"


def test_a_stored_header_not_named_by_a_write_that_moves_the_host_must_be_entered_again() -> None:
    def hook(url: str) -> Integration:
        step = WebhookStep(url=url, headers={"Authorization": "Bearer stored-token"})
        return Integration(integration_guid=GUID, name="Hook", type=IntegrationType.WEBHOOK, steps=[step])

    with pytest.raises(InvalidInputError) as refused:
        masking.kept_secrets(
            hook("https://new.example/hook"), hook("https://old.example/hook"), {"variables"}
        )
    assert refused.value.field == "Steps[0].Headers.Authorization"
