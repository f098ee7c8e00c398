"""A 5 MiB message, with many lines starting with ".", arrives intact over plain POP3
(sent from the file) and over POP3S (sent in chunks through TLS)."""

from __future__ import annotations

import hashlib
import random
import shutil

import pytest

from conftest import crlf
from pop3_server import HOST, add_account, insecure_context, run_tool, serve  # noqa: F401

PASSWORD = "Large-pw-4e19"
ACCOUNTS = ["big1", "big2", "big3", "big4"]
SIZE = 5 * 1024 * 1024


def big_message() -> bytes:
    rng = random.Random(20261129)
    lines = [b"From: bulk@example.net", b"To: someone@example.com", b"Subject: Large message", b""]
    total = sum(len(line) + 1 for line in lines)
    n = 0
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_=+"
    while total < SIZE:
        n += 1
        if n % 97 == 0:
            line = b"."
        elif n % 89 == 0:
            line = b".."
        elif n % 7 == 0:
            line = b"." + f"dot line {n} ".encode() + bytes(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        elif n % 13 == 0:
            line = b""
        else:
            line = f"{n:07d} ".encode() + bytes(rng.choice(alphabet) for _ in range(rng.randrange(150)))
        lines.append(line)
        total += len(line) + 1
    return b"\n".join(lines) + b"\n"


@pytest.fixture(scope="module")
def message() -> bytes:
    return big_message()


@pytest.fixture
def server(ps, serve, message):
    for name in ACCOUNTS:
        add_account(ps, name, PASSWORD)
    rc, results = ps.deliver(ACCOUNTS, message)
    assert rc == 0, results
    return serve()


def received(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def check(got: bytes, expected: bytes):
    if got != expected:
        i = next((k for k in range(min(len(got), len(expected))) if got[k] != expected[k]), min(len(got), len(expected)))
        raise AssertionError(f"message differs: got {len(got)} octets (sha256 {hashlib.sha256(got).hexdigest()[:16]}), "
                             f"expected {len(expected)}; first difference at octet {i}: "
                             f"got {got[max(0, i - 40):i + 40]!r} expected {expected[max(0, i - 40):i + 40]!r}")


def test_large_message_over_plain_pop3(server, message):
    expected = crlf(message)
    assert len(expected) > SIZE
    client = server.login("big1", PASSWORD, timeout=60)
    count, size = client.stat()
    assert (count, size) == (1, len(expected))
    _, lines, octets = client.retr(1)
    assert octets == len(expected)
    check(received(lines), expected)
    client.quit()


def test_large_message_over_pop3s(server, message):
    expected = crlf(message)
    client = server.pop3s(timeout=60)
    client.user("big2")
    client.pass_(PASSWORD)
    assert client.stat() == (1, len(expected))
    _, lines, octets = client.retr(1)
    assert octets == len(expected)
    check(received(lines), expected)
    # The session is still in step after the long answer.
    assert client.noop().startswith(b"+OK")
    client.quit()


def test_large_message_after_stls(server, message):
    expected = crlf(message)
    client = server.pop3(timeout=60)
    client.stls(context=insecure_context())
    client.user("big3")
    client.pass_(PASSWORD)
    _, lines, _ = client.retr(1)
    check(received(lines), expected)
    client.quit()


def test_large_message_with_curl_pop3s(server, message):
    assert shutil.which("curl"), "curl is needed for this test"
    proc = run_tool(["curl", "-s", "-S", "-k", "--max-time", "60", f"pop3s://{HOST}:{server.pop3s_port}/1",
                     "-u", f"big4:{PASSWORD}"])
    assert proc.returncode == 0, proc.stderr
    check(proc.stdout, crlf(message))
