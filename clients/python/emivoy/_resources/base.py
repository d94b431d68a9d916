"""The generic calls every resource is written in terms of.

A resource is a :class:`Resource` (its path and model) plus a few one-line methods over
:class:`ResourceMethods`; only :meth:`ResourceMethods._request` touches HTTP.
"""

import uuid
from dataclasses import dataclass
from typing import Any, Generic, Mapping, Optional, Type
from urllib.parse import quote

from ..models import M
from ..pagination import ListIterator, Page

JsonObject = Mapping[str, Any]


@dataclass(frozen=True)
class Resource(Generic[M]):
    """Where one kind of object lives under ``/api/v1``, and the model its JSON becomes."""

    path: str
    model: Type[M]

    def item(self, object_id: str, *rest: str) -> str:
        """The path of one object (or of one of its sub-resources), its id escaped."""
        if not object_id:
            raise ValueError(f"an id is required for {self.path}/{{id}}")
        return "/".join((self.path, quote(object_id, safe=""), *rest))


def new_idempotency_key() -> str:
    """A fresh random ``Idempotency-Key``."""
    return str(uuid.uuid4())


class ResourceMethods:
    """Create, get, list, update, delete and actions, for any :class:`Resource`."""

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[JsonObject] = None,
        body: Optional[JsonObject] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        """Send one call (retried per the client's policy) and return its parsed JSON."""
        raise NotImplementedError

    def _create(
        self,
        resource: "Resource[M]",
        body: JsonObject,
        idempotency_key: Optional[str] = None,
        query: Optional[JsonObject] = None,
    ) -> M:
        answer = self._request(
            "POST", resource.path, query=query, body=body, idempotency_key=idempotency_key
        )
        return resource.model.from_dict(answer)

    def _retrieve(self, resource: "Resource[M]", object_id: str) -> M:
        return resource.model.from_dict(self._request("GET", resource.item(object_id)))

    def _list(
        self, resource: "Resource[M]", filters: JsonObject, path: Optional[str] = None
    ) -> ListIterator[M]:
        def fetch(query: JsonObject) -> Page[M]:
            answer = self._request("GET", path or resource.path, query=query)
            return Page.from_dict(answer, resource.model)

        return ListIterator(fetch, filters)

    def _update(
        self, resource: "Resource[M]", object_id: str, fields: JsonObject, method: str = "PATCH"
    ) -> M:
        answer = self._request(method, resource.item(object_id), body=fields)
        return resource.model.from_dict(answer)

    def _delete(self, resource: "Resource[M]", object_id: str) -> None:
        self._request("DELETE", resource.item(object_id))

    def _action(
        self,
        resource: "Resource[M]",
        object_id: str,
        action: str,
        body: Optional[JsonObject] = None,
        idempotency_key: Optional[str] = None,
    ) -> M:
        """``POST /{resource}/{id}/{action}``, answering the resource's model."""
        path = resource.item(object_id, action)
        return self._call("POST", path, resource.model, body or {}, idempotency_key)

    def _call(
        self,
        method: str,
        path: str,
        model: Type[M],
        body: Optional[JsonObject] = None,
        idempotency_key: Optional[str] = None,
    ) -> M:
        """Any call that answers one object: for paths that are not ``/{resource}/{id}``."""
        answer = self._request(method, path, body=body, idempotency_key=idempotency_key)
        return model.from_dict(answer)
