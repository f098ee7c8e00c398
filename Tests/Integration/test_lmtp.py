"""LMTP (RFC 2033) into the real `popstore serve`, driven by Python's smtplib.LMTP, swaks and
raw sockets; every message is read back over POP3 (poplib) to check what the user gets."""

from __future__ import annotations

import shutil
import smtplib
import socket
import subprocess

import pytest

from conftest import DOMAIN, Popstore, crlf, drop_entries, header_value, make_message
from pop3_server import HOST, IO_TIMEOUT, serve  # noqa: F401  (the fixture)

DOTTY = b"Subject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\nlast line\r\n"


def retrieve_all(server, user: str, password: str = "pw") -> list[bytes]:
    client = server.login_retrying_in_use(user, password)
    count, _ = client.stat()
    messages = [b"\r\n".join(client.retr(i)[1]) + b"\r\n" for i in range(1, count + 1)]
    client.quit()
    return messages


def body_after_trace(message: bytes) -> bytes:
    """The message as sent: the stored copy starts with Return-Path and Received."""
    assert message.startswith(b"Return-Path: <"), message[:80]
    lines = message.split(b"\r\n")
    i = 1
    assert lines[i].startswith(b"Received: ")
    i += 1
    while lines[i].startswith((b"\t", b" ")):
        i += 1
    return b"\r\n".join(lines[i:])


class Raw:
    """A line-level LMTP client for what smtplib will not send."""

    def __init__(self, port: int):
        self.sock = socket.create_connection((HOST, port), timeout=IO_TIMEOUT)
        self.file = self.sock.makefile("rb")
        assert self.reply()[0] == 220

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reply(self) -> tuple[int, str]:
        lines = []
        while True:
            line = self.file.readline()
            assert line, "connection closed"
            lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            if line[3:4] != b"-":
                return int(line[:3]), "\n".join(lines)

    def command(self, line: bytes) -> tuple[int, str]:
        self.send(line + b"\r\n")
        return self.reply()

    def close(self) -> None:
        self.file.close()  # the file holds the socket open too
        self.sock.close()


@pytest.fixture
def accounts(ps: Popstore):
    for name in ("jdoe", "alice"):
        ps.add(name, "--password", "pw")
    return ps


def test_lhlo_announces_the_extensions(accounts, serve):
    server = serve()
    client = server.lmtp()
    code, text = client.docmd("LHLO", "client.example")
    assert code == 250
    for extension in (b"PIPELINING", b"ENHANCEDSTATUSCODES", b"8BITMIME", b"SIZE 67108864", b"DSN", b"SMTPUTF8", b"CHUNKING"):
        assert extension in text.split(b"\n"), text
    assert client.docmd("HELO", "x")[0] == 500, "LMTP has no HELO (RFC 2033 §4.1)"
    assert client.docmd("VRFY", "jdoe")[0] == 252
    client.quit()


def test_one_reply_per_recipient_and_the_message_retrieved_intact(accounts, serve):
    server = serve()
    client = server.lmtp()
    refused = client.sendmail("sender@example.net", ["jdoe@example.com", "nobody@example.com", "alice@example.com"], DOTTY)
    client.quit()
    assert refused == {"nobody@example.com": (550, b"5.1.1 No such user here")}
    for user in ("jdoe", "alice"):
        [message] = retrieve_all(server, user)
        assert body_after_trace(message) == DOTTY
        assert header_value(message, "Return-Path") == ["<sender@example.net>"]


def test_trace_fields_name_the_client_and_one_recipient(accounts, serve):
    server = serve()
    client = server.lmtp()
    client.ehlo("mta.example")
    client.sendmail("", ["jdoe@example.com"], b"Subject: x\r\n\r\nbody\r\n")
    client.quit()
    [message] = retrieve_all(server, "jdoe")
    head = message.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("Return-Path: <>\r\nReceived: from mta.example ([127.0.0.1])\r\n")
    assert "with LMTP id " in head and "for <jdoe@example.com>" in head


def test_letter_case_and_subaddress_reach_the_account(accounts, serve):
    server = serve()
    client = server.lmtp()
    assert client.sendmail("s@example.net", ["JDoe+News@EXAMPLE.COM"], b"Subject: tagged\r\n\r\nx\r\n") == {}
    client.quit()
    [message] = retrieve_all(server, "jdoe")
    assert header_value(message, "Subject") == ["tagged"]


