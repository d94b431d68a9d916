"""Answer objects and pages, without a server."""

import unittest
from typing import Any, Dict, List

from emivoy import ApiKey, Entity, ListIterator, Page, Run

ENTITY = {
    "object": "entity",
    "entity_id": "acct_123",
    "external_id": "acct_123",
    "entity_type": "account",
    "name": "Acme Corp",
    "attributes": {},
    "created_at": "2026-12-03T13:33:00.974Z",
    "updated_at": "2026-12-03T13:33:00.974Z",
}


class ModelTest(unittest.TestCase):
    def test_fields_a_newer_server_adds_are_kept(self) -> None:
        entity = Entity.from_dict({**ENTITY, "archived": True})
        self.assertEqual(entity.extra, {"object": "entity", "archived": True})
        self.assertIs(entity.archived, True)
        self.assertEqual(entity.to_dict(), {**ENTITY, "archived": True})

    def test_fields_a_server_leaves_out_are_none(self) -> None:
        entity = Entity.from_dict({"entity_id": "acct_123"})
        self.assertIsNone(entity.name)
        run = Run.from_dict({"run_id": "run_1"})
        self.assertEqual((run.run_id, run.status), ("run_1", None))

    def test_an_unknown_attribute_is_an_attribute_error(self) -> None:
        entity = Entity.from_dict(ENTITY)
        with self.assertRaises(AttributeError):
            entity.colour  # noqa: B018
        self.assertFalse(hasattr(entity, "colour"))

    def test_a_model_built_by_hand_has_empty_extra(self) -> None:
        entity = Entity("a", "a", "account", None, {}, "t", "t")
        self.assertEqual(entity.extra, {})

    def test_the_secret_of_a_key_stays_out_of_its_repr(self) -> None:
        key = ApiKey.from_dict(
            {
                "api_key_id": "key_1",
                "name": "CI",
                "mode": "live",
                "key_hint": "em_live_…a1B2",
                "created_at": "t",
                "last_used_at": None,
                "revoked_at": None,
                "key": "em_live_secret",
            }
        )
        self.assertEqual(key.key, "em_live_secret")
        self.assertNotIn("em_live_secret", repr(key))


class ListIteratorTest(unittest.TestCase):
    def setUp(self) -> None:
        self.requests: List[Dict[str, Any]] = []

    def fetch(self, query: Dict[str, Any]) -> Page[Entity]:
        """Three pages of two: cursors "2" and "4"."""
        self.requests.append(query)
        start = int(query.get("cursor") or 0)
        items = [Entity.from_dict({**ENTITY, "entity_id": str(i)}) for i in (start, start + 1)]
        cursor = str(start + 2) if start < 4 else None
        return Page(items, cursor is not None, cursor)

    def test_nothing_is_fetched_before_the_first_item(self) -> None:
        items = ListIterator(self.fetch, {"limit": 2})
        self.assertEqual(self.requests, [])
        self.assertEqual(next(items).entity_id, "0")
        self.assertEqual(self.requests, [{"limit": 2}])

    def test_iteration_follows_the_cursors(self) -> None:
        ids = [e.entity_id for e in ListIterator(self.fetch, {"limit": 2})]
        self.assertEqual(ids, ["0", "1", "2", "3", "4", "5"])
        self.assertEqual([q.get("cursor") for q in self.requests], [None, "2", "4"])

    def test_page_fetches_exactly_one_page(self) -> None:
        page = ListIterator(self.fetch, {"limit": 2, "cursor": "2"}).page()
        self.assertEqual([e.entity_id for e in page.data], ["2", "3"])
        self.assertEqual((page.has_more, page.next_cursor), (True, "4"))
        self.assertEqual(len(self.requests), 1)

    def test_a_page_without_a_cursor_is_the_last(self) -> None:
        page = Page.from_dict({"data": [ENTITY], "has_more": True, "next_cursor": None}, Entity)
        self.assertFalse(page.has_more)
        self.assertEqual(page.data[0].name, "Acme Corp")
