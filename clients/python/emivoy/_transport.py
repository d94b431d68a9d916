"""One HTTP exchange with retries, on urllib from the standard library."""

import http.client
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional

from ._retry import RetryPolicy, parse_retry_after
from .errors import (
    APIConnectionError,
    APITimeoutError,
    EmivoyError,
    Headers,
    error_from_response,
)

logger = logging.getLogger("emivoy")


@dataclass(frozen=True)
class HttpRequest:
    """What is sent, identical on every attempt (the Idempotency-Key included)."""

    method: str
    url: str
    headers: Dict[str, str] = field(default_factory=dict)
    body: Optional[bytes] = None

    @property
    def replay_safe(self) -> bool:
        """True when sending it twice cannot do the work twice."""
        return self.method != "POST" or "Idempotency-Key" in self.headers


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    headers: Headers


class Transport:
    """Sends requests, retrying per :class:`RetryPolicy`, and raises errors as EmivoyError."""

    def __init__(
        self,
        timeout: float,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.policy = policy
        self._sleep = sleep
        self._opener = urllib.request.build_opener()

    def send(self, request: HttpRequest) -> HttpResponse:
        """The first successful answer, or the last error once retries are spent."""
        retry = 0
        while True:
            try:
                return self._attempt(request)
            except EmivoyError as error:
                if retry >= self.policy.max_retries:
                    raise
                if not self.policy.should_retry(error, request.replay_safe):
                    raise
                delay = self.policy.delay(retry, error.retry_after)
                # The path only: a query may hold an email address.
                path = urllib.parse.urlsplit(request.url).path
                logger.info("retrying %s %s in %.2fs after: %s", request.method, path, delay, error)
                self._sleep(delay)
                retry += 1

    def _attempt(self, request: HttpRequest) -> HttpResponse:
        response = self._exchange(request)
        if response.status < 400:
            return response

        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise error_from_response(response.status, response.body, response.headers, retry_after)

    def _exchange(self, request: HttpRequest) -> HttpResponse:
        prepared = urllib.request.Request(
            request.url, data=request.body, headers=request.headers, method=request.method
        )
        try:
            with self._opener.open(prepared, timeout=self.timeout) as answer:
                return HttpResponse(answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as answer:
            # An error status is an answer like any other; its body is the problem document.
            with answer:
                return HttpResponse(answer.code, _read_quietly(answer), answer.headers)
        except urllib.error.URLError as failure:
            # urllib wraps only what fails while connecting or sending: the server never
            # received the whole request, so it cannot have acted on it.
            reason = failure.reason
            cause = reason if isinstance(reason, BaseException) else failure
            raise _connection_error(reason, sent=False) from cause
        except (OSError, http.client.HTTPException) as failure:
            # The request went out; the answer never arrived, or broke off half way.
            raise _connection_error(failure, sent=True) from failure


def _read_quietly(answer: urllib.error.HTTPError) -> bytes:
    # The status already says what failed; a body cut short only loses the details.
    try:
        return answer.read()
    except (OSError, http.client.HTTPException):
        return b""


def _connection_error(reason: object, *, sent: bool) -> APIConnectionError:
    if isinstance(reason, socket.timeout):
        return APITimeoutError(f"No answer in time: {reason}", sent=sent)
    stage = "after the request was sent" if sent else "before the request was sent"
    return APIConnectionError(f"Connection failed {stage}: {reason!r}", sent=sent)
