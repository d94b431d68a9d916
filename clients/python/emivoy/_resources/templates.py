"""Templates: subject, text body and HTML body, in Liquid."""

from typing import Any, Mapping, Optional

from ..models import Template, TemplatePreview
from ..pagination import ListIterator
from .base import Resource, ResourceMethods

TEMPLATES = Resource("/templates", Template)


class TemplatesMixin(ResourceMethods):
    def create_template(
        self,
        *,
        name: str,
        subject: str,
        idempotency_key: Optional[str] = None,
        **fields: Any,
    ) -> Template:
        """Create a template. Fields: ``text_body`` and/or ``html_body`` (one is required).

        Raises ValidationError naming the field, line and column when Liquid does not parse.
        """
        body = dict(fields, name=name, subject=subject)
        return self._create(TEMPLATES, body, idempotency_key)

    def get_template(self, template_id: str) -> Template:
        """The template ``tpl_…``."""
        return self._retrieve(TEMPLATES, template_id)

    def list_templates(self, **filters: Any) -> ListIterator[Template]:
        """Templates, newest first. Filters: ``limit`` (page size), ``cursor``, ``q``."""
        return self._list(TEMPLATES, filters)

    def update_template(self, template_id: str, **fields: Any) -> Template:
        """Change only the given fields: ``name``, ``subject``, ``text_body``, ``html_body``."""
        return self._update(TEMPLATES, template_id, fields)

    def delete_template(self, template_id: str) -> None:
        """Delete the template. Raises ConflictError (``template_in_use``) while a policy
        sends it."""
        self._delete(TEMPLATES, template_id)

    def preview_template(
        self,
        template_id: str,
        *,
        data: Optional[Mapping[str, Any]] = None,
        contact: Optional[Mapping[str, Any]] = None,
        entity: Optional[Mapping[str, Any]] = None,
        event_type: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> TemplatePreview:
        """Render the template with sample event ``data``, ``contact`` and ``entity``."""
        given = {"data": data, "contact": contact, "entity": entity, "event_type": event_type}
        body = {key: value for key, value in given.items() if value is not None}
        path = TEMPLATES.item(template_id, "preview")
        return self._call("POST", path, TemplatePreview, body, idempotency_key)
