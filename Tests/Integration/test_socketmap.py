"""The Postfix socketmap server under `popstore serve`: the `mailbox` and `access` maps,
spoken as Postfix speaks them (netstrings on one kept-open connection)."""

from __future__ import annotations

import socket

import pytest

from conftest import Popstore
from pop3_server import HOST, IO_TIMEOUT, serve  # noqa: F401  (the fixture)


class SocketmapClient:
    def __init__(self, port: int):
        self.sock = socket.create_connection((HOST, port), timeout=IO_TIMEOUT)
        self.buffer = b""

    def raw(self, data: bytes) -> bytes:
        self.sock.sendall(data)
        return self.read()

    def read(self) -> bytes:
        while b":" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return b""
            self.buffer += chunk
        length, rest = self.buffer.split(b":", 1)
        while len(rest) < int(length) + 1:
            chunk = self.sock.recv(4096)
            assert chunk, "connection closed mid-reply"
            rest += chunk
        assert rest[int(length):int(length) + 1] == b","
        self.buffer = rest[int(length) + 1:]
        return rest[:int(length)]

    def ask(self, name: str, key: str) -> str:
        payload = f"{name} {key}".encode()
        return self.raw(b"%d:%s," % (len(payload), payload)).decode()

    def close(self):
        self.sock.close()


@pytest.fixture
def lookups(ps: Popstore, serve):
    ps.add("jdoe")
    ps.add("closed", "--flags", "dismail")
    ps.add("full", "--quota", "1K", "--overdraft", "1K")  # the overdraft lets usage pass the quota
    rc, _ = ps.deliver(["full"], b"Subject: fill\n\n" + b"x" * 1500 + b"\n")
    assert rc == 0
    client = SocketmapClient(serve().socketmap_port)
    yield client
    client.close()


def test_mailbox_map_says_which_addresses_are_delivered(lookups):
    assert lookups.ask("mailbox", "jdoe@example.com") == "OK jdoe@example.com"
    assert lookups.ask("mailbox", "JDoe+Lists@Example.COM") == "OK jdoe@example.com"
    assert lookups.ask("mailbox", "nobody@example.com") == "NOTFOUND "
    assert lookups.ask("mailbox", "jdoe@elsewhere.net") == "NOTFOUND "
    assert lookups.ask("mailbox", "@example.com") == "NOTFOUND ", "a partial key names no recipient"


def test_access_map_refuses_disabled_and_full_mailboxes(lookups):
    assert lookups.ask("access", "closed@example.com") == "OK REJECT 5.2.1 Mailbox disabled, not accepting messages"
    assert lookups.ask("access", "full@example.com") == "OK REJECT 5.2.2 Mailbox full"
    assert lookups.ask("access", "jdoe@example.com") == "OK DUNNO"
    assert lookups.ask("access", "nobody@example.com") == "OK DUNNO"
    assert lookups.ask("access", "example.com") == "NOTFOUND "


def test_unknown_map_and_bad_requests(lookups):
    assert lookups.ask("virtual", "jdoe@example.com").startswith("PERM ")
    assert lookups.raw(b"7:nospace,").startswith(b"PERM ")
    assert lookups.ask("mailbox", "jdoe@example.com") == "OK jdoe@example.com", "the connection goes on"
    assert lookups.raw(b"99999999:").startswith(b"PERM "), "an over-long request is refused"
    assert lookups.read() == b"", "and the connection closed: the framing is lost"
