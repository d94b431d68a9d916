"""Every error class and the retry rule, against real servers (and a proxy that breaks)."""

import time
import unittest
import uuid
from typing import Any, List, Optional

from emivoy import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    Client,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ValidationError,
)

from .proxy import FaultyProxy
from .server import EmivoyServer, free_port, start_servers



class Shared:
    """Started once for the module, in parallel (Node.js takes seconds to start): the usual
    server, one whose plan allows two events a month, one that allows one request a second
    per key, and a proxy in front of the first."""

    server: EmivoyServer
    quota_server: EmivoyServer
    rate_server: EmivoyServer
    proxy: FaultyProxy


def setUpModule() -> None:
    Shared.server, Shared.quota_server, Shared.rate_server = start_servers(
        {}, {"EMIVOY_MONTHLY_EVENT_LIMIT": "2"}, {"EMIVOY_RATE_LIMIT": "1"}
    )
    for started in (Shared.server, Shared.quota_server, Shared.rate_server):
        unittest.addModuleCleanup(started.stop)
    Shared.proxy = FaultyProxy(("127.0.0.1", Shared.server.port))
    unittest.addModuleCleanup(Shared.proxy.stop)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def client_for(
    target: EmivoyServer, via: Optional[FaultyProxy] = None, **options: Any
) -> Client:
    """A client of ``target``'s account, sending straight to it or ``via`` the proxy."""
    base_url = via.base_url if via else target.base_url
    return Client(base_url=base_url, api_key=target.api_key, **options)


def unreachable_client(**options: Any) -> Client:
    return Client(base_url=f"http://127.0.0.1:{free_port()}", api_key="em_live_x", **options)


def record_sleeps(client: Client, really: bool = False) -> List[float]:
    """The back-off delays the client waits, in order; skipped unless ``really``."""
    delays: List[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        if really:
            time.sleep(seconds)

    client._transport._sleep = sleep
    return delays


class ErrorsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = client_for(Shared.server)

    def test_a_bad_field_is_a_validation_error_naming_it(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.client.create_entity(external_id=unique("a"), entity_type="account", colour="red")
        error = caught.exception
        self.assertEqual((error.status, error.code), (400, "validation_failed"))
        self.assertEqual([e["field"] for e in error.errors], ["colour"])
        self.assertIn("colour", error.message)
        self.assertTrue(str(error.request_id).startswith("req_"))
        self.assertIn(str(error.request_id), str(error))

    def test_a_template_that_does_not_parse_names_the_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.client.create_template(name="t", subject="s", text_body="{% if x %}")
        self.assertEqual(caught.exception.errors[0]["field"], "text_body")
        self.assertIn("line 1", caught.exception.errors[0]["message"])

    def test_a_bad_filter_names_the_query_parameter(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.client.list_entities(limit=500).page()
        self.assertEqual([e["field"] for e in caught.exception.errors], ["limit"])

    def test_an_unknown_entity_is_not_found(self) -> None:
        with self.assertRaises(NotFoundError) as caught:
            self.client.get_entity(unique("missing"))
        error = caught.exception
        self.assertEqual((error.status, error.code), (404, "entity_not_found"))

        with self.assertRaises(NotFoundError) as caught:
            self.client.create_event(event_type="invoice.overdue", entity_id=unique("missing"))
        self.assertEqual(caught.exception.code, "entity_not_found")

    def test_duplicates_conflict(self) -> None:
        external_id = unique("a")
        self.client.create_entity(external_id=external_id, entity_type="account")
        with self.assertRaises(ConflictError) as caught:
            self.client.create_entity(external_id=external_id, entity_type="account")
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "entity_exists"))

        contact = {"entity_id": external_id, "role": "billing", "email": "a@example.com"}
        self.client.create_contact(**contact)
        with self.assertRaises(ConflictError) as caught:
            self.client.create_contact(**contact)
        self.assertEqual(caught.exception.code, "contact_exists")

    def test_an_idempotency_key_reused_with_another_body(self) -> None:
        key = unique("key")
        self.client.create_entity(external_id=unique("a"), entity_type="x", idempotency_key=key)
        with self.assertRaises(ValidationError) as caught:
            self.client.create_entity(external_id=unique("b"), entity_type="x", idempotency_key=key)
        error = caught.exception
        self.assertEqual((error.status, error.code), (422, "idempotency_key_reused"))

    def test_unknown_and_revoked_keys_do_not_authenticate(self) -> None:
        stranger = Client(base_url=Shared.server.base_url, api_key="em_live_not-a-key")
        with self.assertRaises(AuthenticationError) as caught:
            stranger.get_usage()
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "invalid_api_key"))

        created = self.client.create_api_key(name="short-lived")
        self.client.revoke_api_key(created.api_key_id)
        revoked = Client(base_url=Shared.server.base_url, api_key=str(created.key))
        with self.assertRaises(AuthenticationError) as caught:
            revoked.get_usage()
        self.assertEqual(caught.exception.code, "api_key_revoked")

    def test_a_test_mode_key_may_not_create_live_keys(self) -> None:
        test_key = self.client.create_api_key(mode="test")
        test_client = Client(base_url=Shared.server.base_url, api_key=str(test_key.key))
        with self.assertRaises(ForbiddenError) as caught:
            test_client.create_api_key(mode="live")
        self.assertEqual((caught.exception.status, caught.exception.code), (403, "forbidden"))

    def test_an_unreachable_server_is_a_connection_error(self) -> None:
        client = unreachable_client(max_retries=0)
        with self.assertRaises(APIConnectionError) as caught:
            client.get_usage()
        self.assertFalse(caught.exception.sent)
        self.assertIsNone(caught.exception.status)

    def test_a_slow_answer_is_a_timeout(self) -> None:
        Shared.proxy.break_next("GET", "/api/v1/usage", "stall")
        client = client_for(Shared.server, via=Shared.proxy, timeout=0.3, max_retries=0)
        with self.assertRaises(APITimeoutError) as caught:
            client.get_usage()
        self.assertTrue(caught.exception.sent)


