"""The Postfix harness (postfix_instance.py) against stand-ins for Popstore's two services.

A private Postfix instance takes mail over SMTP on 127.0.0.1 and
  - asks a stand-in socketmap server (maps `mailbox` and `access`) about each recipient of the
    virtual domain example.com,
  - delivers accepted mail to a stand-in LMTP server,
  - relays mail for every other domain to an SmtpSink.
When Popstore's own LMTP listener and socketmap server exist, the same instance is pointed at
them instead. None of these tests needs the popstore binary.
"""

from __future__ import annotations

import re
import smtplib
import socket
import socketserver
import threading
import uuid
from dataclasses import dataclass
from typing import Callable

import pytest

from postfix_instance import (HOST, IO_TIMEOUT, PostfixInstance, _live_members, read_dot_data,
                              postfix, postfix_installed, smtp_sink)  # noqa: F401  (fixtures)

DOMAIN = "example.com"
EXTERNAL = "elsewhere.test"


# -- a stand-in LMTP server (RFC 2033) -----------------------------------------------------------

@dataclass
class Delivery:
    """One message as the LMTP server took it: the envelope, the data, and the per-recipient
    replies it gave after DATA."""
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    lhlo: str
    replies: dict[str, str]


def default_rcpt_policy(address: str) -> str | None:
    if address.lower().startswith("nobody@"):
        return f"550 5.1.1 <{address}>: no such user here"
    return None


def default_data_policy(address: str) -> str | None:
    if address.lower().startswith("full@"):
        return f"552 5.2.2 <{address}>: mailbox full"
    return None


class _LmtpHandler(socketserver.StreamRequestHandler):
    server: "_LmtpTCPServer"

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        lmtp = self.server.owner
        self.reply("220 lmtp.invalid LMTP stand-in ready")
        lhlo, mail_from, rcpts = "", None, []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
            lmtp.commands.append(line)
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "LHLO":
                lhlo = arg
                self.reply("250-lmtp.invalid\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n"
                           "250-8BITMIME\r\n250 SMTPUTF8")
            elif verb in ("HELO", "EHLO"):
                self.reply("500 5.5.1 this is LMTP: use LHLO")
            elif verb == "MAIL":
                m = re.match(r"(?i)FROM:\s*<([^>]*)>", arg)
                if not lhlo or not m:
                    self.reply("503 5.5.1 LHLO first" if not lhlo else "501 5.5.4 syntax")
                    continue
                mail_from, rcpts = m.group(1), []
                self.reply("250 2.1.0 sender ok")
            elif verb == "RCPT":
                m = re.match(r"(?i)TO:\s*<([^>]*)>", arg)
                if mail_from is None or not m:
                    self.reply("503 5.5.1 MAIL first" if mail_from is None else "501 5.5.4 syntax")
                    continue
                refusal = lmtp.rcpt_policy(m.group(1))
                if refusal:
                    self.reply(refusal)
                else:
                    rcpts.append(m.group(1))
                    self.reply("250 2.1.5 recipient ok")
            elif verb == "DATA":
                if mail_from is None or not rcpts:
                    self.reply("503 5.5.1 no valid recipients")
                    continue
                self.reply("354 go ahead, end with <CRLF>.<CRLF>")
                data = read_dot_data(self.rfile)
                if data is None:
                    return
                replies = {}
                for rcpt in rcpts:  # LMTP: one reply per accepted recipient, in RCPT order
                    replies[rcpt] = lmtp.data_policy(rcpt) or f"250 2.0.0 <{rcpt}> delivered"
                    self.reply(replies[rcpt])
                lmtp._record(Delivery(mail_from, rcpts, data, lhlo, replies))
                mail_from, rcpts = None, []
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("500 5.5.2 unknown command")


class _LmtpTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "StandInLmtp"


class StandInLmtp:
    def __init__(self, port: int = 0, rcpt_policy: Callable[[str], str | None] = default_rcpt_policy,
                 data_policy: Callable[[str], str | None] = default_data_policy):
        self.rcpt_policy = rcpt_policy
        self.data_policy = data_policy
        self.deliveries: list[Delivery] = []
        self.commands: list[str] = []
        self._cond = threading.Condition()
        self._server = _LmtpTCPServer((HOST, port), _LmtpHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    def _record(self, d: Delivery) -> None:
        with self._cond:
            self.deliveries.append(d)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[Delivery], bool], timeout: float = IO_TIMEOUT) -> Delivery:
        with self._cond:
            found = self._cond.wait_for(lambda: next((d for d in self.deliveries if predicate(d)), None),
                                        timeout=timeout)
        if not found:
            raise AssertionError(f"no matching LMTP delivery within {timeout}s; got {self.deliveries!r}")
        return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# -- a stand-in socketmap server (socketmap_table(5)) ---------------------------------------------

