"""The Emivoy client: every resource's methods over one request helper."""

import datetime
import json
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode

from ._resources.api_keys import ApiKeysMixin
from ._resources.contacts import ContactsMixin
from ._resources.entities import EntitiesMixin
from ._resources.events import EventsMixin
from ._resources.policies import PoliciesMixin
from ._resources.runs import RunsMixin
from ._resources.settings import SettingsMixin
from ._resources.templates import TemplatesMixin
from ._retry import RetryPolicy
from ._transport import HttpRequest, Transport
from .errors import EmivoyError, Headers

__all__ = ["Client"]

__version__ = "0.1.0"


class Client(
    EntitiesMixin,
    ContactsMixin,
    TemplatesMixin,
    PoliciesMixin,
    EventsMixin,
    ApiKeysMixin,
    RunsMixin,
    SettingsMixin,
):
    """A client for one Emivoy account, authenticated by one API key.

    Example::

        client = Client(base_url="https://api.emivoy.com", api_key="em_live_...")
        entity = client.create_entity(external_id="acct_123", entity_type="account")

    Args:
        base_url: the server, such as ``https://api.emivoy.com`` (``/api/v1`` is added).
        api_key: an ``em_live_…`` or ``em_test_…`` key.
        timeout: seconds to wait for the connection and for each read of the answer.
        max_retries: retries after the first attempt for failures worth retrying
            (429 ``rate_limited``, 5xx, broken connections), with exponential back-off and
            jitter that honours ``Retry-After``. A POST is retried after it may have reached
            the server only if it carries an ``Idempotency-Key``; ``create_event`` always
            does. ``0`` turns retries off.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        if not api_key:
            raise ValueError("api_key is required: an em_live_… or em_test_… key")
        if timeout <= 0 or max_retries < 0:
            raise ValueError("timeout must be > 0 and max_retries >= 0")

        self.base_url = _api_root(base_url)
        self._api_key = api_key
        self._transport = Transport(timeout, RetryPolicy(max_retries=max_retries))

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        headers = self._headers(idempotency_key)
        data = None
        if body is not None:
            data = json.dumps(body, default=_json_default).encode("utf-8")
            headers["Content-Type"] = "application/json"

        url = self.base_url + path + _query_string(query)
        response = self._transport.send(HttpRequest(method, url, headers, data))
        return _parse_json(response.body, response.headers)

    def _headers(self, idempotency_key: Optional[str]) -> Dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "application/json",
            "User-Agent": f"emivoy-python/{__version__}",
        }
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers


def _api_root(base_url: str) -> str:
    root = base_url.rstrip("/")
    return root if root.endswith("/api/v1") else root + "/api/v1"


def _query_string(query: Optional[Mapping[str, Any]]) -> str:
    if not query:
        return ""
    pairs = [(key, _query_value(value)) for key, value in query.items() if value is not None]
    return "?" + urlencode(pairs) if pairs else ""


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _parse_json(body: bytes, headers: Headers) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as failure:
        raise EmivoyError(
            "The server answered with something that is not JSON",
            request_id=headers.get("Request-Id"),
        ) from failure
