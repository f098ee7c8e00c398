"""Forwarding at delivery and the outbound queue, with the real `popstore serve`: a forward
to an outside address is handed to the relay (a recording SMTP sink, and aiosmtpd with
STARTTLS and AUTH PLAIN), survives a relay that is down and a restart, is bounced to its
sender with an RFC 3464 report when the relay refuses it or it outlives the queue's
lifetime (never to the null sender), and `popstore queue list|show|retry|remove` manage it.
Loops are refused at RCPT and, by the Delivered-To guard, after DATA."""

from __future__ import annotations

import email
import email.policy
import smtplib
import time
from pathlib import Path

import pytest

from conftest import Popstore, assert_error
from pop3_server import HOST, serve, wait_until  # noqa: F401  (the fixture)
from postfix_instance import SmtpSink, free_port
from test_socketmap import SocketmapClient

MESSAGE = b"From: a@sender.test\r\nTo: team@example.com\r\nSubject: forward me\r\n\r\n.leading dot\r\nbody\r\n"


def config(tmp_path: Path, *, relay: tuple[str, int] | None, name: str = "popstore.toml", **queue) -> str:
    lines = ['[lmtp]', 'hostname = "store.test"', "[queue]"]
    settings = {"retry-initial": 1, "retry-maximum": 2, "scan-interval": 1, **queue}
    lines += [f"{k} = {v}" for k, v in settings.items()]
    if relay:
        lines += ["[relay]", f'host = "{relay[0]}"', f"port = {relay[1]}", 'security = "none"']
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def lmtp_send(server, sender: str, recipients: list[str], message: bytes = MESSAGE) -> dict:
    with server.lmtp() as client:
        client.ehlo_or_helo_if_needed()
        return client.sendmail(sender, recipients, message)


def queue(ps: Popstore) -> list[dict]:
    return ps.json("queue", "list")


@pytest.fixture
def sink():
    s = SmtpSink()
    yield s
    s.close()


@pytest.fixture
def forwarding(ps: Popstore):
    ps.add("jdoe", "--password", "pw")
    ps.ok("forward", "add", "team", "--to", "bob@elsewhere.test,jdoe@example.com")
    return ps


def test_a_forward_reaches_the_relay_with_its_envelope_and_trace(forwarding, serve, sink, tmp_path):
    ps = forwarding
    server = serve("--config", config(tmp_path, relay=sink.address))
    assert lmtp_send(server, "a@sender.test", ["Team@Example.com"]) == {}
    [got] = sink.wait_for(lambda e: "bob@elsewhere.test" in e.rcpt_tos)
    assert got.mail_from == "a@sender.test", "the original envelope sender is kept"
    assert got.rcpt_tos == ["bob@elsewhere.test"]
    assert got.helo == "store.test"
    head, _, body = got.data.partition(b"\r\n\r\n")
    assert head.startswith(b"Delivered-To: team@example.com\r\nReceived: ")
    assert b"Return-Path" not in head, "only the final delivery adds Return-Path"
    assert body == b".leading dot\r\nbody\r\n", "dot-stuffing is undone by the relay, not doubled"
    # The account in the list kept its copy, with the final delivery's trace.
    [stored] = ps.messages("jdoe")
    assert stored["subject"] == "forward me"
    assert wait_until(lambda: queue(ps) == []), "a delivered message leaves the queue"


def test_a_relay_that_is_down_keeps_the_message_through_a_restart(forwarding, serve, tmp_path):
    ps = forwarding
    port = free_port()
    server = serve("--config", config(tmp_path, relay=(HOST, port), **{"retry-initial": 300, "retry-maximum": 600}))
    assert lmtp_send(server, "a@sender.test", ["team@example.com"]) == {}
    assert wait_until(lambda: [m["attempts"] for m in queue(ps)] == [1], timeout=20)
    [queued] = queue(ps)
    assert [r["address"] for r in queued["recipients"]] == ["bob@elsewhere.test"]
    assert queued["lastError"], "the reason it is still here is shown"
    shown = ps.ok("queue", "show", queued["id"]).out
    assert "forwarding of team@example.com" in shown and "bob@elsewhere.test pending" in shown
    assert server.stop() == 0
    # The relay comes up; the restarted server sends the message once `retry` makes it due.
    relay = SmtpSink(port=port)
    try:
        server = serve("--config", config(tmp_path, relay=(HOST, port), name="again.toml", **{"retry-initial": 300}))
        assert relay.messages == [], "not due yet: the next attempt is minutes away"
        ps.ok("queue", "retry", queued["id"])
        [got] = relay.wait_for(timeout=20)
        assert got.rcpt_tos == ["bob@elsewhere.test"] and b"Subject: forward me" in got.data
        assert wait_until(lambda: queue(ps) == [], timeout=10)
    finally:
        relay.close()


