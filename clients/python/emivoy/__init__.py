"""Emivoy's Python client: standard library only.

Example::

    from emivoy import Client

    client = Client(base_url="https://api.emivoy.com", api_key="em_live_...")
    entity = client.create_entity(external_id="acct_123", entity_type="account")
    event = client.create_event(
        event_type="invoice.overdue", entity_id=entity.entity_id, data={"amount": 1200}
    )
"""

from .client import Client, __version__
from .errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    EmivoyError,
    ForbiddenError,
    NotFoundError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from .models import (
    ApiKey,
    Contact,
    EmailProvider,
    EmailProviderVerification,
    Entity,
    Event,
    EventDryRun,
    Message,
    Model,
    Policy,
    Run,
    Suppression,
    Template,
    TemplatePreview,
    TimelineEntry,
    Usage,
)
from .pagination import ListIterator, Page

__all__ = [
    "Client",
    "__version__",
    "EmivoyError",
    "APIConnectionError",
    "APITimeoutError",
    "AuthenticationError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "ValidationError",
    "RateLimitError",
    "QuotaExceededError",
    "ServerError",
    "Model",
    "Entity",
    "Contact",
    "Template",
    "TemplatePreview",
    "Policy",
    "Event",
    "EventDryRun",
    "ApiKey",
    "Usage",
    "Run",
    "Message",
    "TimelineEntry",
    "Suppression",
    "EmailProvider",
    "EmailProviderVerification",
    "Page",
    "ListIterator",
]
