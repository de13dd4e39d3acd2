"""Operators and the escalation levels they are members of (the people e-mail and SMS alerts page)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from alerting.models.config import Operator
from alerting.storage import keys, level_links
from alerting.storage.config_repository import ConfigKind, LinkedConfigRepository
from alerting.storage.dynamo import get_many, query_prefix

if TYPE_CHECKING:
    pass

KIND = "Operator"
MEMBER = "EscalationLevelMember"


OPERATOR = ConfigKind(
    KIND, Operator, keys.Kind.OPERATOR, keys.operator, lambda o: o.operator_guid, lambda o: o.full_name
)


class Operators(LinkedConfigRepository[Operator]):
    """Deleting an operator deletes their level memberships, together."""

    _kind = OPERATOR

    # Level membership, transactional with the existence of the operator and the definition
    def add_to_level(self, definition_guid: UUID, level_id: int, operator_guid: UUID) -> None:
        key = keys.level_operator(definition_guid, level_id, operator_guid)
        level_links.link(self._table, self._as_linked(operator_guid), definition_guid, {**key}, MEMBER)

    def remove_from_level(self, definition_guid: UUID, level_id: int, operator_guid: UUID) -> None:
        key = keys.level_operator(definition_guid, level_id, operator_guid)
        level_links.unlink(self._table, self._as_linked(operator_guid), key, MEMBER)

    def level_member_guids(self, definition_guid: UUID, level_id: int) -> list[UUID]:
        items = query_prefix(
            self._table,
            keys.definition_partition(definition_guid),
            keys.level_operator_prefix(level_id),
            ProjectionExpression="SK",
        )
        return [UUID(str(item["SK"]).rsplit("#", 1)[1]) for item in items]

    def level_members(self, definition_guid: UUID, level_id: int) -> list[Operator]:
        """The level's operators that still exist, in one batch read."""
        guids = self.level_member_guids(definition_guid, level_id)
        items = get_many(self._table, [keys.operator(guid) for guid in guids])
        found = [Operator.model_validate(item["Config"]) for item in items]
        return sorted(found, key=lambda operator: operator.full_name.casefold())