def test_a_refused_recipient_is_bounced_to_the_sender(forwarding, serve, tmp_path):
    ps = forwarding
    relay = SmtpSink(rcpt_reply=lambda rcpt: "550 5.1.1 <bob@elsewhere.test> no such user" if rcpt.startswith("bob@") else None)
    try:
        server = serve("--config", config(tmp_path, relay=relay.address))
        assert lmtp_send(server, "a@sender.test", ["team@example.com"]) == {}
        [bounce] = relay.wait_for(lambda e: e.rcpt_tos == ["a@sender.test"], timeout=20)
        assert bounce.mail_from == "", "a bounce comes from the null sender"
        report = email.message_from_bytes(bounce.data, policy=email.policy.default)
        assert report.get_content_type() == "multipart/report"
        assert report.get_param("report-type") == "delivery-status"
        assert report["Auto-Submitted"] == "auto-replied"
        parts = list(report.iter_parts())
        status = parts[1]
        assert status.get_content_type() == "message/delivery-status"
        text = bounce.data.decode("utf-8", errors="replace")
        assert "Final-Recipient: rfc822; bob@elsewhere.test" in text
        assert "Original-Recipient: rfc822;team@example.com" in text
        assert "Action: failed" in text and "Status: 5.1.1" in text
        assert "Diagnostic-Code: smtp; 550 5.1.1" in text
        assert parts[2].get_content_type() == "message/rfc822"
        assert "Subject: forward me" in text
        assert wait_until(lambda: queue(ps) == [], timeout=10), "original and bounce both leave the queue"
    finally:
        relay.close()


def test_nothing_is_bounced_to_the_null_sender(forwarding, serve, tmp_path):
    ps = forwarding
    relay = SmtpSink(rcpt_reply=lambda rcpt: "550 5.1.1 no such user")
    try:
        server = serve("--config", config(tmp_path, relay=relay.address))
        assert lmtp_send(server, "", ["team@example.com"]) == {}
        server.wait_log("queued message done", timeout=20)
        assert queue(ps) == []
        assert relay.messages == []
    finally:
        relay.close()


def test_a_message_past_its_lifetime_is_given_up_and_its_sender_told(forwarding, serve, tmp_path):
    ps = forwarding
    port = free_port()  # nothing listens: every attempt fails
    server = serve("--config", config(tmp_path, relay=(HOST, port), lifetime=3))
    assert lmtp_send(server, "a@sender.test", ["team@example.com"]) == {}
    original = None

    def bounce_queued():
        nonlocal original
        items = queue(ps)
        bounces = [m for m in items if m["sender"] == ""]
        if bounces and not [m for m in items if m["sender"]]:
            original = bounces[0]
            return True
        return False

    assert wait_until(bounce_queued, timeout=30)
    assert [r["address"] for r in original["recipients"]] == ["a@sender.test"]
    assert original["origin"].startswith("delivery status notification for ")
    # The bounce waits for the relay like any message; an admin may drop it.
    ps.ok("queue", "remove", original["id"])
    assert queue(ps) == []


def test_queue_commands_refuse_unknown_and_hostile_ids(forwarding):
    ps = forwarding
    assert ps.json("queue", "list") == []
    assert_error(ps.run("queue", "show", "0123456789abcdef01234567"), "no queued message")
    assert_error(ps.run("queue", "remove", "../../etc/passwd"), "not a queue id")
    assert_error(ps.run("queue", "retry", "0123456789ABCDEF01234567"), "not a queue id")


def test_loops_are_refused_at_rcpt_and_by_the_delivered_to_guard(forwarding, serve, sink, tmp_path):
    ps = forwarding
    ps.ok("forward", "add", "ping", "--to", "pong@example.com")
    ps.ok("forward", "add", "pong", "--to", "ping@example.com")
    server = serve("--config", config(tmp_path, relay=sink.address))
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        lmtp_send(server, "a@sender.test", ["ping@example.com"])
    code, text = refused.value.recipients["ping@example.com"]
    assert code == 550 and text.startswith(b"5.4.6")
    # The forward comes back from outside carrying our Delivered-To: refused, not sent again.
    returned = b"Delivered-To: team@example.com\r\n" + MESSAGE
    with server.lmtp() as client:
        client.ehlo_or_helo_if_needed()
        client.mail("a@sender.test")
        assert client.rcpt("team@example.com")[0] == 250
        client.putcmd("data")
        assert client.getreply()[0] == 354
        client.send(returned.replace(b"\r\n.", b"\r\n..") + b".\r\n")
        code, text = client.getreply()
    assert code == 550 and text.startswith(b"5.4.6")
    assert ps.messages("jdoe") == [] and queue(ps) == []
    # The socketmap tells Postfix the same, and names forwardings as mailboxes.
    lookups = SocketmapClient(server.socketmap_port)
    try:
        assert lookups.ask("access", "ping@example.com") == "OK REJECT 5.4.6 Mail forwarding loop"
        assert lookups.ask("mailbox", "team@example.com") == "OK jdoe@example.com"
        assert lookups.ask("access", "team@example.com") == "OK DUNNO"
    finally:
        lookups.close()


