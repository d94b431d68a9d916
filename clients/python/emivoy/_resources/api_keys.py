"""API keys and usage: the account's credentials and its monthly events."""

from typing import Any, Optional

from ..models import ApiKey, Usage
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

API_KEYS = Resource("/api-keys", ApiKey)


class ApiKeysMixin(ResourceMethods):
    def create_api_key(
        self,
        name: Optional[str] = None,
        mode: str = "live",
        *,
        idempotency_key: Optional[str] = None,
    ) -> ApiKey:
        """Create a key; ``mode`` is ``"live"`` or ``"test"``. The secret is in ``key`` of
        this answer only: store it now."""
        body = {"mode": mode} if name is None else {"mode": mode, "name": name}
        return self._create(API_KEYS, body, idempotency_key)

    def list_api_keys(self, **filters: Any) -> ListIterator[ApiKey]:
        """The account's keys, with hints instead of secrets. Filters: ``limit``, ``cursor``."""
        return self._list(API_KEYS, filters)

    def revoke_api_key(self, api_key_id: str) -> ApiKey:
        """Revoke the key ``key_…`` at once; answers it with ``revoked_at`` set."""
        return self._call("DELETE", API_KEYS.item(api_key_id), ApiKey)

    def get_usage(self) -> Usage:
        """This month's live events against the plan's limit."""
        return self._call("GET", "/usage", Usage)