def test_refusals_at_rcpt_name_the_reason(ps: Popstore, serve):
    ps.add("jdoe", "--password", "pw")
    ps.add("closed", "--password", "pw", "--flags", "dismail")
    ps.add("full", "--password", "pw", "--quota", "1K")
    ps.ok("domain", "add", "other.org")
    ps.add("bob@other.org", "--password", "pw")
    server = serve()
    raw = Raw(server.lmtp_port)
    raw.command(b"LHLO test")
    assert raw.command(b"MAIL FROM:<s@example.net> SIZE=5000")[0] == 250
    assert raw.command(b"RCPT TO:<nobody@example.com>")[1].startswith("550 5.1.1")
    assert raw.command(b"RCPT TO:<closed@example.com>")[1].startswith("550 5.2.1")
    assert raw.command(b"RCPT TO:<full@example.com>")[1].startswith("552 5.2.2"), "SIZE=5000 cannot fit a 1K quota"
    assert raw.command(b"RCPT TO:<jdoe@elsewhere.net>")[1].startswith("550 5.1.2")
    assert raw.command(b"RCPT TO:<BOB@Other.Org>")[1].startswith("250 2.1.5")
    assert raw.command(b"RCPT TO:<JDOE@example.com>")[1].startswith("250 2.1.5")
    assert raw.command(b"QUIT")[0] == 221
    raw.close()


def test_size_limit_at_mail_and_during_data(ps: Popstore, serve, tmp_path):
    ps.add("jdoe", "--password", "pw")
    config = tmp_path / "small.toml"
    config.write_text("[lmtp]\nmax-message-size = 2048\n")
    server = serve("--config", str(config))
    raw = Raw(server.lmtp_port)
    assert "SIZE 2048" in raw.command(b"LHLO test")[1]
    assert raw.command(b"MAIL FROM:<s@example.net> SIZE=4096")[1].startswith("552 5.3.4")
    assert raw.command(b"MAIL FROM:<s@example.net>")[0] == 250
    assert raw.command(b"RCPT TO:<jdoe@example.com>")[0] == 250
    assert raw.command(b"DATA")[0] == 354
    raw.send(b"Subject: big\r\n\r\n" + b"x" * 70 + (b"y" * 78 + b"\r\n") * 40 + b".\r\n")
    assert raw.reply()[1].startswith("552 5.3.4")
    assert raw.command(b"NOOP")[0] == 250, "the session goes on after a refused message"
    raw.close()
    assert ps.messages("jdoe") == []


def test_bdat_chunks_are_stored_as_sent(accounts, serve):
    server = serve()
    raw = Raw(server.lmtp_port)
    raw.command(b"LHLO test")
    raw.command(b"MAIL FROM:<s@example.net> BODY=8BITMIME")
    raw.command(b"RCPT TO:<jdoe@example.com>")
    first, second = b"Subject: chunks\r\n\r\n.not stuffed\r\n", b"caf\xc3\xa9\r\nno final line end"
    raw.send(b"BDAT %d\r\n" % len(first) + first)
    assert raw.reply()[0] == 250
    raw.send(b"BDAT %d LAST\r\n" % len(second) + second)
    assert raw.reply()[1].startswith("250 2.0.0")
    raw.command(b"QUIT")
    [message] = retrieve_all(server, "jdoe")
    assert body_after_trace(message) == first + second + b"\r\n"


def test_pipelined_transactions_are_answered_in_order(accounts, serve):
    server = serve()
    raw = Raw(server.lmtp_port)
    batch = b"LHLO test\r\n"
    for n in range(3):
        batch += (b"MAIL FROM:<s@example.net>\r\nRCPT TO:<jdoe@example.com>\r\nRCPT TO:<nobody@example.com>\r\n"
                  b"RCPT TO:<alice@example.com>\r\nDATA\r\nSubject: %d\r\n\r\nbody\r\n.\r\n" % n)
    raw.send(batch + b"QUIT\r\n")
    codes = [raw.reply()[0] for _ in range(1 + 3 * 7 + 1)]
    assert codes == [250] + [250, 250, 550, 250, 354, 250, 250] * 3 + [221]
    raw.close()
    subjects = [header_value(m, "Subject") for m in retrieve_all(server, "alice")]
    assert subjects == [["0"], ["1"], ["2"]]


