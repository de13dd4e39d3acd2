"""API Gateway, emulated: owns turning HTTP requests into REST proxy events and proxy responses back.

`ApiGateway` is a WSGI app standing in for one REST API stage with Lambda proxy integrations: it picks the
route as API Gateway does (literal paths over variables over greedy variables, a method over ANY), invokes
the function with the payload version 1.0 proxy event and answers with its proxy response. Each request is
served on a thread of its own and invokes in an execution environment of its own; when the function's pool
is at its size, the request is throttled (500, as API Gateway answers a throttled proxy integration). IAM
auth (SigV4) is not checked locally. `proxy_event` is the one builder of that event: tests and benchmarks
use it too.

Outside every stage, under `CONTROL_PREFIX`, the chaos hooks list, stop and start the SQS workers.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from local.lambda_runtime import ThrottledError
from local.provisioning import ACCOUNT_ID, TemplateError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.serving import BaseWSGIServer

    from local.event_sources import SqsEventSource
    from local.lambda_runtime import LocalFunction
    from local.provisioning import Template

# Outside every stage, so no API path can shadow it.
CONTROL_PREFIX = "/_local"

log = logging.getLogger("local.api_gateway")


def proxy_event(
    method: str,
    path: str,
    *,
    resource: str,
    stage: str,
    path_parameters: Mapping[str, str] | None = None,
    headers: Mapping[str, Sequence[str]] | None = None,
    query: Mapping[str, Sequence[str]] | None = None,
    body: str | bytes | None = None,
    source_ip: str | None = "127.0.0.1",
    user_agent: str = "",
    domain_name: str = "localhost",
    protocol: str = "HTTP/1.1",
    request_id: str | None = None,
) -> dict[str, Any]:
    """The REST API (payload version 1.0) proxy event for one request; `path` is below the stage.

    Headers and query parameters are multi-valued, as they arrive; bytes that are not UTF-8 go base64.
    """
    multi_headers = {name: list(values) for name, values in (headers or {}).items()}
    multi_query = {name: list(values) for name, values in (query or {}).items()}
    text: str | None
    is_base64 = False
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8") if body else None
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode("ascii"), True
    else:
        text = body
    now = datetime.now(UTC)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": request_id or str(uuid.uuid4()),
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "protocol": protocol,
            "domainName": domain_name,
            "identity": {"sourceIp": source_ip, "userAgent": user_agent},
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(now.timestamp() * 1000),
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    pattern: re.Pattern[str]
    function: LocalFunction

    @property
    def precedence(self) -> tuple[int, int, int, bool]:
        # API Gateway prefers literal paths over variables over greedy variables, the longer literal
        # prefix (/console/{proxy+} over /{proxy+}), and a method over ANY.
        literal = len(self.resource.split("{", 1)[0])
        return (self.resource.count("+}"), self.resource.count("{"), -literal, self.method == "ANY")


def _resource_pattern(resource: str) -> re.Pattern[str]:
    parts: list[str] = []
    for segment in filter(None, resource.split("/")):
        variable = re.fullmatch(r"\{(\w+)(\+?)\}", segment)
        if variable is None:
            parts.append(re.escape(segment))
        else:
            parts.append(f"(?P<{variable[1]}>{'.+' if variable[2] else '[^/]+'})")
    return re.compile("/" + "/".join(parts))


def _json_response(status: int, message: str) -> Response:
    return Response(json.dumps({"message": message}), status=status, content_type="application/json")


@dataclass
class ApiGateway:
    """A WSGI app standing in for an API Gateway REST API stage with Lambda proxy integrations."""

    stage: str
    routes: list[Route] = field(default_factory=list)
    # The SQS workers the control hooks stop and start, by their function's logical id.
    event_sources: Mapping[str, SqsEventSource] = field(default_factory=dict)

    def add_route(self, method: str, resource: str, function: LocalFunction) -> None:
        self.routes.append(Route(method.upper(), resource, _resource_pattern(resource), function))

    def serve(self, host: str, port: int) -> BaseWSGIServer:
        """A threaded server for this app; the caller runs `serve_forever` and shuts it down."""
        return make_server(host, port, self, threaded=True, request_handler=_QuietRequestHandler)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX + "/"):
            return self.control(request, request.path[len(CONTROL_PREFIX) :])
        prefix = f"/{self.stage}"
        if request.path != prefix and not request.path.startswith(prefix + "/"):
            return _json_response(404, f"Not Found: the API is served under {prefix}")
        path = request.path[len(prefix) :] or "/"
        for route in sorted(self.routes, key=lambda r: r.precedence):
            match = route.pattern.fullmatch(path)
            if match and route.method in ("ANY", request.method):
                event = proxy_event(
                    request.method,
                    path,
                    resource=route.resource,
                    stage=self.stage,
                    path_parameters=match.groupdict(),
                    headers=_multi_headers(request),
                    query=request.args.to_dict(flat=False),
                    body=request.get_data(),
                    source_ip=request.remote_addr,
                    user_agent=request.user_agent.string,
                    domain_name=request.host,
                    protocol=request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                )
                try:
                    result = route.function.invoke(event, wait=False)
                except ThrottledError:
                    # API Gateway answers a throttled Lambda proxy integration with a plain 500.
                    log.warning("%s throttled %s %s", route.function.logical_id, request.method, path)
                    return _json_response(500, "Internal server error")
                except Exception:
                    log.exception("%s failed %s %s", route.function.logical_id, request.method, path)
                    return _json_response(502, "Internal server error")
                return _http_response(result)
        return _json_response(404, "Missing Authentication Token")

    def control(self, request: Request, path: str) -> Response:
        """The chaos hooks: list, stop and start the SQS workers by their function's logical id."""
        if path == "/event-sources" and request.method == "GET":
            listing = {
                name: {"running": source.enabled.is_set(), "restarts": source.restarts}
                for name, source in self.event_sources.items()
            }
            return Response(json.dumps(listing), content_type="application/json")
        action = re.fullmatch(r"/event-sources/(\w+)/(stop|start)", path)
        source = self.event_sources.get(action[1]) if action else None
        if action is None or source is None or request.method != "POST":
            return _json_response(404, "unknown control path")
        if action[2] == "stop":
            source.pause()
        else:
            source.resume()
        log.info("%s worker %s", action[1], "stopped" if action[2] == "stop" else "started")
        return Response(status=204)


