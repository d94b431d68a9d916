"""Every method of today's API, against a real server."""

import itertools
import time
import unittest
import uuid
from typing import Any, Dict, List

from emivoy import (
    ApiKey,
    Client,
    ConflictError,
    Contact,
    Entity,
    Event,
    Message,
    NotFoundError,
    Policy,
    Template,
    Usage,
)

from .server import EmivoyServer, start_servers

# The Python snippet of the product documentation, exactly as written there.
SEED_SNIPPET = """
from emivoy import Client
client = Client(base_url="https://api.emivoy.com", api_key="em_live_...")
# Create an entity
entity = client.create_entity(
external_id="acct_123",
entity_type="account",
name="Acme Corp",
)
# Fire an event
event = client.create_event(
event_type="invoice.overdue",
entity_id=entity.entity_id,
data={"amount": 1200, "days_overdue": 7},
)
"""




class Shared:
    """One server for the whole module: Node.js takes seconds to start, and every test makes
    its own ids, so that tests do not see each other's objects."""

    server: EmivoyServer


def setUpModule() -> None:
    (Shared.server,) = start_servers({})
    unittest.addModuleCleanup(Shared.server.stop)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class ServerTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.server = Shared.server
        self.api_key = self.server.api_key
        self.client = Client(base_url=self.server.base_url, api_key=self.api_key)

    def new_entity(self) -> str:
        """A new account entity's id."""
        return self.client.create_entity(external_id=unique("a"), entity_type="account").entity_id


class SeedSnippetTest(ServerTestCase):
    def test_the_documented_snippet_runs_as_written(self) -> None:
        code = SEED_SNIPPET.replace('"https://api.emivoy.com"', repr(self.server.base_url))
        code = code.replace('"em_live_..."', repr(self.api_key))
        scope: Dict[str, Any] = {}

        exec(compile(code, "seed-snippet", "exec"), scope)

        self.assertEqual(scope["entity"].entity_id, "acct_123")
        self.assertEqual(scope["entity"].name, "Acme Corp")
        self.assertTrue(scope["event"].event_id.startswith("evt_"))
        self.assertEqual(scope["event"].data, {"amount": 1200, "days_overdue": 7})


class EntitiesTest(ServerTestCase):
    def test_create_get_replace_update_delete(self) -> None:
        external_id = unique("acct")
        created = self.client.create_entity(
            external_id=external_id, entity_type="account", name="Acme", attributes={"plan": "pro"}
        )
        self.assertIsInstance(created, Entity)
        self.assertEqual(created.entity_id, external_id)
        self.assertEqual(created.attributes, {"plan": "pro"})
        self.assertEqual(self.client.get_entity(external_id), created)

        replaced = self.client.replace_entity(external_id, entity_type="customer")
        self.assertEqual((replaced.entity_type, replaced.name), ("customer", None))

        updated = self.client.update_entity(external_id, name="Acme Corp")
        self.assertEqual((updated.entity_type, updated.name), ("customer", "Acme Corp"))

        self.client.delete_entity(external_id)
        with self.assertRaises(NotFoundError):
            self.client.get_entity(external_id)

    def test_replace_creates_a_missing_entity(self) -> None:
        external_id = unique("inv")
        entity = self.client.replace_entity(external_id, entity_type="invoice", name="INV-1")
        self.assertEqual(self.client.get_entity(external_id).name, entity.name)

    def test_ids_with_slashes_and_at_signs_are_escaped_in_paths(self) -> None:
        external_id = unique("org/team@example.com:1")
        self.client.create_entity(external_id=external_id, entity_type="team")
        self.assertEqual(self.client.get_entity(external_id).external_id, external_id)

    def test_paging_follows_cursors_lazily(self) -> None:
        entity_type = unique("paging")
        created = [
            self.client.create_entity(external_id=unique("p"), entity_type=entity_type).entity_id
            for _ in range(30)
        ]

        listed = [e.entity_id for e in self.client.list_entities(entity_type=entity_type, limit=7)]
        self.assertEqual(listed, list(reversed(created)))

        pages = list(self.client.list_entities(entity_type=entity_type, limit=7).pages())
        self.assertEqual([len(p.data) for p in pages], [7, 7, 7, 7, 2])
        self.assertEqual([p.has_more for p in pages], [True] * 4 + [False])

    def test_one_page_and_the_next(self) -> None:
        entity_type = unique("onepage")
        for _ in range(3):
            self.client.create_entity(external_id=unique("q"), entity_type=entity_type)

        first = self.client.list_entities(entity_type=entity_type, limit=2).page()
        self.assertEqual((len(first.data), first.has_more), (2, True))

        rest = self.client.list_entities(entity_type=entity_type, limit=2, cursor=first.next_cursor)
        second = rest.page()
        self.assertEqual((len(second.data), second.has_more, second.next_cursor), (1, False, None))

    def test_taking_a_few_items_stops_early(self) -> None:
        entity_type = unique("few")
        for _ in range(4):
            self.client.create_entity(external_id=unique("f"), entity_type=entity_type)

        items = self.client.list_entities(entity_type=entity_type, limit=1)
        self.assertEqual(len(list(itertools.islice(items, 2))), 2)
        self.assertEqual(len(list(items)), 2)  # the iterator resumes where it stopped

    def test_search(self) -> None:
        name = unique("Searchable")
        self.client.create_entity(external_id=unique("s"), entity_type="account", name=name)
        found = list(self.client.list_entities(q=name.lower()))
        self.assertEqual([e.name for e in found], [name])


