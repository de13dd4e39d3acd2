"""The base every model shares: PascalCase JSON like Uptrends API v4, unknown fields refused."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
    )

    def to_json_dict(self, **kwargs: Any) -> dict[str, Any]:
        """The PascalCase JSON-ready dict the API returns and storage keeps."""
        return self.model_dump(mode="json", by_alias=True, **kwargs)
