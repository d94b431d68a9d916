"""Events: facts about your entities that start and cancel policy runs."""

from typing import Any, Literal, Mapping, Optional, Union, overload

from ..models import Event, EventDryRun
from ..pagination import ListIterator
from .base import Resource, ResourceMethods, new_idempotency_key

EVENTS = Resource("/events", Event)
DRY_RUNS = Resource("/events", EventDryRun)


class EventsMixin(ResourceMethods):
    @overload
    def create_event(
        self,
        *,
        event_type: str,
        entity_id: str,
        data: Optional[Mapping[str, Any]] = None,
        dry_run: Literal[False] = False,
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Event: ...

    @overload
    def create_event(
        self,
        *,
        event_type: str,
        entity_id: str,
        data: Optional[Mapping[str, Any]] = None,
        dry_run: Literal[True],
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> EventDryRun: ...

    def create_event(
        self,
        *,
        event_type: str,
        entity_id: str,
        data: Optional[Mapping[str, Any]] = None,
        dry_run: bool = False,
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Union[Event, EventDryRun]:
        """Post an event about the entity ``entity_id`` (its ``external_id``).

        Every call carries an ``Idempotency-Key`` (a new UUID unless you pass one), so the
        automatic retries never store the event twice. Pass your own key, derived from your
        domain (``"invoice-1042-overdue"``), to make your own retries safe as well.
        ``dry_run=True`` answers what would happen and stores nothing.
        """
        body = dict(fields, event_type=event_type, entity_id=entity_id)
        if data is not None:
            body["data"] = data
        key = idempotency_key or new_idempotency_key()
        if dry_run:
            return self._create(DRY_RUNS, body, key, query={"dry_run": True})
        return self._create(EVENTS, body, key)

    def get_event(self, event_id: str) -> Event:
        """The event ``evt_…``."""
        return self._retrieve(EVENTS, event_id)

    def list_events(self, **filters: Any) -> ListIterator[Event]:
        """Events of the key's mode (live or test), newest first. Filters: ``limit`` (page
        size), ``cursor``, ``event_type``, ``entity_id``, ``created_after``,
        ``created_before``."""
        return self._list(EVENTS, filters)
