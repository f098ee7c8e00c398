"""Postfix from Debian in front of the real `popstore serve`: SMTP into Postfix, LMTP into
Popstore, the message read back over POP3 by curl; Postfix asking Popstore's socketmap
during SMTP so it refuses what Popstore would refuse, before it accepts the mail."""

from __future__ import annotations

import smtplib
import subprocess

import pytest

from conftest import Popstore, header_value
from pop3_server import HOST, serve  # noqa: F401  (the fixture)
from postfix_instance import free_port, postfix, postfix_installed, smtp_sink  # noqa: F401  (the fixtures)


@pytest.fixture
def pipeline(ps: Popstore, serve, postfix):
    ps.add("jdoe", "--password", "pw")
    ps.add("closed", "--password", "pw", "--flags", "dismail")
    server = serve()
    mta = postfix(lmtp=(HOST, server.lmtp_port), domains=("example.com",), socketmap=(HOST, server.socketmap_port))
    return ps, server, mta


def curl_retrieve(server, user: str, number: int) -> bytes:
    run = subprocess.run(["curl", "-sS", "--max-time", "30", "-u", f"{user}:pw", f"pop3://{HOST}:{server.pop3_port}/{number}"],
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_smtp_into_postfix_lmtp_into_popstore_pop3_out_by_curl(pipeline):
    ps, server, mta = pipeline
    message = b"From: a@example.net\r\nTo: jdoe@example.com\r\nSubject: via postfix\r\n\r\n.leading dot\r\nbody\r\n"
    assert mta.send("a@example.net", ["JDoe@Example.com"], message) == {}
    mta.wait_for_status("jdoe@example.com", "sent")
    retrieved = curl_retrieve(server, "jdoe", 1)
    assert header_value(retrieved, "Subject") == ["via postfix"]
    assert b"\r\n.leading dot\r\nbody\r\n" in retrieved
    assert header_value(retrieved, "Return-Path") == ["<a@example.net>"]
    assert b"with LMTP id" in retrieved.split(b"\r\n\r\n")[0], "Popstore's Received line (folded) is in the header"


def test_postfix_refuses_unknown_and_disabled_recipients_at_rcpt(pipeline):
    ps, server, mta = pipeline
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mta.send("a@example.net", ["nobody@example.com"], b"Subject: x\r\n\r\nx\r\n")
    code, text = refused.value.recipients["nobody@example.com"]
    assert code == 550 and text.startswith(b"5.1.1")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mta.send("a@example.net", ["closed@example.com"], b"Subject: x\r\n\r\nx\r\n")
    code, text = refused.value.recipients["closed@example.com"]
    assert code == 550 and text.startswith(b"5.2.1")
    # A mix: only the bad one is refused, the good one is delivered.
    refused_now = mta.send("a@example.net", ["jdoe@example.com", "nobody@example.com"], b"Subject: mix\r\n\r\nx\r\n")
    assert list(refused_now) == ["nobody@example.com"] and refused_now["nobody@example.com"][0] == 550
    mta.wait_for_status("jdoe@example.com", "sent")
    assert [m["subject"] for m in ps.messages("jdoe")] == ["mix"]
    assert ps.messages("closed") == []


def test_postfix_is_the_relay_a_forward_leaves_by(ps: Popstore, serve, postfix, smtp_sink):
    """SMTP into Postfix → LMTP into Popstore, which forwards → Popstore's queue hands the
    copy back to Postfix by SMTP → Postfix relays it to the outside (the sink)."""
    ps.add("jdoe", "--password", "pw")
    ps.ok("forward", "add", "team", "--to", "jdoe@example.com,bob@elsewhere.test")
    smtp_port = free_port()
    server = serve("--relay", f"{HOST}:{smtp_port}")
    mta = postfix(lmtp=(HOST, server.lmtp_port), domains=("example.com",), socketmap=(HOST, server.socketmap_port),
                  relay=smtp_sink.address, smtp_port=smtp_port)
    message = b"From: a@example.net\r\nTo: team@example.com\r\nSubject: team news\r\n\r\nbody\r\n"
    assert mta.send("a@example.net", ["team@example.com"], message) == {}
    [got] = smtp_sink.wait_for(lambda e: e.rcpt_tos == ["bob@elsewhere.test"])
    assert got.mail_from == "a@example.net"
    head = got.data.split(b"\r\n\r\n")[0]
    assert b"Delivered-To: team@example.com" in head
    assert head.count(b"Received:") >= 3, "Postfix in, Popstore, Postfix out"
    assert b"Subject: team news" in head
    mta.wait_for_status("bob@elsewhere.test", "sent")
    assert [m["subject"] for m in ps.messages("jdoe")] == ["team news"]
