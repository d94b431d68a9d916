"""The request each method sends, recorded without a network.

This covers the engine's endpoints (runs, messages, timeline, suppressions, settings, template
previews, dry runs), which the server suite tests once they exist on the server.
"""

import re
import unittest
import uuid
from pathlib import Path
from typing import Any, Dict, List, Mapping, NamedTuple, Optional

from emivoy import (
    Client,
    EmailProvider,
    EmailProviderVerification,
    EventDryRun,
    Message,
    Run,
    Suppression,
    TemplatePreview,
    TimelineEntry,
    __version__,
)


class Sent(NamedTuple):
    method: str
    path: str
    query: Optional[Mapping[str, Any]]
    body: Optional[Mapping[str, Any]]
    idempotency_key: Optional[str]


class RecordingClient(Client):
    """A client whose one request helper records the call and answers ``answer``."""

    def __init__(self, answer: Any) -> None:
        super().__init__("http://emivoy.invalid", "em_test_x")
        self.answer = answer
        self.sent: List[Sent] = []

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        self.sent.append(Sent(method, path, query, body, idempotency_key))
        return self.answer


PAGE: Dict[str, Any] = {"data": [], "has_more": False, "next_cursor": None}


class EngineEndpointsTest(unittest.TestCase):
    def call(self, answer: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        self.client = RecordingClient(answer)
        result = getattr(self.client, method)(*args, **kwargs)
        return result.page() if hasattr(result, "page") else result

    def assert_sent(self, method: str, path: str, **expected: Any) -> Sent:
        (sent,) = self.client.sent
        self.assertEqual((sent.method, sent.path), (method, path))
        for name, value in expected.items():
            self.assertEqual(getattr(sent, name), value, name)
        return sent

    def test_runs(self) -> None:
        self.call(PAGE, "list_runs", status="waiting", event_id="evt_1", limit=5)
        query = {"status": "waiting", "event_id": "evt_1", "limit": 5}
        self.assert_sent("GET", "/runs", query=query)

        run = self.call({"run_id": "run_1", "status": "waiting"}, "get_run", "run_1")
        self.assert_sent("GET", "/runs/run_1")
        self.assertIsInstance(run, Run)

        self.call({"run_id": "run_1", "status": "cancelled"}, "cancel_run", "run_1")
        self.assert_sent("POST", "/runs/run_1/cancel", body={})

        self.call({"run_id": "run_1"}, "advance_run", "run_1", idempotency_key="k1")
        self.assert_sent("POST", "/runs/run_1/advance", idempotency_key="k1")

    def test_messages(self) -> None:
        self.call(PAGE, "list_messages", run_id="run_1", to="jane@acme.com")
        self.assert_sent("GET", "/messages", query={"run_id": "run_1", "to": "jane@acme.com"})

        answer = {"message_id": "msg_1", "to": {"email": "a@b.c"}}
        message = self.call(answer, "get_message", "msg_1")
        self.assert_sent("GET", "/messages/msg_1")
        self.assertIsInstance(message, Message)
        self.assertEqual(message.to, {"email": "a@b.c"})

    def test_entity_timeline(self) -> None:
        answer = {"object": "timeline", "data": [{"kind": "event"}], "next_cursor": None, "has_more": False}
        page = self.call(answer, "get_entity_timeline", "acct/123", limit=50)
        self.assert_sent("GET", "/entities/acct%2F123/timeline", query={"limit": 50})
        self.assertIsInstance(page.data[0], TimelineEntry)
        self.assertEqual(page.data[0].kind, "event")

    def test_suppressions(self) -> None:
        page = self.call({**PAGE, "data": [{"email": "a@b.c"}]}, "list_suppressions")
        self.assert_sent("GET", "/suppressions", query={})
        self.assertIsInstance(page.data[0], Suppression)

        self.call(None, "delete_suppression", "jane+x@acme.com")
        self.assert_sent("DELETE", "/suppressions/jane%2Bx%40acme.com")

    def test_email_provider_settings(self) -> None:
        settings = self.call({"provider": "outbox"}, "get_email_provider")
        self.assert_sent("GET", "/settings/email-provider")
        self.assertIsInstance(settings, EmailProvider)

        fields = {"provider": "sendgrid", "api_key": "SG.x"}
        self.call({"provider": "sendgrid"}, "update_email_provider", **fields)
        self.assert_sent(
            "PUT", "/settings/email-provider", body={"provider": "sendgrid", "api_key": "SG.x"}
        )

        verified = self.call({"ok": True}, "verify_email_provider")
        self.assert_sent("POST", "/settings/email-provider/verify")
        self.assertIsInstance(verified, EmailProviderVerification)

    def test_template_preview(self) -> None:
        answer = {"object": "template_preview", "subject": "Invoice #1 is overdue"}
        preview = self.call(answer, "preview_template", "tpl_1", data={"invoice_id": 1})
        self.assert_sent("POST", "/templates/tpl_1/preview", body={"data": {"invoice_id": 1}})
        self.assertIsInstance(preview, TemplatePreview)
        self.assertEqual(preview.subject, "Invoice #1 is overdue")


class EventsRequestTest(unittest.TestCase):
    def test_every_event_gets_its_own_idempotency_key(self) -> None:
        client = RecordingClient({"event_id": "evt_1"})
        client.create_event(event_type="signup", entity_id="acct_1")
        client.create_event(event_type="signup", entity_id="acct_1")
        keys = [sent.idempotency_key for sent in client.sent]
        self.assertNotEqual(keys[0], keys[1])
        for key in keys:
            uuid.UUID(str(key))

    def test_a_callers_key_is_kept(self) -> None:
        client = RecordingClient({"event_id": "evt_1"})
        client.create_event(event_type="signup", entity_id="acct_1", idempotency_key="signup-1")
        self.assertEqual(client.sent[0].idempotency_key, "signup-1")

    def test_a_dry_run_asks_for_one(self) -> None:
        client = RecordingClient({"object": "event_dry_run", "matched_policies": []})
        answer = client.create_event(event_type="signup", entity_id="acct_1", dry_run=True)
        self.assertIsInstance(answer, EventDryRun)
        self.assertEqual(client.sent[0].query, {"dry_run": True})
        self.assertIsNotNone(client.sent[0].idempotency_key)

    def test_other_posts_carry_a_key_only_when_given(self) -> None:
        client = RecordingClient({"entity_id": "acct_1"})
        client.create_entity(external_id="acct_1", entity_type="account")
        client.create_entity(external_id="acct_1", entity_type="account", idempotency_key="e1")
        self.assertEqual([s.idempotency_key for s in client.sent], [None, "e1"])


class ClientOptionsTest(unittest.TestCase):
    def test_the_version_is_the_packages(self) -> None:
        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        declared = re.search(r'^version = "(.+)"$', pyproject.read_text(), re.MULTILINE)
        self.assertEqual(declared and declared.group(1), __version__)

    def test_base_url_may_include_the_api_prefix(self) -> None:
        root = "https://api.emivoy.com"
        for base_url in (root, f"{root}/", f"{root}/api/v1"):
            client = Client(base_url=base_url, api_key="em_live_x")
            self.assertEqual(client.base_url, "https://api.emivoy.com/api/v1")

    def test_bad_options_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            Client(base_url="api.emivoy.com", api_key="em_live_x")
        with self.assertRaises(ValueError):
            Client(base_url="https://api.emivoy.com", api_key="")
        with self.assertRaises(ValueError):
            Client(base_url="https://api.emivoy.com", api_key="em_live_x", max_retries=-1)

    def test_the_key_stays_out_of_the_repr(self) -> None:
        client = Client(base_url="https://api.emivoy.com", api_key="em_live_secret")
        self.assertNotIn("em_live_secret", repr(client))
