"""Policies: an event type mapped to ordered steps."""

from typing import Any, Mapping, Optional, Sequence

from ..models import Policy
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

POLICIES = Resource("/policies", Policy)


class PoliciesMixin(ResourceMethods):
    def create_policy(
        self,
        *,
        name: str,
        event_type: str,
        steps: Sequence[Mapping[str, Any]],
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Policy:
        """Create a policy. ``steps``: ``{"type": "send_email", "template_id": "tpl_…"}`` and
        ``{"type": "wait", "duration": "3d"}``. Optional fields: ``enabled``, ``conditions``,
        ``recipients``, ``cancel_on``."""
        body = dict(fields, name=name, event_type=event_type, steps=list(steps))
        return self._create(POLICIES, body, idempotency_key)

    def get_policy(self, policy_id: str) -> Policy:
        """The policy ``pol_…``."""
        return self._retrieve(POLICIES, policy_id)

    def list_policies(self, **filters: Any) -> ListIterator[Policy]:
        """Policies, newest first. Filters: ``limit`` (page size), ``cursor``, ``event_type``,
        ``enabled``, ``q``."""
        return self._list(POLICIES, filters)

    def update_policy(self, policy_id: str, **fields: Any) -> Policy:
        """Change only the given fields. Changing the steps or rules makes a new ``version``;
        runs already started keep theirs."""
        return self._update(POLICIES, policy_id, fields)

    def delete_policy(self, policy_id: str) -> None:
        """Delete the policy."""
        self._delete(POLICIES, policy_id)