class QuotaTest(unittest.TestCase):
    def test_the_third_event_of_a_two_event_plan_is_refused_and_not_retried(self) -> None:
        client = client_for(Shared.quota_server)
        sleeps = record_sleeps(client)
        entity_id = client.create_entity(external_id=unique("a"), entity_type="account").entity_id
        for _ in range(2):
            client.create_event(event_type="invoice.overdue", entity_id=entity_id)

        with self.assertRaises(QuotaExceededError) as caught:
            client.create_event(event_type="invoice.overdue", entity_id=entity_id)
        error = caught.exception
        self.assertEqual((error.status, error.code), (429, "quota_exceeded"))
        self.assertGreater(error.retry_after or 0, 0)
        self.assertEqual(sleeps, [])

        self.assertEqual(len(list(client.list_events(entity_id=entity_id))), 2)
        usage = client.get_usage()
        self.assertEqual((usage.events, usage.limit, usage.remaining), (2, 2, 0))


class RateLimitTest(unittest.TestCase):
    def exhaust(self, client: Client) -> RateLimitError:
        for _ in range(10):
            try:
                client.get_usage()
            except RateLimitError as error:
                return error
        self.fail("ten requests in a row were never rate limited")

    def test_without_retries_the_limit_raises_with_retry_after(self) -> None:
        error = self.exhaust(client_for(Shared.rate_server, max_retries=0))
        self.assertEqual((error.status, error.code), (429, "rate_limited"))
        self.assertGreaterEqual(error.retry_after or 0, 1)

    def test_retries_wait_for_retry_after_and_succeed(self) -> None:
        client = client_for(Shared.rate_server)
        sleeps = record_sleeps(client, really=True)
        # A one-second window may close between the two calls: then try again.
        for _ in range(3):
            self.exhaust(client_for(Shared.rate_server, max_retries=0))
            self.assertEqual(client.get_usage().limit, 1000)
            if sleeps:
                break
        self.assertTrue(sleeps, "the retrying client was never rate limited")
        self.assertGreaterEqual(sleeps[0], 1)


