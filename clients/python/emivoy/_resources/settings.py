"""Suppressions and the email provider: where mail goes, and where it must not."""

from typing import Any, Optional

from ..models import EmailProvider, EmailProviderVerification, Suppression
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

SUPPRESSIONS = Resource("/suppressions", Suppression)
EMAIL_PROVIDER = "/settings/email-provider"


class SettingsMixin(ResourceMethods):
    def list_suppressions(self, **filters: Any) -> ListIterator[Suppression]:
        """Addresses that are not mailed (bounces, spam reports, unsubscribes). Filters:
        ``limit`` (page size), ``cursor``, ``email``, ``q``."""
        return self._list(SUPPRESSIONS, filters)

    def delete_suppression(self, email: str) -> None:
        """Allow mail to ``email`` again."""
        self._delete(SUPPRESSIONS, email)

    def get_email_provider(self) -> EmailProvider:
        """The provider settings; secrets are write-only and never returned."""
        return self._call("GET", EMAIL_PROVIDER, EmailProvider)

    def update_email_provider(self, *, provider: str, **fields: Any) -> EmailProvider:
        """Set where mail goes (PUT): ``"outbox"``, ``"sendgrid"`` (with ``api_key``) or
        ``"smtp"`` (with ``smtp={"host", "port", "username", "password", …}``). Other fields:
        ``from_email`` (required to send), ``from_name``, ``reply_to``,
        ``unsubscribe_mailto``, ``webhook_verification_key``. Secrets left out are kept."""
        body = dict(fields, provider=provider)
        return self._call("PUT", EMAIL_PROVIDER, EmailProvider, body)

    def verify_email_provider(
        self, *, idempotency_key: Optional[str] = None
    ) -> EmailProviderVerification:
        """Check the stored credentials with the provider, without sending mail."""
        path = f"{EMAIL_PROVIDER}/verify"
        return self._call("POST", path, EmailProviderVerification, {}, idempotency_key)
