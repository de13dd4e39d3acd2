"""The base every model shares: PascalCase JSON like Uptrends API v4, unknown fields refused."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_pascal
from pydantic.config import JsonDict


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        # Each model's validator is built on its first use, not at import: a function builds only the
        # models it handles (a third of the models' import time).
        defer_build=True,
    )
    # Fields Uptrends' schema defines for this object that we do not act on: accepted and ignored
    # (a client written for Uptrends sends them), where any other unknown field is refused.
    uptrends_only: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _ignore_uptrends_only(cls, data: Any) -> Any:
        if cls.uptrends_only and isinstance(data, dict):
            return {name: value for name, value in data.items() if name not in cls.uptrends_only}
        return data

    def to_json_dict(self, **kwargs: Any) -> dict[str, Any]:
        """The PascalCase JSON-ready dict the API returns and storage keeps."""
        return self.model_dump(mode="json", by_alias=True, **kwargs)


def _is_none(value: object) -> bool:
    return value is None


def omitted_when_unset(**constraints: Any) -> Any:
    """An optional field left out of the JSON when it has no value: Uptrends' schemas have no nulls."""
    return Field(default=None, exclude_if=_is_none, **constraints)


def example(body: JsonDict) -> ConfigDict:
    """A model's config showing `body` as its example in the OpenAPI document."""
    return ConfigDict(json_schema_extra={"examples": [body]})
