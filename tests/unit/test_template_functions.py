"""User-defined template functions: what each type returns, and the mistakes refused at save."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from alerting.errors import InvalidInputError, TemplateError
from alerting.models.config import UserDefinedFunction
from alerting.templating import check, check_functions, parse, render

VALUES = {
    "alert.type": "Alert",
    "monitor.name": 'Shop "checkout"',
    "alert.description": "HTTP 503 (tried 3x)",
}


def function(**fields: Any) -> UserDefinedFunction:
    return UserDefinedFunction.model_validate(fields)


STATE = function(
    Name="State",
    Type="Mapping",
    Mappings=[{"Key": "Alert", "Value": "major_outage"}, {"Key": "Ok", "Value": "operational"}],
    Default="degraded_performance",
)
STATUS = function(Name="Status", Type="RegularExpression", Regex=r"HTTP (\d{3})")
SIGN = function(Name="Sign", Type="Hash", HashAlgorithm="HMACSHA256", HashKey="k3y-for-signing")


def rendered(source: str, *functions: UserDefinedFunction, json_body: bool = False) -> str:
    return render(parse(source), VALUES, {}, json_body=json_body, functions=functions)


def test_a_mapping_turns_alert_into_major_outage_and_falls_back_to_its_default() -> None:
    assert rendered("{{@State({{@alert.type}})}}", STATE) == "major_outage"
    assert rendered("{{@State(@alert.type)}}", STATE) == "major_outage"
    assert rendered("{{@State(Reminder)}}", STATE) == "degraded_performance"
    no_default = STATE.model_copy(update={"default": None})
    assert rendered("{{@State(Reminder)}}", no_default) == "Reminder"


def test_a_regular_expression_returns_its_capture_group_or_nothing() -> None:
    assert rendered("{{@Status({{@alert.description}})}}", STATUS) == "503"
    assert rendered("{{@Status(no status here)}}", STATUS) == ""


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", hashlib.md5(b"Alert").hexdigest()),
        ("SHA1", hashlib.sha1(b"Alert").hexdigest()),
        ("SHA256", hashlib.sha256(b"Alert").hexdigest()),
        ("SHA512", hashlib.sha512(b"Alert").hexdigest()),
        ("HMACSHA1", hmac.new(b"k3y", b"Alert", "sha1").hexdigest()),
        ("HMACSHA256", hmac.new(b"k3y", b"Alert", "sha256").hexdigest()),
        ("HMACSHA512", hmac.new(b"k3y", b"Alert", "sha512").hexdigest()),
    ],
)
def test_hashes_match_the_standard_algorithms(algorithm: str, expected: str) -> None:
    hashed = function(Name="H", Type="Hash", HashAlgorithm=algorithm, HashKey="k3y")
    assert rendered("{{@H(@alert.type)}}", hashed) == expected


def test_a_hash_can_be_base64_for_receivers_that_want_it() -> None:
    hashed = SIGN.model_copy(update={"hash_encoding": "Base64"})
    expected = base64.b64encode(hmac.new(b"k3y-for-signing", b"Alert", "sha256").digest()).decode()
    assert rendered("{{@Sign(@alert.type)}}", hashed) == expected


def test_jwt_encode_makes_an_hs256_token_a_receiver_can_verify() -> None:
    jwt = function(Name="Token", Type="JwtEncode", JwtSigningKey="jwt-key-123")
    token = rendered('{{@Token({"sub": "alerting", "type": "{{@alert.type}}"})}}', jwt)
    header, payload, signature = token.split(".")

    def decoded(part: str) -> Any:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    assert decoded(header) == {"alg": "HS256", "typ": "JWT"}
    assert decoded(payload) == {"sub": "alerting", "type": "Alert"}
    expected = hmac.new(b"jwt-key-123", f"{header}.{payload}".encode(), "sha256").digest()
    assert base64.urlsafe_b64decode(signature + "=") == expected
    with pytest.raises(TemplateError, match="JSON object"):
        rendered("{{@Token(not json)}}", jwt)


def test_function_results_are_escaped_in_a_json_body_like_any_value() -> None:
    shout = function(Name="Name", Type="Mapping", Mappings=[{"Key": "x", "Value": "y"}])
    body = rendered(
        '{"state": "{{@State(@alert.type)}}", "name": {{@Name(@monitor.name)}}}', STATE, shout, json_body=True
    )
    assert json.loads(body) == {"state": "major_outage", "name": 'Shop "checkout"'}


def test_a_template_may_only_call_the_integrations_functions() -> None:
    check(parse("{{@State(@alert.type)}}"), set(), [STATE])
    with pytest.raises(TemplateError, match="unknown function @Sate"):
        check(parse("{{@Sate(@alert.type)}}"), set(), [STATE])


def test_uptrends_spelling_of_the_regex_type_is_accepted() -> None:
    assert function(Name="R", Type="Regex", Regex="(a)").type.value == "RegularExpression"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (
            {"Type": "RegularExpression", "Regex": "(unclosed"},
            "Functions[0].Regex",
            "not a regular expression",
        ),
        (
            {"Type": "RegularExpression", "Regex": "no group"},
            "Functions[0].Regex",
            "exactly one capture group",
        ),
        ({"Type": "RegularExpression", "Regex": "(a)(b)"}, "Functions[0].Regex", "exactly one capture group"),
        ({"Type": "Mapping"}, "Functions[0].Mappings", "at least one"),
        (
            {"Type": "Mapping", "Mappings": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
            "Functions[0].Mappings",
            "twice",
        ),
        ({"Type": "Hash"}, "Functions[0].HashAlgorithm", "is required"),
        ({"Type": "Hash", "HashAlgorithm": "HMACSHA256"}, "Functions[0].HashKey", "is required"),
        ({"Type": "JwtEncode"}, "Functions[0].JwtSigningKey", "is required"),
        (
            {"Name": "JsonEncode", "Type": "Mapping", "Mappings": [{"Key": "a", "Value": "b"}]},
            "Functions[0].Name",
            "already",
        ),
    ],
)
def test_functions_that_could_not_run_are_refused_with_their_field(
    fields: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_functions([function(**{"Name": "F", **fields})])
    assert refused.value.field == field and reason in refused.value.message
