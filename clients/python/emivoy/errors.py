"""The exceptions the client raises: one class per kind of failure, all under EmivoyError.

Match on the class for the kind of failure and on ``code`` for the exact reason; ``code`` is
stable, ``message`` (the problem's ``detail``) may be reworded by the server.
"""

import json
from typing import Any, Dict, List, Mapping, Optional, Protocol, Type

__all__ = [
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
    "error_from_response",
]


class Headers(Protocol):
    """An answer's headers: a dict, or the case-insensitive headers of a real answer."""

    def get(self, name: str, /) -> Optional[str]: ...


class EmivoyError(Exception):
    """Any failure of a call to Emivoy.

    Attributes:
        status: the HTTP status, or None when no answer arrived.
        code: the problem's stable code (``entity_not_found``), or None.
        message: the problem's ``detail``: a sentence a person can act on.
        errors: for validation failures, one ``{"field", "message"}`` per bad field.
        request_id: the server's id for the request; quote it when you ask for help.
        retry_after: seconds the server asked to wait (``Retry-After``), or None.
        body: the whole problem document as parsed JSON, or None.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        errors: Optional[List[Dict[str, str]]] = None,
        request_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.errors: List[Dict[str, str]] = errors or []
        self.request_id = request_id
        self.retry_after = retry_after
        self.body = body

    def __str__(self) -> str:
        facts = [
            f"status {self.status}" if self.status is not None else None,
            f"code {self.code}" if self.code else None,
            f"request {self.request_id}" if self.request_id else None,
        ]
        known = ", ".join(fact for fact in facts if fact)
        return f"{self.message} ({known})" if known else self.message


class APIConnectionError(EmivoyError):
    """No answer arrived: the server could not be reached or the connection broke.

    Attributes:
        sent: True when the whole request had been sent, so the server may have acted on
            it; False when it certainly never arrived (refused connection, unknown host).
    """

    def __init__(self, message: str, *, sent: bool) -> None:
        super().__init__(message)
        self.sent = sent


class APITimeoutError(APIConnectionError):
    """No answer arrived within the client's ``timeout``."""


class AuthenticationError(EmivoyError):
    """401: the API key is missing, unknown or revoked."""


class ForbiddenError(EmivoyError):
    """403: the key may not do this (a test-mode key creating a live key, say)."""


class NotFoundError(EmivoyError):
    """404: no such object in this account (``entity_not_found``, …) or no such route."""


class ConflictError(EmivoyError):
    """409: the request clashes with what exists (``entity_exists``, ``template_in_use``)."""


class ValidationError(EmivoyError):
    """400 or 422: the request is malformed; ``errors`` names each bad field."""


class RateLimitError(EmivoyError):
    """429 ``rate_limited``: too many requests a second; wait ``retry_after`` seconds."""


class QuotaExceededError(EmivoyError):
    """429 ``quota_exceeded``: the plan's monthly events are used up; nothing was stored."""


class ServerError(EmivoyError):
    """5xx: the server failed. Retrying with the same ``Idempotency-Key`` is safe."""


_BY_STATUS: Dict[int, Type[EmivoyError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
}


def error_class(status: int, code: Optional[str]) -> Type[EmivoyError]:
    """The exception class for an HTTP error status and problem code."""
    if status == 429:
        return QuotaExceededError if code == "quota_exceeded" else RateLimitError
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, EmivoyError)


def error_from_response(
    status: int,
    raw_body: bytes,
    headers: Headers,
    retry_after: Optional[float] = None,
) -> EmivoyError:
    """Build the exception for an error answer, from its problem document when it has one."""
    problem = _parse_problem(raw_body)
    code = _text(problem.get("code"))
    message = _text(problem.get("detail")) or _text(problem.get("title"))
    request_id = _text(problem.get("request_id")) or headers.get("Request-Id")
    return error_class(status, code)(
        message or f"HTTP {status} without a problem document",
        status=status,
        code=code,
        errors=_field_errors(problem.get("errors")),
        request_id=request_id,
        retry_after=retry_after,
        body=problem or None,
    )


def _parse_problem(raw_body: bytes) -> Dict[str, Any]:
    # A proxy in front of the server may answer with HTML or nothing at all.
    try:
        parsed = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _field_errors(value: Any) -> List[Dict[str, str]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None
