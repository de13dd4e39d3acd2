"""Uptrends' API v4 document as a judge of our config API.

The document lives in `shared/reference/` beside the clone. It is used as published, except for its two
generator quirks, undone here: enum properties and date-times are typed `object` (an `allOf` of the enum,
or a date-time example, next to `type: object`); both become strings.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft4Validator

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_NAME = "uptrends-api-v4.openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


class _PlainLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML without implicit timestamps, so examples stay strings and the document stays JSON."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def document_path() -> Path:
    """`../shared/reference/` beside the clone; from a git worktree, beside its main checkout."""
    candidates = [ROOT.parent / "shared" / "reference" / DOCUMENT_NAME]
    common = subprocess.run(
        ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if common:
        candidates.append(Path(common).parent.parent / "shared" / "reference" / DOCUMENT_NAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"Uptrends' API document not found at {' or '.join(map(str, candidates))}")


@functools.cache
def _document() -> str:
    with document_path().open(encoding="utf-8") as stream:
        loaded = yaml.load(stream, Loader=_PlainLoader)  # a SafeLoader: no arbitrary objects
    return json.dumps(undo_generator_quirks(loaded))


def document() -> dict[str, Any]:
    """A fresh copy of Uptrends' document with its two generator quirks undone."""
    loaded: dict[str, Any] = json.loads(_document())
    return loaded


def undo_generator_quirks(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    enums = {name for name, schema in schemas.items() if "enum" in schema}
    for node in _nodes(document):
        if node.get("type") != "object" or "properties" in node or "additionalProperties" in node:
            continue
        refs = [part.get("$ref", "") for part in node.get("allOf", [])]
        if refs and all(ref.rsplit("/", 1)[-1] in enums for ref in refs):
            node["type"] = "string"
        elif "allOf" not in node and DATE_TIME.match(str(node.get("example", ""))):
            node["type"] = "string"
            node["format"] = "date-time"
    return document


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def template(path: str) -> str:
    """A path template without its parameter names: `/Monitor/{monitorGuid}` -> `/Monitor/{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # Uptrends' template
    operation_id: str
    responses: Mapping[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return self.method, template(self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def operations(openapi: Mapping[str, Any]) -> dict[tuple[str, str], Operation]:
    found = {}
    for path, item in openapi["paths"].items():
        for method in METHODS:
            if method in item:
                spec = item[method]
                operation = Operation(
                    method.upper(), path, spec.get("operationId", ""), spec.get("responses", {})
                )
                found[operation.key] = operation
    return found


def shared_operations(ours: Mapping[str, Any]) -> list[Operation]:
    """Uptrends' operations that our OpenAPI document also has (same method and path template)."""
    theirs = operations(document())
    return [theirs[key] for key in sorted(theirs.keys() & operations(ours).keys())]


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4: `nullable` becomes an explicit `null` alternative."""
    if isinstance(node, list):
        return [_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


@functools.cache
def _components() -> str:
    return json.dumps(_json_schema(document()["components"]))


def nonconformity(operation: Operation, response: httpx.Response) -> str | None:
    """Why the answer to a valid request is not what Uptrends documents for `operation`, or None."""
    status = str(response.status_code)
    if response.status_code >= 400:
        return f"refused a valid request: {status} {response.text[:300]}"
    documented = operation.responses.get(status)
    if documented is None:
        codes = ", ".join(sorted(operation.responses))
        return f"status {status} not documented (Uptrends: {codes}); body {response.text[:300]}"
    schema = documented.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return (
            None if not response.content else f"status {status} documents no body, got {response.text[:300]}"
        )
    try:
        body = response.json()
    except ValueError:
        return f"status {status}: body is not JSON: {response.text[:300]}"
    root = {**_json_schema(schema), "components": json.loads(_components())}
    errors = sorted(Draft4Validator(root).iter_errors(body), key=lambda error: list(error.absolute_path))
    if not errors:
        return None
    shown = "; ".join(
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:200]}"
        for error in errors[:5]
    )
    more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
    return f"status {status} body does not match Uptrends' schema: {shown}{more}"
