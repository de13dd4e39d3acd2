"""API Gateway glue of the config API: builds the resolver, includes one router per resource, maps errors."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from alerting.api import error_messages
from alerting.api.request_body import body_problem
from alerting.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
    VersionMismatchError,
)
from alerting.models.api import MessageList
from alerting.observability import logger, tracer

from . import openapi
from .openapi import ConfigApiResolver
from .routes import alert_definitions, alerts, integrations, monitor_groups, monitors, operators

DESCRIPTION = (
    "Uptrends API v4-compatible alerting configuration (PascalCase JSON). Errors are a MessageList "
    "naming each field; creates answer 201 with the object, PUT/PATCH/DELETE 204."
)
app = ConfigApiResolver(
    enable_validation=True,
    swagger={
        "path": "/swagger",
        "title": "Alerting integrations API",
        "version": "4.0",
        "description": DESCRIPTION,
    },
)
for resource in (monitors, integrations, alert_definitions, alerts, operators, monitor_groups):
    app.include_router(resource.router)
openapi.describe(app)


def _unsupported_media_type() -> Response[Any] | None:
    """415 for a body that is not JSON: Powertools reads a form as a form, and refuses XML its own way."""
    event = app.current_event
    unsupported = error_messages.unsupported_media_type(event.headers.get("Content-Type"), event.body)
    return None if unsupported is None else _error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, unsupported)


def _json_body(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    unsupported = _unsupported_media_type()
    if unsupported is not None:
        return unsupported
    return next_middleware(app)


app.use(middlewares=[_json_body])


# Errors: domain errors to HTTP in one place, always Uptrends' MessageList shape
def _error(status: HTTPStatus, messages: MessageList) -> Response[Any]:
    return Response(status, content_types.APPLICATION_JSON, messages.to_json_dict())


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    return _unsupported_media_type() or _error(
        HTTPStatus.BAD_REQUEST, error_messages.from_validation(error.errors())
    )


@app.exception_handler(RequestUnsupportedContentType)
def _not_json(error: RequestUnsupportedContentType) -> Response[Any]:
    return _unsupported_media_type() or _error(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE, error_messages.single("Content-Type", "send the body as JSON")
    )


@app.exception_handler(ValidationError)
def _invalid_object(error: ValidationError) -> Response[Any]:
    # A valid request whose result would not be a valid object, e.g. a null where a value is required.
    return _error(HTTPStatus.BAD_REQUEST, error_messages.from_model_errors(error.errors()))


@app.exception_handler(InvalidInputError)
def _invalid_input(error: InvalidInputError) -> Response[Any]:
    return _error(HTTPStatus.BAD_REQUEST, error_messages.from_error(error))


@app.exception_handler(NotFoundError)
def _not_found(error: NotFoundError) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, error_messages.from_error(error))


@app.exception_handler(AlreadyExistsError)
def _conflict(error: AlreadyExistsError) -> Response[Any]:
    return _error(HTTPStatus.CONFLICT, error_messages.from_error(error))


@app.exception_handler(VersionMismatchError)
def _precondition_failed(error: VersionMismatchError) -> Response[Any]:
    return _error(HTTPStatus.PRECONDITION_FAILED, error_messages.single("If-Match", str(error)))


@app.exception_handler(UnavailableError)
def _unavailable(error: UnavailableError) -> Response[Any]:
    logger.exception("storage unavailable")
    return _error(HTTPStatus.SERVICE_UNAVAILABLE, error_messages.single("", "temporarily unavailable, retry"))


@app.not_found
def _no_route(_: Exception) -> Response[Any]:
    return _error(HTTPStatus.NOT_FOUND, error_messages.single("path", "no such route"))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Before the resolver: its request validation parses the body first, and a deep one overflows it.
    problem = body_problem(event.get("body"), bool(event.get("isBase64Encoded")))
    if problem is not None:
        return {
            "statusCode": int(problem.status),
            "headers": {"Content-Type": content_types.APPLICATION_JSON},
            "body": json.dumps(problem.messages.to_json_dict()),
            "isBase64Encoded": False,
        }
    return app.resolve(event, context)
