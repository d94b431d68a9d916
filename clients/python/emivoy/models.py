"""The objects the API answers with, as dataclasses.

Each class names the fields it knows. Fields a newer server adds land in ``extra`` and are
readable as attributes too (``event.runs``), so a new server never breaks an old client.
Times are ISO 8601 strings in UTC, as the API sends them.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Type, TypeVar

__all__ = [
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
]

M = TypeVar("M", bound="Model")


class Model:
    """Base of every answer object: known fields as attributes, the rest in ``extra``."""

    extra: Dict[str, Any]
    # Fields holding lists of other objects, built as those models.
    _nested: ClassVar[Dict[str, Type["Model"]]] = {}

    def __post_init__(self) -> None:
        self.extra = {}

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        """Build from a JSON object; unknown keys go to ``extra``, missing ones are None."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        values = {name: data[name] for name in known if name in data}
        for name, spec in known.items():
            if name not in values and _is_required(spec):
                values[name] = None
        for name, nested in cls._nested.items():
            if isinstance(values.get(name), list):
                values[name] = [nested.from_dict(item) for item in values[name]]
        model = cls(**values)
        model.extra = {key: value for key, value in data.items() if key not in known}
        return model

    def to_dict(self) -> Dict[str, Any]:
        """The object as the API sent it: known fields and ``extra`` together."""
        known = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {**self.extra, **known}

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: fall back to fields this class predates.
        extra = self.__dict__.get("extra", {})
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")


def _is_required(spec: "dataclasses.Field[Any]") -> bool:
    return spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING


@dataclass
class Entity(Model):
    """A domain object of yours (an account, an invoice), identified by your ``external_id``."""

    entity_id: str
    external_id: str
    entity_type: str
    name: Optional[str]
    attributes: Dict[str, Any]
    created_at: str
    updated_at: str


@dataclass
class Contact(Model):
    """A person attached to an entity with a role, such as ``billing_contact``."""

    contact_id: str
    entity_id: str
    role: str
    email: str
    name: Optional[str]
    attributes: Dict[str, Any]
    created_at: str
    updated_at: str


@dataclass
class Template(Model):
    """An email: subject, text body and HTML body in Liquid."""

    template_id: str
    name: str
    subject: str
    text_body: Optional[str]
    html_body: Optional[str]
    created_at: str
    updated_at: str


@dataclass
class TemplatePreview(Model):
    """A template rendered with sample variables; nothing is stored or sent."""

    template_id: Optional[str] = None
    subject: Optional[str] = None
    text_body: Optional[str] = None
    html_body: Optional[str] = None


@dataclass
class Policy(Model):
    """An event type mapped to ordered steps, with conditions, recipients and cancel rules."""

    policy_id: str
    name: str
    event_type: str
    enabled: bool
    version: int
    steps: List[Dict[str, Any]]
    conditions: List[Dict[str, Any]]
    recipients: Optional[Dict[str, Any]]
    cancel_on: List[Dict[str, Any]]
    created_at: str
    updated_at: str


@dataclass
class Event(Model):
    """One posted fact about an entity; immutable once accepted.

    ``create_event`` answers with ``runs_started`` and ``runs_cancelled`` (references:
    ``run_id``, ``policy_id``, ``policy_version``); ``get_event`` with the ``runs`` it started
    and the ``messages`` they sent.
    """

    event_id: str
    event_type: str
    entity_id: str
    data: Dict[str, Any]
    livemode: bool
    created_at: str
    runs_started: Optional[List[Dict[str, Any]]] = None
    runs_cancelled: Optional[List[Dict[str, Any]]] = None
    runs: "Optional[List[Run]]" = None
    messages: "Optional[List[Message]]" = None


@dataclass
class EventDryRun(Model):
    """What an event would do: the policies it matches, with each step's recipients,
    rendered mail and projected time, and the runs it would cancel. Nothing was stored."""

    event_type: Optional[str] = None
    entity_id: Optional[str] = None
    data: Optional[Dict[str, Any]] = None
    livemode: Optional[bool] = None
    matched_policies: List[Dict[str, Any]] = field(default_factory=list)
    runs_cancelled: List[Dict[str, Any]] = field(default_factory=list)


