"""Runs and messages: what the engine did with each event."""

from typing import Any, Optional

from ..models import Message, Run
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

RUNS = Resource("/runs", Run)
MESSAGES = Resource("/messages", Message)


class RunsMixin(ResourceMethods):
    def list_runs(self, **filters: Any) -> ListIterator[Run]:
        """Runs, newest first. Filters: ``limit`` (page size), ``cursor``, ``event_id``,
        ``policy_id``, ``entity_id``, ``status``, ``created_after``, ``created_before``."""
        return self._list(RUNS, filters)

    def get_run(self, run_id: str) -> Run:
        """The run ``run_…``, with its steps and why each recipient was skipped."""
        return self._retrieve(RUNS, run_id)

    def cancel_run(self, run_id: str, *, idempotency_key: Optional[str] = None) -> Run:
        """Cancel an active run: no further step is executed."""
        return self._action(RUNS, run_id, "cancel", idempotency_key=idempotency_key)

    def advance_run(self, run_id: str, *, idempotency_key: Optional[str] = None) -> Run:
        """End a test-mode run's current wait now, so its next step is due at once (needs an
        ``em_test_`` key: live runs keep their real schedule)."""
        return self._action(RUNS, run_id, "advance", idempotency_key=idempotency_key)

    def list_messages(self, **filters: Any) -> ListIterator[Message]:
        """Messages, newest first. Filters: ``limit`` (page size), ``cursor``, ``run_id``,
        ``event_id``, ``entity_id``, ``status``, ``to``, ``created_after``,
        ``created_before``."""
        return self._list(MESSAGES, filters)

    def get_message(self, message_id: str) -> Message:
        """The message ``msg_…``: rendered subject and bodies, status history."""
        return self._retrieve(MESSAGES, message_id)
