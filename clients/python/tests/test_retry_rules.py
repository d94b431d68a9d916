"""Which failures are retried, how long the client waits, and how errors are classified."""

import email.utils
import json
import time
import unittest
from typing import Any, Dict, Optional

from emivoy import (
    APIConnectionError,
    AuthenticationError,
    ConflictError,
    EmivoyError,
    ForbiddenError,
    NotFoundError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from emivoy._retry import RetryPolicy, parse_retry_after
from emivoy.errors import error_from_response


def problem(status: int, code: Optional[str] = None, **fields: Any) -> EmivoyError:
    body = json.dumps({"status": status, "code": code, "detail": "it failed", **fields})
    return error_from_response(status, body.encode(), {})


class ClassificationTest(unittest.TestCase):
    def test_each_status_has_its_class(self) -> None:
        expected: Dict[int, type] = {
            400: ValidationError,
            401: AuthenticationError,
            403: ForbiddenError,
            404: NotFoundError,
            409: ConflictError,
            422: ValidationError,
            500: ServerError,
            503: ServerError,
            413: EmivoyError,
        }
        for status, error_class in expected.items():
            self.assertIs(type(problem(status)), error_class, status)

    def test_429_is_split_by_code(self) -> None:
        self.assertIsInstance(problem(429, "rate_limited"), RateLimitError)
        self.assertIsInstance(problem(429, "quota_exceeded"), QuotaExceededError)

    def test_the_problem_document_fills_the_error(self) -> None:
        error = problem(
            400,
            "validation_failed",
            request_id="req_1",
            errors=[{"field": "name", "message": "is required"}],
        )
        self.assertEqual(error.message, "it failed")
        self.assertEqual(error.errors, [{"field": "name", "message": "is required"}])
        self.assertEqual(error.request_id, "req_1")

    def test_an_answer_that_is_not_a_problem_still_makes_an_error(self) -> None:
        error = error_from_response(502, b"<html>Bad gateway</html>", {"Request-Id": "req_2"})
        self.assertIsInstance(error, ServerError)
        self.assertEqual((error.code, error.request_id), (None, "req_2"))
        self.assertIn("502", error.message)


class RetryRuleTest(unittest.TestCase):
    policy = RetryPolicy()

    def test_what_did_nothing_on_the_server_is_always_retried(self) -> None:
        for error in (problem(429, "rate_limited"), problem(409, "idempotency_key_in_use")):
            self.assertTrue(self.policy.should_retry(error, replay_safe=False), error.code)
        unsent = APIConnectionError("refused", sent=False)
        self.assertTrue(self.policy.should_retry(unsent, replay_safe=False))

    def test_what_may_have_done_the_work_is_retried_only_when_replay_safe(self) -> None:
        for error in (problem(500), problem(503), APIConnectionError("reset", sent=True)):
            self.assertTrue(self.policy.should_retry(error, replay_safe=True))
            self.assertFalse(self.policy.should_retry(error, replay_safe=False))

    def test_what_would_fail_again_is_never_retried(self) -> None:
        for error in (problem(429, "quota_exceeded"), problem(400), problem(404), problem(409)):
            self.assertFalse(self.policy.should_retry(error, replay_safe=True), error.status)

    def test_a_retry_after_beyond_the_cap_is_not_waited_for(self) -> None:
        error = problem(429, "rate_limited")
        error.retry_after = 3600
        self.assertFalse(self.policy.should_retry(error, replay_safe=True))

    def test_back_off_doubles_with_jitter_and_honours_retry_after(self) -> None:
        for retry, ceiling in ((0, 0.5), (1, 1.0), (2, 2.0), (10, 8.0)):
            delay = self.policy.delay(retry, None)
            self.assertTrue(ceiling / 2 <= delay <= ceiling, (retry, delay))
        self.assertEqual(self.policy.delay(0, 5.0), 5.0)

    def test_retry_after_is_seconds_or_a_date(self) -> None:
        self.assertEqual(parse_retry_after("3"), 3.0)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("soon"))
        in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)
        self.assertAlmostEqual(parse_retry_after(in_a_minute) or 0, 60, delta=2)