class ContactsTest(ServerTestCase):
    def test_create_get_list_update_delete(self) -> None:
        entity_id = self.new_entity()
        contact = self.client.create_contact(
            entity_id=entity_id, role="billing_contact", email="Jane@Acme.com", name="Jane Smith"
        )
        self.assertIsInstance(contact, Contact)
        self.assertTrue(contact.contact_id.startswith("con_"))
        self.assertEqual(contact.email, "jane@acme.com")
        self.assertEqual(self.client.get_contact(contact.contact_id), contact)

        listed = list(self.client.list_contacts(entity_id=entity_id, role="billing_contact"))
        self.assertEqual([c.contact_id for c in listed], [contact.contact_id])

        updated = self.client.update_contact(contact.contact_id, name="Jane Doe")
        self.assertEqual(updated.name, "Jane Doe")

        self.client.delete_contact(contact.contact_id)
        with self.assertRaises(NotFoundError) as caught:
            self.client.get_contact(contact.contact_id)
        self.assertEqual(caught.exception.code, "contact_not_found")


class TemplatesAndPoliciesTest(ServerTestCase):
    def create_template(self) -> Template:
        return self.client.create_template(
            name=unique("Invoice Overdue"),
            subject="Invoice #{{invoice_id}} is overdue",
            text_body="Hi {{contact_name}}, ${{amount}} is {{days_overdue}} days overdue.",
            html_body="<p>Hi {{contact_name}},...</p>",
        )

    def test_templates(self) -> None:
        template = self.create_template()
        self.assertTrue(template.template_id.startswith("tpl_"))
        self.assertEqual(self.client.get_template(template.template_id), template)
        listed = self.client.list_templates(q=template.name)
        self.assertEqual([t.template_id for t in listed], [template.template_id])

        updated = self.client.update_template(template.template_id, subject="Reminder")
        self.assertEqual(updated.subject, "Reminder")

        self.client.delete_template(template.template_id)
        with self.assertRaises(NotFoundError):
            self.client.get_template(template.template_id)

    def test_policies(self) -> None:
        template = self.create_template()
        event_type = unique("invoice.overdue")
        policy = self.client.create_policy(
            name="Invoice Overdue Notifications",
            event_type=event_type,
            steps=[
                {"type": "send_email", "template_id": template.template_id},
                {"type": "wait", "duration": "3d"},
                {"type": "send_email", "template_id": template.template_id},
            ],
            cancel_on=[{"event_type": "invoice.paid", "match": ["invoice_id"]}],
        )
        self.assertIsInstance(policy, Policy)
        self.assertEqual((policy.enabled, policy.version, len(policy.steps)), (True, 1, 3))
        self.assertEqual(self.client.get_policy(policy.policy_id), policy)
        listed = self.client.list_policies(event_type=event_type, enabled=True)
        self.assertEqual([p.policy_id for p in listed], [policy.policy_id])

        with self.assertRaises(ConflictError) as caught:
            self.client.delete_template(template.template_id)
        self.assertEqual(caught.exception.code, "template_in_use")

        updated = self.client.update_policy(
            policy.policy_id, steps=[{"type": "send_email", "template_id": template.template_id}]
        )
        self.assertEqual((updated.version, len(updated.steps)), (2, 1))
        disabled = self.client.update_policy(policy.policy_id, enabled=False)
        self.assertEqual(list(self.client.list_policies(event_type=event_type, enabled=True)), [])
        self.assertFalse(disabled.enabled)

        self.client.delete_policy(policy.policy_id)
        with self.assertRaises(NotFoundError):
            self.client.get_policy(policy.policy_id)