class RetriesTest(unittest.TestCase):
    """The proxy breaks one request; the client must recover without doing the work twice."""

    def setUp(self) -> None:
        self.direct = client_for(Shared.server)
        self.client = client_for(Shared.server, via=Shared.proxy)
        self.sleeps = record_sleeps(self.client)

    def test_an_event_whose_answer_was_lost_is_retried_with_the_same_key(self) -> None:
        entity_id = self.direct.create_entity(external_id=unique("a"), entity_type="x").entity_id
        seen_before = len(Shared.proxy.requests("POST", "/api/v1/events"))
        Shared.proxy.break_next("POST", "/api/v1/events", "drop")

        event = self.client.create_event(
            event_type="invoice.overdue", entity_id=entity_id, data={"amount": 1200}
        )

        attempts = Shared.proxy.requests("POST", "/api/v1/events")[seen_before:]
        self.assertEqual([a.fault for a in attempts], ["drop", None])
        self.assertIsNotNone(attempts[0].idempotency_key)
        self.assertEqual(attempts[0].idempotency_key, attempts[1].idempotency_key)
        stored = list(self.direct.list_events(entity_id=entity_id))
        self.assertEqual([e.event_id for e in stored], [event.event_id])

    def test_a_post_without_a_key_is_not_retried_once_sent(self) -> None:
        name = unique("Lost answer")
        Shared.proxy.break_next("POST", "/api/v1/templates", "drop")

        with self.assertRaises(APIConnectionError) as caught:
            self.client.create_template(name=name, subject="s", text_body="t")
        self.assertTrue(caught.exception.sent)
        self.assertEqual(self.sleeps, [])
        # Why: the server did create it; a blind retry would have made a second one.
        self.assertEqual(len(list(self.direct.list_templates(q=name))), 1)

    def test_a_post_with_a_key_is_retried_once_sent(self) -> None:
        name = unique("Retried")
        Shared.proxy.break_next("POST", "/api/v1/templates", "drop")

        self.client.create_template(
            name=name, subject="s", text_body="t", idempotency_key=unique("tpl")
        )
        self.assertEqual(len(self.sleeps), 1)
        self.assertEqual(len(list(self.direct.list_templates(q=name))), 1)

    def test_server_errors_are_retried_for_reads(self) -> None:
        Shared.proxy.break_next("GET", "/api/v1/usage", "503")
        self.assertEqual(self.client.get_usage().limit, 1000)
        self.assertEqual(len(self.sleeps), 1)

    def test_server_errors_are_not_retried_for_posts_without_a_key(self) -> None:
        Shared.proxy.break_next("POST", "/api/v1/entities", "503")
        with self.assertRaises(ServerError) as caught:
            self.client.create_entity(external_id=unique("a"), entity_type="x")
        error = caught.exception
        self.assertEqual((error.status, error.code), (503, "service_unavailable"))
        self.assertEqual(self.sleeps, [])

    def test_retries_give_up_after_max_retries(self) -> None:
        for _ in range(3):
            Shared.proxy.break_next("GET", "/api/v1/api-keys", "503")
        with self.assertRaises(ServerError):
            self.client.list_api_keys().page()
        self.assertEqual(len(self.sleeps), 2)
        self.assertLess(self.sleeps[0], self.sleeps[1] + 0.5)

    def test_a_refused_connection_is_retried_even_for_a_post(self) -> None:
        client = unreachable_client()
        sleeps = record_sleeps(client)
        with self.assertRaises(APIConnectionError) as caught:
            client.create_template(name="t", subject="s", text_body="t")
        self.assertFalse(caught.exception.sent)
        self.assertEqual(len(sleeps), 2)
