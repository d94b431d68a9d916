"""Contacts: people attached to an entity with a role."""

from typing import Any, Optional

from ..models import Contact
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

CONTACTS = Resource("/contacts", Contact)


class ContactsMixin(ResourceMethods):
    def create_contact(
        self,
        *,
        entity_id: str,
        role: str,
        email: str,
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Contact:
        """Attach a contact to an entity. Optional fields: ``name``, ``attributes``.

        Raises ConflictError (``contact_exists``) for the same entity, role and email twice.
        """
        body = dict(fields, entity_id=entity_id, role=role, email=email)
        return self._create(CONTACTS, body, idempotency_key)

    def get_contact(self, contact_id: str) -> Contact:
        """The contact ``con_…``."""
        return self._retrieve(CONTACTS, contact_id)

    def list_contacts(self, **filters: Any) -> ListIterator[Contact]:
        """Contacts, newest first. Filters: ``limit`` (page size), ``cursor``, ``entity_id``,
        ``role``, ``email``, ``q``, ``created_after``, ``created_before``."""
        return self._list(CONTACTS, filters)

    def update_contact(self, contact_id: str, **fields: Any) -> Contact:
        """Change only the given fields: ``role``, ``email``, ``name``, ``attributes``."""
        return self._update(CONTACTS, contact_id, fields)

    def delete_contact(self, contact_id: str) -> None:
        """Delete the contact."""
        self._delete(CONTACTS, contact_id)
