"""Entities: your domain objects, keyed by your own ``external_id``."""

from typing import Any, Optional

from ..models import Entity, TimelineEntry
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

ENTITIES = Resource("/entities", Entity)
TIMELINE = Resource("/entities", TimelineEntry)


class EntitiesMixin(ResourceMethods):
    def create_entity(
        self,
        *,
        external_id: str,
        entity_type: str,
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Entity:
        """Create an entity. Optional fields: ``name``, ``attributes`` (a JSON object).

        Raises ConflictError (``entity_exists``) when ``external_id`` is taken; use
        :meth:`replace_entity` to create or replace.
        """
        body = dict(fields, external_id=external_id, entity_type=entity_type)
        return self._create(ENTITIES, body, idempotency_key)

    def get_entity(self, entity_id: str) -> Entity:
        """The entity whose ``external_id`` is ``entity_id``."""
        return self._retrieve(ENTITIES, entity_id)

    def list_entities(self, **filters: Any) -> ListIterator[Entity]:
        """Entities, newest first. Filters: ``limit`` (page size), ``cursor``,
        ``entity_type``, ``q``, ``created_after``, ``created_before``."""
        return self._list(ENTITIES, filters)

    def replace_entity(self, entity_id: str, *, entity_type: str, **fields: Any) -> Entity:
        """Create the entity or replace all its fields (PUT). Optional: ``name``,
        ``attributes``; fields left out are cleared."""
        body = dict(fields, entity_type=entity_type)
        return self._update(ENTITIES, entity_id, body, method="PUT")

    def update_entity(self, entity_id: str, **fields: Any) -> Entity:
        """Change only the given fields (PATCH): ``entity_type``, ``name``, ``attributes``."""
        return self._update(ENTITIES, entity_id, fields)

    def delete_entity(self, entity_id: str) -> None:
        """Delete the entity and its contacts; events about it stay."""
        self._delete(ENTITIES, entity_id)

    def get_entity_timeline(self, entity_id: str, **filters: Any) -> ListIterator[TimelineEntry]:
        """Every event, run, wait, message and cancellation about the entity, oldest first.
        Filters: ``limit`` (page size), ``cursor``."""
        path = ENTITIES.item(entity_id, "timeline")
        return self._list(TIMELINE, filters, path=path)
