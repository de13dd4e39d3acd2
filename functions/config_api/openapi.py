"""What makes the resolver's OpenAPI document true (DESIGN §3): each operation's real status codes with
the MessageList schema, a tag per resource, and the summary and description its handler's docstring gives.

Powertools documents 200 and a 422 `HTTPValidationError` for every operation; this API answers neither
for those cases (request validation errors are 400 MessageLists), so the document is set right here.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.utilities.typing import LambdaContext

from alerting.models.api import MessageList

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

MESSAGE_LIST_REF = {"$ref": "#/components/schemas/MessageList"}
METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}
# Writes to an existing object: they honour If-Match and re-apply a lost race (DESIGN §3 Concurrency).
VERSIONED_WRITES = {"PUT", "PATCH", "DELETE"}
RESOURCES = {
    "Monitor": "The alerting view of monitors, their maintenance periods and decision records",
    "MonitorGroup": "Monitor groups, their members and the switch that stops their alerts",
    "Integration": "Integrations, their StatusHub services, test sends and target health",
    "AlertDefinition": "Alert definitions, their members, escalation levels and what each level alerts",
    "Alert": "Alert history and the delivery log of each alert",
    "Operator": "The people e-mail and SMS integrations page",
    "DeadLetter": "Deliveries that ran out of attempts",
}
TAGS = [{"name": name, "description": description} for name, description in RESOURCES.items()]
# Why each error code is answered; every one carries a MessageList naming the field.
ERRORS = {
    HTTPStatus.BAD_REQUEST: "Invalid input: each message names the field and says what is wrong",
    HTTPStatus.NOT_FOUND: "No such object (or route)",
    HTTPStatus.CONFLICT: "An object with this guid already exists, or a write kept losing races: retry",
    HTTPStatus.PRECONDITION_FAILED: "If-Match names another version than the object's (read it again)",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "The body is too large",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "The body is not JSON (send Content-Type: application/json)",
}


class ConfigApiResolver(APIGatewayRestResolver):
    """The resolver, with the OpenAPI corrections Powertools' generator cannot be told, and its Swagger
    route added on the first request for it: Powertools' route imports its OpenAPI models, which build
    about forty pydantic models, a fifth of the function's cold start that no other request needs."""

    def __init__(self, *, swagger: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._swagger: dict[str, Any] | None = swagger
        self._swagger_lock = threading.Lock()

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        path = str(event.get("path", "")).rstrip("/")
        if self._swagger is not None and path.endswith(self._swagger["path"]):
            with self._swagger_lock:
                swagger, self._swagger = self._swagger, None
                if swagger is not None:
                    self.enable_swagger(**swagger)
        return super().resolve(event, context)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPI:
        schema = super().get_openapi_schema(*args, **kwargs)
        document = schema.model_dump(mode="json", by_alias=True, exclude_none=True)
        return type(schema).model_validate(_corrected(document))


def describe(app: APIGatewayRestResolver) -> None:
    """Gives each route its tag, docstring and real responses; call once the routers are included."""
    for route in [*app._static_routes, *app._dynamic_routes]:
        if route.include_in_schema:
            _describe(route)


def _describe(route: Route) -> None:
    summary, _, description = (inspect.getdoc(route.func) or "").partition("\n\n")
    route.summary = route.summary or summary.strip().rstrip(".") or None
    route.description = route.description or description.strip() or None
    route.tags = route.tags or [_resource(route.openapi_path)]
    success = HTTPStatus(route.status_code)
    responses: dict[int, Any] = dict(route.responses or {})
    responses.setdefault(success.value, {"description": success.phrase})
    for code in _error_codes(route):
        responses[code.value] = {
            "description": ERRORS[code],
            "content": {"application/json": {"schema": MESSAGE_LIST_REF}},
        }
    route.responses = responses


def _resource(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


def _error_codes(route: Route) -> list[HTTPStatus]:
    codes = [HTTPStatus.BAD_REQUEST]
    if "{" in route.openapi_path:
        codes.append(HTTPStatus.NOT_FOUND)
    if route.method == "POST" and route.status_code == HTTPStatus.CREATED:
        codes.append(HTTPStatus.CONFLICT)
    if route.method in VERSIONED_WRITES and "{" in route.openapi_path:
        codes += [HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_FAILED]
    if route.method in METHODS_WITH_BODY:
        codes += [HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE]
    return codes


def _corrected(document: dict[str, Any]) -> dict[str, Any]:
    """Drops the 422s Powertools adds and what only they used, and empty bodies; defines MessageList."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            responses.pop("422", None)
            for response in responses.values():
                # A handler returning Response[None] answers without a body (204, or Uptrends' bare 201).
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if "content" in response and schema.get("type", "null") == "null" and "$ref" not in schema:
                    del response["content"]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    message_list = MessageList.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(message_list.pop("$defs", {}))
    schemas["MessageList"] = message_list
    document["tags"] = TAGS
    return document
