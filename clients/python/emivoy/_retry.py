"""When a failed call is tried again, and how long the client waits first.

The rule: a request is retried only when doing it twice cannot do the work twice.

- 429 ``rate_limited`` and 409 ``idempotency_key_in_use``: the server did nothing; always.
- 5xx and a connection broken after the request was sent: the server may have acted, so only
  when the request is replay-safe (not a POST, or a POST with an ``Idempotency-Key``).
- A connection that failed before the request was sent: always; the server never saw it.
- 429 ``quota_exceeded`` and every other 4xx: never; the same request would fail again.
"""

import email.utils
import random
import ssl
import time
from dataclasses import dataclass
from typing import Optional

from .errors import (
    APIConnectionError,
    EmivoyError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently the client retries.

    Attributes:
        max_retries: attempts after the first one.
        initial_delay: seconds before the first retry, doubled for each one after it.
        max_delay: the longest back-off between two attempts, in seconds.
        max_retry_after: a ``Retry-After`` longer than this is not waited for: the error is
            raised at once, carrying ``retry_after``.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, retry: int, retry_after: Optional[float]) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        backoff = min(self.max_delay, self.initial_delay * 2.0**retry)
        # Equal jitter: clients that failed together do not come back together.
        jittered = backoff / 2 + random.uniform(0, backoff / 2)
        return max(jittered, retry_after or 0.0)

    def should_retry(self, error: EmivoyError, replay_safe: bool) -> bool:
        """Whether the request that raised ``error`` may be sent again."""
        if error.retry_after is not None and error.retry_after > self.max_retry_after:
            return False
        if isinstance(error, APIConnectionError):
            return _connection_retryable(error, replay_safe)
        if isinstance(error, QuotaExceededError):
            return False
        if isinstance(error, RateLimitError) or error.code == "idempotency_key_in_use":
            return True
        return isinstance(error, ServerError) and replay_safe


def _connection_retryable(error: APIConnectionError, replay_safe: bool) -> bool:
    if isinstance(error.__cause__, ssl.CertificateError):
        return False
    return replay_safe or not error.sent


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