def read_netstring(rfile) -> bytes | None:
    """One netstring `len:data,` from a buffered stream; None at a clean EOF."""
    digits = b""
    while True:
        c = rfile.read(1)
        if not c:
            if digits:
                raise ValueError("EOF inside a netstring length")
            return None
        if c == b":":
            break
        if not c.isdigit() or len(digits) > 6:
            raise ValueError(f"bad netstring length byte {c!r}")
        digits += c
    data = rfile.read(int(digits))
    if len(data) != int(digits) or rfile.read(1) != b",":
        raise ValueError("truncated netstring")
    return data


def netstring(data: bytes) -> bytes:
    return str(len(data)).encode("ascii") + b":" + data + b","


class _SocketmapHandler(socketserver.StreamRequestHandler):
    server: "_SocketmapTCPServer"

    def handle(self) -> None:
        owner = self.server.owner
        while True:  # Postfix keeps the connection and sends one request after another
            try:
                request = read_netstring(self.rfile)
            except ValueError:
                return
            if request is None:
                return
            name, _, key = request.decode("utf-8", errors="replace").partition(" ")
            answer = owner.lookup(name, key)
            with owner._lock:
                owner.lookups.append((name, key, answer))
            self.wfile.write(netstring(answer.encode("utf-8")))
            self.wfile.flush()


class _SocketmapTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "StandInSocketmap"