@dataclass
class ApiKey(Model):
    """An API key. ``key``, the secret, is set only in the answer that created it."""

    api_key_id: str
    name: str
    mode: str
    key_hint: str
    created_at: str
    last_used_at: Optional[str]
    revoked_at: Optional[str]
    key: Optional[str] = field(default=None, repr=False)


@dataclass
class Usage(Model):
    """This calendar month's live events against the plan's limit (None: unlimited)."""

    period: str
    period_start: str
    period_end: str
    events: int
    limit: Optional[int]
    remaining: Optional[int]


# The engine's objects below are new: every field but the id is optional, so that an early
# server that leaves one out still parses.


@dataclass
class Run(Model):
    """One policy executing for one event: a durable state machine.

    ``status`` is ``scheduled``, ``waiting``, ``completed``, ``cancelled`` or ``failed``;
    ``get_run`` also gives ``log``, what happened step by step.
    """

    run_id: str
    policy_id: Optional[str] = None
    policy_version: Optional[int] = None
    event_id: Optional[str] = None
    entity_id: Optional[str] = None
    livemode: Optional[bool] = None
    status: Optional[str] = None
    step_index: Optional[int] = None
    wake_at: Optional[str] = None
    last_error: Optional[str] = None
    cancelled_by_event_id: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    ended_at: Optional[str] = None
    log: Optional[List[Dict[str, Any]]] = None


@dataclass
class Message(Model):
    """One email to one recipient, produced by a ``send_email`` step.

    ``get_message`` also gives the rendered ``text_body``, ``html_body`` and
    ``status_history``.
    """

    message_id: str
    run_id: Optional[str] = None
    event_id: Optional[str] = None
    entity_id: Optional[str] = None
    contact_id: Optional[str] = None
    template_id: Optional[str] = None
    provider: Optional[str] = None
    to: Optional[Dict[str, Any]] = None
    subject: Optional[str] = None
    status: Optional[str] = None
    attempts: Optional[int] = None
    last_error: Optional[str] = None
    provider_message_id: Optional[str] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None
    sent_at: Optional[str] = None
    text_body: Optional[str] = None
    html_body: Optional[str] = None
    status_history: Optional[List[Dict[str, Any]]] = None


Event._nested = {"runs": Run, "messages": Message}


@dataclass
class TimelineEntry(Model):
    """One thing that happened to an entity: an event, a run starting, a wait, an email,
    a cancellation. ``kind`` says which."""

    kind: Optional[str] = None
    at: Optional[str] = None
    event_id: Optional[str] = None
    run_id: Optional[str] = None
    message_id: Optional[str] = None
    step_index: Optional[int] = None
    detail: Optional[Dict[str, Any]] = None


@dataclass
class Suppression(Model):
    """An address that must not be mailed again, and why (``bounce``, ``spam_report``,
    ``unsubscribe``, …)."""

    email: str
    reason: Optional[str] = None
    detail: Optional[str] = None
    message_id: Optional[str] = None
    created_at: Optional[str] = None


@dataclass
class EmailProvider(Model):
    """Where messages go: ``outbox`` (captured, not sent), ``sendgrid`` or ``smtp``.

    Secrets are write-only: ``api_key_set`` and ``smtp_password_set`` say whether one is
    stored. ``webhook_url`` is what to paste into SendGrid's Event Webhook settings.
    """

    provider: Optional[str] = None
    from_email: Optional[str] = None
    from_name: Optional[str] = None
    reply_to: Optional[str] = None
    unsubscribe_mailto: Optional[str] = None
    smtp: Optional[Dict[str, Any]] = None
    api_key_set: Optional[bool] = None
    smtp_password_set: Optional[bool] = None
    webhook_verification_key: Optional[str] = None
    webhook_url: Optional[str] = None
    status: Optional[str] = None
    status_detail: Optional[str] = None
    updated_at: Optional[str] = None


@dataclass
class EmailProviderVerification(Model):
    """Whether the provider accepted the stored credentials, and its explanation."""

    provider: Optional[str] = None
    ok: Optional[bool] = None
    detail: Optional[str] = None