def test_starttls_and_auth_plain_to_a_relay_that_requires_both(forwarding, serve, tmp_path):
    """aiosmtpd as the relay: STARTTLS required before AUTH, AUTH required before MAIL, the
    relay's certificate checked against relay.ca-file."""
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    ps = forwarding
    cert, key = tmp_path / "relay-cert.pem", tmp_path / "relay-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=relay.test",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins, received = [], []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.login == b"popstore" and auth_data.password == b"s3cret pass")

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((session.authenticated, session.ssl is not None, envelope))
            return "250 2.0.0 taken"

    port = free_port()
    controller = Controller(Handler(), hostname=HOST, port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_required=True, auth_require_tls=True)
    controller.start()
    try:
        password = tmp_path / "relay-password"
        password.write_text("s3cret pass\n")
        password.chmod(0o600)
        path = tmp_path / "tls.toml"
        path.write_text("\n".join([
            "[queue]", "retry-initial = 1", "scan-interval = 1",
            "[relay]", f'host = "{HOST}"', f"port = {port}", 'security = "required"', 'user = "popstore"',
            f'password-file = "{password}"', f'ca-file = "{cert}"']) + "\n")
        server = serve("--config", str(path))
        assert lmtp_send(server, "a@sender.test", ["team@example.com"]) == {}
        assert wait_until(lambda: received, timeout=20)
        authenticated, tls, envelope = received[0]
        assert authenticated and tls
        assert envelope.rcpt_tos == ["bob@elsewhere.test"] and envelope.mail_from == "a@sender.test"
        assert logins == [("PLAIN", b"popstore", b"s3cret pass", True)]
        assert wait_until(lambda: queue(ps) == [], timeout=10)
        assert "s3cret" not in server.log(), "the relay password is never logged"
    finally:
        controller.stop()


def test_a_password_file_others_can_read_is_refused(forwarding, serve, tmp_path):
    ps = forwarding
    password = tmp_path / "relay-password"
    password.write_text("secret\n")
    password.chmod(0o644)
    path = tmp_path / "open.toml"
    path.write_text(f'[relay]\nhost = "{HOST}"\nuser = "popstore"\npassword-file = "{password}"\n')
    res = ps.run("serve", "--config", str(path), "--pop3", f"{HOST}:0", "--pop3s", f"{HOST}:0", "--lmtp", f"{HOST}:0",
                 "--socketmap", f"{HOST}:0", "--managesieve", f"{HOST}:0")
    assert_error(res, "must not be readable by group or others")


def test_srs_rewrites_the_sender_of_a_forward_and_routes_its_bounce_back(forwarding, serve, sink, tmp_path):
    """With delivery.srs-domain, a forward leaves with an SRS0 sender in that domain; a
    bounce sent to that address (here over LMTP, as the MTA would hand it over) is relayed
    to the original sender; a forged one is refused."""
    ps = forwarding
    path = tmp_path / "srs.toml"
    base = Path(config(tmp_path, relay=sink.address, name="base.toml"))
    path.write_text(base.read_text().replace("[lmtp]", '[delivery]\nsrs-domain = "example.com"\n[lmtp]'))
    server = serve("--config", str(path))
    assert lmtp_send(server, "a@sender.test", ["team@example.com"]) == {}
    [forward] = sink.wait_for(lambda e: e.rcpt_tos == ["bob@elsewhere.test"])
    assert forward.mail_from.startswith("SRS0=") and forward.mail_from.endswith("=sender.test=a@example.com")
    bounce = b"From: MAILER-DAEMON@elsewhere.test\r\nSubject: failure\r\n\r\nundeliverable\r\n"
    assert lmtp_send(server, "", [forward.mail_from], bounce) == {}
    [returned] = sink.wait_for(lambda e: e.rcpt_tos == ["a@sender.test"])
    assert returned.mail_from == "" and b"undeliverable" in returned.data
    forged = forward.mail_from.replace("=a@", "=mallory@")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        lmtp_send(server, "", [forged], bounce)