class EventsTest(ServerTestCase):
    def test_create_get_list(self) -> None:
        entity_id = self.new_entity()
        event = self.client.create_event(
            event_type="invoice.overdue", entity_id=entity_id, data={"invoice_id": "INV-1042"}
        )
        self.assertIsInstance(event, Event)
        self.assertTrue(event.livemode)
        fetched = self.client.get_event(event.event_id)
        self.assertEqual((fetched.event_id, fetched.data), (event.event_id, event.data))

        other = self.client.create_event(event_type="invoice.paid", entity_id=entity_id)
        self.assertEqual(other.data, {})
        listed = self.client.list_events(entity_id=entity_id)
        self.assertEqual([e.event_id for e in listed], [other.event_id, event.event_id])
        overdue = self.client.list_events(entity_id=entity_id, event_type="invoice.overdue")
        self.assertEqual([e.event_id for e in overdue], [event.event_id])

    def test_an_explicit_idempotency_key_replays_the_first_answer(self) -> None:
        entity_id = self.new_entity()
        key = unique("invoice-1042-overdue")
        first = self.client.create_event(
            event_type="invoice.overdue", entity_id=entity_id, idempotency_key=key
        )
        again = self.client.create_event(
            event_type="invoice.overdue", entity_id=entity_id, idempotency_key=key
        )
        self.assertEqual(again.event_id, first.event_id)
        self.assertEqual(len(list(self.client.list_events(entity_id=entity_id))), 1)

    def test_test_mode_keys_see_test_events_only(self) -> None:
        entity_id = self.new_entity()
        test_key = self.client.create_api_key(name="tests", mode="test")
        test_client = Client(base_url=self.server.base_url, api_key=str(test_key.key))

        event = test_client.create_event(event_type="signup", entity_id=entity_id)
        self.assertFalse(event.livemode)
        self.assertEqual(list(self.client.list_events(entity_id=entity_id)), [])