def add_template_route(
    api: ApiGateway | None, template: Template, function: LocalFunction, properties: Mapping[str, Any]
) -> ApiGateway:
    """Adds a function's `Api` event to the one REST API the stack serves (made at its first route)."""
    # RestApiId is a !Ref to an AWS::Serverless::Api served here, not a resource moto creates.
    api_id = (properties.get("RestApiId") or {}).get("Ref")
    api_properties = template.resources[api_id].get("Properties", {}) if api_id else {}
    stage = api_properties.get("StageName", "Prod")  # SAM's implicit API uses the Prod stage
    if api is None:
        api = ApiGateway(stage)
    elif api.stage != stage:
        raise TemplateError("the local stack serves one REST API; the template's functions use several")
    api.add_route(str(properties["Method"]), properties["Path"], function)
    return api


def _multi_headers(request: Request) -> dict[str, list[str]]:
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        multi_headers.setdefault(name, []).append(value)
    return multi_headers


def _http_response(result: Any) -> Response:
    if not isinstance(result, dict) or "statusCode" not in result:
        log.error("the API handler returned no proxy response: %r", result)
        return _json_response(502, "Internal server error")
    headers = Headers()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            headers.add(name, str(value))
    for name, value in (result.get("headers") or {}).items():
        if name not in headers:
            headers.add(name, str(value))
    if "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"  # API Gateway's default for proxy responses
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return Response(data, status=int(result["statusCode"]), headers=headers)


class _QuietRequestHandler(WSGIRequestHandler):
    """Keeps the per-request access log off the terminal."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("%s %s", self.requestline, code)
