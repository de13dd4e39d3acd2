"""What the routers share: their constructor, query and path parameter types, responses without a model."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

Take = Annotated[int, Query(ge=1, le=1000, description="Page size")]
HistoryTake = Annotated[int, Query(ge=0, le=100, description="Page size, at most 100 (0: an empty page)")]
Cursor = Annotated[str | None, Query(description="Cursors.Next of the previous page")]
LevelId = Annotated[int, Path(ge=1, le=3)]


def resource_router() -> APIGatewayRouter:
    """The router of one resource's routes."""
    return APIGatewayRouter()  # type: ignore[no-untyped-call]  # Powertools leaves Router.__init__ unannotated


def no_content() -> Response[None]:
    return Response(HTTPStatus.NO_CONTENT)


def paged(item: type[Any]) -> dict[int, Any]:
    """The OpenAPI response of a paged list: a plain array of `item`, the next page's cursor in a header."""
    cursor = {"description": "Cursor of the next page, absent on the last", "schema": {"type": "string"}}
    return {
        HTTPStatus.OK.value: {
            "description": "OK",
            "headers": {"X-Next-Cursor": cursor},
            "content": {"application/json": {"model": list[item]}},  # type: ignore[valid-type]
        }
    }


def page(items: list[Any], next_cursor: str | None) -> Response[Any]:
    """A plain array as Uptrends returns; the next page's cursor, if any, in a header."""
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    body = [item.to_json_dict() for item in items]
    return Response(HTTPStatus.OK, content_types.APPLICATION_JSON, body, headers)


def if_match(router: APIGatewayRouter) -> int | None:
    """The version If-Match names (DESIGN §3 Concurrency); None when absent or `*`, -1 when it is no
    version of ours (so it never matches: 412)."""
    given = router.current_event.headers.get("If-Match") or router.current_event.headers.get("if-match")
    if not given or given.strip() == "*":
        return None
    text = given.strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() and len(text) < 19 else -1


def with_etag(body: Any, version: int) -> Response[Any]:
    """A GET answer carrying the object's version as its ETag."""
    return Response(
        HTTPStatus.OK, content_types.APPLICATION_JSON, body.to_json_dict(), {"ETag": f'"{version}"'}
    )