def test_a_batch_ending_at_data_is_answered_before_the_message_is_sent(accounts, serve):
    """Postfix's LMTP client sends MAIL, the RCPTs and DATA in one write, then waits for
    354 before it sends the message: nothing may sit unanswered once the input is read."""
    server = serve()
    raw = Raw(server.lmtp_port)
    raw.send(b"LHLO test\r\nMAIL FROM:<s@example.net>\r\nRCPT TO:<jdoe@example.com>\r\n"
             b"RCPT TO:<nobody@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n")
    assert [raw.reply()[0] for _ in range(6)] == [250, 250, 250, 550, 250, 354]
    raw.send(b"Subject: batch\r\n\r\nbody\r\n.\r\n")
    assert [raw.reply()[0] for _ in range(2)] == [250, 250]
    raw.close()


def test_ten_recipients_share_one_file(ps: Popstore, serve):
    names = [f"user{i}" for i in range(10)]
    for name in names:
        ps.add(name, "--password", "pw")
    server = serve()
    client = server.lmtp()
    assert client.sendmail("s@example.net", [f"{n}@{DOMAIN}" for n in names], DOTTY) == {}
    client.quit()
    entries = drop_entries(ps.default_volume)
    assert len(entries) == 10
    assert len({(e.stat().st_dev, e.stat().st_ino) for e in entries}) == 1
    assert entries[0].stat().st_nlink == 10
    for name in (names[0], names[9]):
        [message] = retrieve_all(server, name)
        assert body_after_trace(message) == DOTTY
        assert b"for <" not in message.split(b"\r\n\r\n")[0], "one shared copy names no single recipient"


def test_bad_input_gets_protocol_errors_and_the_session_survives(accounts, serve):
    server = serve()
    raw = Raw(server.lmtp_port)
    assert raw.command(b"LHLO test")[0] == 250
    assert raw.command(b"X" * 5000)[1].startswith("500 5.5.2")
    assert raw.command(b"\x00\xff\xfe junk")[1].startswith("500 5.5.2")
    assert raw.command(b"FROB")[1].startswith("500 5.5.1")
    assert raw.command(b"MAIL FROM:nobrackets@example.net")[1].startswith("501 5.5.4")
    assert raw.command(b"RCPT TO:<jdoe@example.com>")[1].startswith("503 5.5.1")
    assert raw.command(b"MAIL FROM:<s@example.net> FROB=1")[1].startswith("555 5.5.4")
    assert raw.command(b"NOOP")[0] == 250
    for _ in range(20):
        code, _ = raw.command(b"FROB")
        if code == 421:
            break
    assert code == 421, "a client that only sends junk is disconnected"
    assert raw.file.readline() == b""
    raw.close()
    # Others are served all along.
    client = server.lmtp()
    assert client.sendmail("s@example.net", ["jdoe@example.com"], b"Subject: ok\r\n\r\nx\r\n") == {}
    client.quit()


def test_a_dropped_connection_mid_message_stores_nothing(accounts, serve):
    server = serve()
    raw = Raw(server.lmtp_port)
    raw.command(b"LHLO test")
    raw.command(b"MAIL FROM:<s@example.net>")
    raw.command(b"RCPT TO:<jdoe@example.com>")
    raw.command(b"DATA")
    raw.send(b"Subject: cut\r\n\r\nhalf a mess")
    raw.close()
    server.wait_log("lmtp.session=.*session closed")
    assert accounts.messages("jdoe") == []
    assert not any((accounts.default_volume / "tmp").iterdir()), "the half message's tmp file is gone"


def test_swaks_gets_per_recipient_replies(accounts, serve):
    swaks = shutil.which("swaks")
    assert swaks, "swaks is installed by the test command"
    server = serve()
    run = subprocess.run(
        [swaks, "--protocol", "LMTP", "--server", f"{HOST}:{server.lmtp_port}", "--from", "s@example.net",
         "--to", "jdoe@example.com,nobody@example.com,alice@example.com", "--body", "from swaks"],
        capture_output=True, text=True, timeout=60)
    out = run.stdout
    assert "<** 550 5.1.1" in out, out
    assert out.count("<-  250 2.0.0 Delivered") == 2, out
    for user in ("jdoe", "alice"):
        [message] = retrieve_all(server, user)
        assert b"from swaks" in message