class ApiKeysAndUsageTest(ServerTestCase):
    def test_create_list_revoke(self) -> None:
        created = self.client.create_api_key(name="CI")
        self.assertIsInstance(created, ApiKey)
        self.assertTrue(str(created.key).startswith("em_live_"))
        self.assertNotIn(str(created.key), repr(created))

        listed = {k.api_key_id: k for k in self.client.list_api_keys()}
        self.assertIsNone(listed[created.api_key_id].key)
        self.assertEqual(listed[created.api_key_id].key_hint, created.key_hint)

        revoked = self.client.revoke_api_key(created.api_key_id)
        self.assertIsNotNone(revoked.revoked_at)

    def test_default_name_and_test_mode(self) -> None:
        created = self.client.create_api_key(mode="test")
        self.assertEqual(created.mode, "test")
        self.assertTrue(str(created.key).startswith("em_test_"))

    def test_usage(self) -> None:
        entity_id = self.new_entity()
        before = self.client.get_usage()
        self.client.create_event(event_type="invoice.overdue", entity_id=entity_id)

        after = self.client.get_usage()
        self.assertIsInstance(after, Usage)
        self.assertEqual(after.events, before.events + 1)
        self.assertEqual(after.limit, 1000)
        self.assertEqual(after.remaining, 1000 - after.events)


SAMPLE_TEMPLATE = {"subject": "Invoice {{invoice_id}}", "text_body": "Hi {{contact_name}}"}


class EngineTest(ServerTestCase):
    """The engine's endpoints: skipped on a server that does not have them yet."""

    def skip_unless_routed(self, error: NotFoundError) -> None:
        if error.code == "not_found":
            self.skipTest(f"this server has no route for it yet: {error.message}")

    def start_policy(self, client: Client, entity_id: str) -> Event:
        template = client.create_template(name=unique("Overdue"), **SAMPLE_TEMPLATE)
        event_type = unique("invoice.overdue")
        steps = [
            {"type": "send_email", "template_id": template.template_id},
            {"type": "wait", "duration": "3d"},
            {"type": "send_email", "template_id": template.template_id},
        ]
        client.create_policy(name="Overdue", event_type=event_type, steps=steps)
        client.create_contact(entity_id=entity_id, role="billing", email="jane@acme.com")
        return client.create_event(
            event_type=event_type, entity_id=entity_id, data={"invoice_id": "INV-1"}
        )

    def test_template_preview(self) -> None:
        template = self.client.create_template(name=unique("Preview"), **SAMPLE_TEMPLATE)
        try:
            preview = self.client.preview_template(template.template_id, data={"invoice_id": 7})
        except NotFoundError as error:
            self.skip_unless_routed(error)
            raise
        self.assertEqual(preview.subject, "Invoice 7")

    def test_runs_messages_and_timeline(self) -> None:
        entity_id = self.new_entity()
        event = self.start_policy(self.client, entity_id)
        try:
            runs = list(self.client.list_runs(event_id=event.event_id))
        except NotFoundError as error:
            self.skip_unless_routed(error)
            raise
        self.assertEqual(len(runs), 1)
        self.assertEqual(self.client.get_run(runs[0].run_id).event_id, event.event_id)

        messages = self.wait_for_messages(event.event_id)
        self.assertEqual(self.client.get_message(messages[0].message_id).run_id, runs[0].run_id)
        kinds = [entry.kind for entry in self.client.get_entity_timeline(entity_id)]
        self.assertIn("event", kinds)

        cancelled = self.client.cancel_run(runs[0].run_id)
        self.assertEqual(cancelled.status, "cancelled")

    def test_suppressions(self) -> None:
        try:
            self.assertIsInstance(list(self.client.list_suppressions()), list)
        except NotFoundError as error:
            self.skip_unless_routed(error)
            raise

    def test_a_dry_run_stores_nothing(self) -> None:
        entity_id = self.new_entity()
        answer = self.client.create_event(event_type="signup", entity_id=entity_id, dry_run=True)
        if answer.extra.get("object") != "event_dry_run":
            self.skipTest("this server does not support dry runs yet")
        self.assertEqual(answer.matched_policies, [])
        self.assertEqual(list(self.client.list_events(entity_id=entity_id)), [])

    def wait_for_messages(self, event_id: str) -> List[Message]:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            messages = list(self.client.list_messages(event_id=event_id))
            if messages:
                return messages
            time.sleep(0.1)
        self.fail("the worker sent no message within 10 seconds")