class StandInSocketmap:
    """`mailbox`: `OK <local-part>` for a known address, `NOTFOUND ` otherwise.
    `access`: `OK <action>` for an address with an action (e.g. `REJECT 5.2.1 mailbox disabled`),
    `NOTFOUND ` (no opinion, like DUNNO) otherwise. Any other map name: `PERM unknown map`.
    An address in `temp` gets `TEMP the store is busy` from every map."""

    def __init__(self, mailboxes: set[str], access: dict[str, str], temp: set[str] = frozenset()):
        self.mailboxes = {a.lower() for a in mailboxes}
        self.temp = {a.lower() for a in temp}
        self.access = {a.lower(): v for a, v in access.items()}
        self.lookups: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._server = _SocketmapTCPServer((HOST, 0), _SocketmapHandler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    def lookup(self, name: str, key: str) -> str:
        key = key.lower()
        if key in self.temp:
            return "TEMP the store is busy"
        if name == "mailbox":
            return f"OK {key.split('@', 1)[0]}" if key in self.mailboxes else "NOTFOUND "
        if name == "access":
            return f"OK {self.access[key]}" if key in self.access else "NOTFOUND "
        return f"PERM unknown map {name}"

    def asked(self, name: str, key: str) -> bool:
        with self._lock:
            return any(n == name and k.lower() == key.lower() for n, k, _ in self.lookups)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# -- fixtures --------------------------------------------------------------------------------

KNOWN = f"known@{DOMAIN}"
UNKNOWN = f"unknown@{DOMAIN}"
DISABLED = f"disabled@{DOMAIN}"
NOBODY = f"nobody@{DOMAIN}"   # the map knows it, the LMTP server refuses it at RCPT
FULL = f"full@{DOMAIN}"       # the map knows it, the LMTP server refuses it after DATA
TEMPFAIL = f"busy@{DOMAIN}"   # the map answers TEMP


@pytest.fixture
def lmtp():
    server = StandInLmtp()
    yield server
    server.close()


@pytest.fixture
def socketmap():
    server = StandInSocketmap(mailboxes={KNOWN, DISABLED, NOBODY, FULL},
                              access={DISABLED: "REJECT 5.2.1 mailbox disabled"}, temp={TEMPFAIL})
    yield server
    server.close()


@pytest.fixture
def mta(postfix, lmtp, socketmap, smtp_sink) -> PostfixInstance:
    return postfix(lmtp=lmtp.address, domains=[DOMAIN], socketmap=socketmap.address,
                   relay=smtp_sink.address)


def message(sender: str, to: str, token: str) -> bytes:
    return (f"From: <{sender}>\r\nTo: <{to}>\r\nSubject: harness {token}\r\n"
            f"Message-ID: <{token}@client.test>\r\n\r\nBody line {token}\r\n.leading dot line\r\n").encode()


# -- tests -----------------------------------------------------------------------------------

def test_mail_for_known_mailbox_arrives_over_lmtp(mta, lmtp, socketmap):
    token = uuid.uuid4().hex
    sender = f"sender@{EXTERNAL}"
    refused = mta.send(sender, [KNOWN], message(sender, KNOWN, token))
    assert refused == {}

    got = lmtp.wait_for(lambda d: token.encode() in d.data)
    assert got.mail_from == sender
    assert got.rcpt_tos == [KNOWN]
    assert got.replies == {KNOWN: f"250 2.0.0 <{KNOWN}> delivered"}
    assert f"Subject: harness {token}\r\n".encode() in got.data
    assert f"\r\nBody line {token}\r\n.leading dot line\r\n".encode() in got.data  # dot-(un)stuffing
    assert got.data.startswith(b"Received: ")  # Postfix's trace header, then the message
    assert got.lhlo == "postfix-test.invalid"

    m = mta.wait_for_status(KNOWN, "sent")
    assert m.group("relay").startswith("127.0.0.1[127.0.0.1]:")
    assert socketmap.asked("mailbox", KNOWN)
    assert socketmap.asked("access", KNOWN)
    mta.wait_queue_empty()


def test_unknown_mailbox_is_refused_at_rcpt(mta, socketmap):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        mta.send(f"sender@{EXTERNAL}", [UNKNOWN], message("s@x.test", UNKNOWN, "unknown"))
    code, text = exc.value.recipients[UNKNOWN]
    assert code == 550, exc.value.recipients
    assert text.startswith(b"5.1.1 "), text
    assert b"User unknown in virtual mailbox table" in text
    assert socketmap.asked("mailbox", UNKNOWN)
    mta.wait_for_log(rf"NOQUEUE: reject: RCPT from \S+: 550 5\.1\.1 <{re.escape(UNKNOWN)}>")

    # With a known recipient in the same transaction, only the unknown one is refused.
    refused = mta.send(f"sender@{EXTERNAL}", [UNKNOWN, KNOWN], message("s@x.test", KNOWN, "mixed"))
    assert set(refused) == {UNKNOWN}
    mta.wait_for_status(KNOWN, "sent")


def test_access_map_reject_gives_550_with_enhanced_code(mta, socketmap):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        mta.send(f"sender@{EXTERNAL}", [DISABLED], message("s@x.test", DISABLED, "disabled"))
    code, text = exc.value.recipients[DISABLED]
    assert code == 550, exc.value.recipients
    assert text == f"5.2.1 <{DISABLED}>: Recipient address rejected: mailbox disabled".encode(), text
    assert socketmap.asked("access", DISABLED)
    mta.wait_for_log(rf"NOQUEUE: reject: RCPT from \S+: 550 5\.2\.1 <{re.escape(DISABLED)}>")


def test_socketmap_temp_reply_gives_451(mta, socketmap):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as exc:
        mta.send(f"sender@{EXTERNAL}", [TEMPFAIL], message("s@x.test", TEMPFAIL, "temp"))
    code, text = exc.value.recipients[TEMPFAIL]
    assert code == 451 and text.startswith(b"4.3."), exc.value.recipients
    mta.wait_for_log(rf"NOQUEUE: reject: RCPT from \S+: 451 4\.3\.\d <{re.escape(TEMPFAIL)}>")


def test_external_domain_is_relayed_to_the_sink(mta, smtp_sink, socketmap, lmtp):
    """Popstore's outbound queue: a client on 127.0.0.1 (mynetworks) sends for any domain."""
    token = uuid.uuid4().hex
    to = f"friend@{EXTERNAL}"
    assert mta.send(KNOWN, [to], message(KNOWN, to, token)) == {}

    env = smtp_sink.wait_for(lambda e: token.encode() in e.data)[0]
    assert env.mail_from == KNOWN
    assert env.rcpt_tos == [to]
    assert f"Subject: harness {token}\r\n".encode() in env.data
    assert f"\r\nBody line {token}\r\n.leading dot line\r\n".encode() in env.data
    assert env.helo == "postfix-test.invalid"
    m = mta.wait_for_status(to, "sent")
    assert m.group("relay") == f"{smtp_sink.address[0]}[{smtp_sink.address[0]}]:{smtp_sink.address[1]}"
    assert socketmap.asked("access", to)          # asked, said NOTFOUND: no opinion
    assert not socketmap.asked("mailbox", to)     # not a virtual domain
    assert lmtp.deliveries == []
    mta.wait_queue_empty()


def test_lmtp_per_recipient_refusals_bounce_to_the_sender(mta, lmtp, smtp_sink):
    """Recipients the map accepts but the LMTP server refuses (at RCPT, or after DATA) bounce;
    the others of the same message are delivered; the bounce goes out through the relay."""
    token = uuid.uuid4().hex
    sender = f"sender@{EXTERNAL}"
    assert mta.send(sender, [KNOWN, NOBODY, FULL], message(sender, KNOWN, token)) == {}

    got = lmtp.wait_for(lambda d: token.encode() in d.data)
    assert sorted(got.rcpt_tos) == sorted([KNOWN, FULL])  # Postfix chooses the order
    assert got.replies[FULL].startswith("552 5.2.2")
    mta.wait_for_status(KNOWN, "sent")
    assert "550 5.1.1" in mta.wait_for_status(NOBODY, "bounced").group("detail")
    assert "552 5.2.2" in mta.wait_for_status(FULL, "bounced").group("detail")

    dsn = smtp_sink.wait_for(lambda e: e.mail_from == "" and token.encode() in e.data)[0]
    assert dsn.rcpt_tos == [sender]
    assert b"multipart/report" in dsn.data and b"report-type=delivery-status" in dsn.data
    assert f"Final-Recipient: rfc822; {NOBODY}".encode() in dsn.data
    assert f"Final-Recipient: rfc822; {FULL}".encode() in dsn.data
    assert f"Final-Recipient: rfc822; {KNOWN}".encode() not in dsn.data
    mta.wait_queue_empty()


def test_deferred_mail_is_retried_by_flush(postfix, socketmap, smtp_sink):
    """With the LMTP server down, mail is deferred; once it listens, flush() delivers it."""
    placeholder = socket.socket()
    placeholder.bind((HOST, 0))               # a port nobody listens on (bound, no listen())
    port = placeholder.getsockname()[1]
    mta = postfix(lmtp=(HOST, port), domains=[DOMAIN], socketmap=socketmap.address,
                  relay=smtp_sink.address, main_cf={"queue_run_delay": "300s", "minimal_backoff_time": "300s",
                                                    "maximal_backoff_time": "300s"})
    token = uuid.uuid4().hex
    assert mta.send(f"s@{EXTERNAL}", [KNOWN], message("s@x.test", KNOWN, token)) == {}
    mta.wait_for_status(KNOWN, "deferred")
    assert not mta.queue_empty()

    placeholder.close()
    late = StandInLmtp(port=port)
    try:
        mta.flush()
        late.wait_for(lambda d: token.encode() in d.data)
        mta.wait_for_status(KNOWN, "sent")
        mta.wait_queue_empty()
    finally:
        late.close()


def test_stop_ends_every_process_and_frees_the_port(postfix, tmp_path):
    mta = postfix(domains=[DOMAIN])
    pgid, port, root = mta.master_pid, mta.smtp_port, mta.root
    assert pgid and _live_members(pgid)
    mta.stop()
    assert not _live_members(pgid)
    assert not root.exists()
    with pytest.raises(OSError):
        socket.create_connection((HOST, port), timeout=2).close()
    assert "daemon started" in (tmp_path / "postfix" / "maillog").read_text()
    mta.stop()  # idempotent


def test_transport_maps_and_no_relay(postfix, lmtp, smtp_sink):
    """transports= routes a domain to its own next hop; without relay= the other domains go to
    default_transport = error:..., which smtpd already refuses at RCPT time."""
    mta = postfix(lmtp=lmtp.address, domains=[DOMAIN],
                  transports={"routed.test": f"smtp:[{smtp_sink.address[0]}]:{smtp_sink.address[1]}"})
    token = uuid.uuid4().hex
    refused = mta.send("sender@routed.test", ["a@routed.test", f"b@{EXTERNAL}"],
                       message("sender@routed.test", "a@routed.test", token))
    assert list(refused) == [f"b@{EXTERNAL}"]
    code, text = refused[f"b@{EXTERNAL}"]
    assert code == 550 and text.startswith(b"5.3.0 ") and b"no relay configured" in text, refused
    routed = smtp_sink.wait_for(lambda e: token.encode() in e.data)[0]
    assert (routed.mail_from, routed.rcpt_tos) == ("sender@routed.test", ["a@routed.test"])
    mta.wait_for_status("a@routed.test", "sent")
    mta.wait_queue_empty()
