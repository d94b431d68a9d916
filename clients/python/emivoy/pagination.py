"""Lists: one page of results, and an iterator that follows ``next_cursor`` lazily."""

from dataclasses import dataclass
from typing import Any, Callable, Dict, Generic, Iterator, List, Mapping, Optional, Type

from .models import M

__all__ = ["Page", "ListIterator"]


@dataclass
class Page(Generic[M]):
    """One page of a list, as the API answered it."""

    data: List[M]
    has_more: bool
    next_cursor: Optional[str]

    @classmethod
    def from_dict(cls, body: Mapping[str, Any], model: Type[M]) -> "Page[M]":
        """Build from ``{"data": [...], "has_more": …, "next_cursor": …}``."""
        raw_items = body.get("data") or []
        items = [model.from_dict(item) for item in raw_items]
        cursor = body.get("next_cursor")
        return cls(items, bool(body.get("has_more")) and cursor is not None, cursor)


FetchPage = Callable[[Dict[str, Any]], Page[M]]


class ListIterator(Iterator[M]):
    """Every item of a list, newest first, fetched a page at a time as iteration needs it.

    Nothing is requested until the first item is asked for. ``limit`` in the filters is the
    page size, not a cap on the items; stop iterating (or use :func:`itertools.islice`) to
    take fewer. :meth:`page` fetches only one page; :meth:`pages` walks page by page.
    """

    def __init__(self, fetch: FetchPage[M], query: Mapping[str, Any]) -> None:
        self._fetch = fetch
        self._query = dict(query)
        self._items = (item for page in self.pages() for item in page.data)

    def __iter__(self) -> "ListIterator[M]":
        return self

    def __next__(self) -> M:
        return next(self._items)

    def page(self) -> Page[M]:
        """The page the filters (and ``cursor``, if given) ask for: exactly one request."""
        return self._fetch(dict(self._query))

    def pages(self) -> Iterator[Page[M]]:
        """Each page in turn, from the filters' ``cursor`` (or the start) to the last."""
        query = dict(self._query)
        while True:
            page = self._fetch(dict(query))
            yield page
            if not page.has_more:
                return
            query["cursor"] = page.next_cursor
