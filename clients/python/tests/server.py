"""A real Emivoy server for the tests: its own port, its own SQLite data directory."""

import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[3]
SERVER_MAIN = REPO_ROOT / "packages" / "server" / "dist" / "cli" / "main.js"


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_server_built() -> None:
    """Compile the server once if its JavaScript is missing."""
    if SERVER_MAIN.exists():
        return
    build = subprocess.run(
        ["npx", "tsc", "-b", "packages/server"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # tsc still writes JavaScript when it reports type errors; only a missing file is fatal.
    if not SERVER_MAIN.exists():
        raise RuntimeError(f"building the server failed:\n{build.stdout}\n{build.stderr}")


class EmivoyServer:
    """``emivoy serve`` in a subprocess, stopped (and its data deleted) by :meth:`stop`.

    ``settings`` are environment variables (``EMIVOY_RATE_LIMIT="1"``). Once started, the
    server has an account whose live key is ``api_key``.
    """

    def __init__(self, **settings: str) -> None:
        ensure_server_built()
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data_dir = tempfile.mkdtemp(prefix="emivoy-python-tests-")
        self.env = self._environment(settings)
        self._log = open(os.path.join(self.data_dir, "server.log"), "w+b")
        self.process = subprocess.Popen(
            [_node(), str(SERVER_MAIN), "serve"],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_healthy()
            self.api_key = self.create_account()
        except Exception:
            self.stop()
            raise

    def create_account(self, name: str = "Test") -> str:
        """Create an account with ``emivoy accounts create``; answers its live API key."""
        created = subprocess.run(
            [_node(), str(SERVER_MAIN), "accounts", "create", "--name", name, "--json"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return str(json.loads(created.stdout)["api_key"]["key"])

    def stop(self) -> None:
        """Stop the server and delete its data directory."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _environment(self, settings: Dict[str, str]) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _INHERITED_SETTINGS}
        env.update(
            PORT=str(self.port),
            HOST="127.0.0.1",
            EMIVOY_DATA_DIR=self.data_dir,
            EMIVOY_RATE_LIMIT="0",
            LOG_LEVEL="warn",
        )
        env.update(settings)
        return env

    def _wait_until_healthy(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self._log_tail()}")
            if _answers(f"{self.base_url}/healthz"):
                return
            time.sleep(0.05)
        raise RuntimeError(f"the server did not answer /healthz:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read()[-4000:].decode("utf-8", "replace")


# Settings of the developer's own environment that must not leak into a test server.
_INHERITED_SETTINGS: List[str] = [
    "DATABASE_URL",
    "EMIVOY_MONTHLY_EVENT_LIMIT",
    "EMIVOY_SECRET_KEY",
    "CLERK_JWKS_URL",
    "CLERK_JWT_KEY",
]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _node() -> str:
    node: Optional[str] = shutil.which("node")
    if node is None:
        raise RuntimeError("the tests need Node.js on PATH to run the Emivoy server")
    return node


def start_servers(*settings: Dict[str, str]) -> List[EmivoyServer]:
    """Start one server per settings, in parallel (Node.js takes seconds to start)."""
    ensure_server_built()
    with concurrent.futures.ThreadPoolExecutor(len(settings)) as pool:
        starting = [pool.submit(EmivoyServer, **each) for each in settings]
        concurrent.futures.wait(starting)
    started = [s.result() for s in starting if s.exception() is None]
    failures = [s.exception() for s in starting if s.exception() is not None]
    if failures:
        for server in started:
            server.stop()
        raise failures[0]  # type: ignore[misc]
    return started
