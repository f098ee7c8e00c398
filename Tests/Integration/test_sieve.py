"""Sieve at delivery with the real `popstore serve`: scripts stored with `popstore sieve put`
and applied to mail arriving over LMTP (Python's smtplib.LMTP): keep/fileinto with \\Seen,
discard, ereject answered 550 5.7.1 in the protocol, redirect reaching the relay (a
recording SMTP sink) with the original sender, a vacation reply sent once and not twice
(and never to list mail), a failing script keeping the message and showing its error;
`popstore sieve check` and `popstore sieve test`."""

from __future__ import annotations

import json
import smtplib
from pathlib import Path

import pytest

from conftest import Popstore, assert_error
from pop3_server import HOST, serve, wait_until  # noqa: F401  (the fixture)
from postfix_instance import SmtpSink


def message(subject: str, sender: str = "a@sender.test", extra: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: jdoe@example.com\r\nSubject: {subject}\r\nMessage-ID: <{subject.replace(' ', '-')}@sender.test>\r\n"
            f"{extra}\r\nbody of {subject}\r\n").encode()


def put(ps: Popstore, tmp_path: Path, source: str, name: str = "main") -> None:
    path = tmp_path / f"{name}.sieve"
    path.write_text(source)
    ps.ok("sieve", "put", "jdoe", name, str(path), "--activate")


def lmtp(server, sender: str, rcpts: list[str], data: bytes) -> dict:
    with server.lmtp() as client:
        client.ehlo_or_helo_if_needed()
        return client.sendmail(sender, rcpts, data)


@pytest.fixture
def sink():
    s = SmtpSink()
    yield s
    s.close()


@pytest.fixture
def running(ps: Popstore, serve, sink, tmp_path):
    ps.add("jdoe", "--password", "pw")
    config = tmp_path / "sieve.toml"
    config.write_text(f'[queue]\nscan-interval = 1\nretry-initial = 1\n[relay]\nhost = "{sink.address[0]}"\n'
                      f'port = {sink.address[1]}\nsecurity = "none"\n')
    return ps, serve("--config", str(config)), sink


def test_fileinto_with_seen_and_discard(running, tmp_path):
    ps, server, _ = running
    put(ps, tmp_path, 'require ["fileinto", "imap4flags"];\n'
                      'if header :contains "subject" "spam" { discard; stop; }\n'
                      'if header :contains "subject" "read" { fileinto :flags "\\\\Seen" "INBOX.read"; }\n')
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("buy spam now")) == {}
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("already read")) == {}
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("plain")) == {}
    stored = ps.messages("jdoe")
    assert [m["subject"] for m in stored] == ["already read", "plain"], "discard stores nothing"
    assert [m["retrieved"] for m in stored] == [True, False], "\\Seen marks the message retrieved"


def test_editheader_changes_only_that_accounts_copy(running, tmp_path):
    ps, server, _ = running
    ps.add("other", "--password", "pw")
    put(ps, tmp_path, 'require "editheader";\naddheader "X-Filtered" "by my script";\ndeleteheader "Message-ID";\n')
    dotted = message("edited").replace(b"body of edited\r\n", b".leading dot\r\nbody of edited\r\n")
    with server.lmtp() as client:  # two recipients: one reply each after the data (RFC 2033)
        client.ehlo_or_helo_if_needed()
        client.mail("a@sender.test")
        assert client.rcpt("jdoe@example.com")[0] == 250 and client.rcpt("other@example.com")[0] == 250
        client.putcmd("data")
        assert client.getreply()[0] == 354
        client.send(dotted.replace(b"\r\n.", b"\r\n..") + b".\r\n")
        assert [client.getreply()[0], client.getreply()[0]] == [250, 250]
    [mine] = ps.messages("jdoe")
    [theirs] = ps.messages("other")
    edited = ps.message_bytes("jdoe", mine["uid"])
    plain = ps.message_bytes("other", theirs["uid"])
    head, _, body = edited.partition(b"\r\n\r\n")
    assert b"X-Filtered: by my script" in head and b"Message-ID" not in head
    assert head.startswith(b"Return-Path: <a@sender.test>\r\nReceived: ")
    assert body == b".leading dot\r\nbody of edited\r\n"
    assert b"X-Filtered" not in plain and b"Message-ID: <edited@sender.test>" in plain


def test_a_redirect_carries_the_edited_header(running, tmp_path):
    ps, server, sink = running
    put(ps, tmp_path, 'require "editheader";\naddheader "X-Redirected-By" "jdoe";\nredirect "boss@elsewhere.test";\n')
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("passed on")) == {}
    [got] = sink.wait_for(lambda e: e.rcpt_tos == ["boss@elsewhere.test"], timeout=20)
    head, _, body = got.data.partition(b"\r\n\r\n")
    assert b"X-Redirected-By: jdoe" in head and b"Subject: passed on" in head
    assert body == b"body of passed on\r\n"


def test_ereject_is_a_550_in_the_protocol(running, tmp_path):
    ps, server, _ = running
    put(ps, tmp_path, 'require "ereject";\nif address :is "from" "pest@sender.test" { ereject "I do not take mail from you"; }\n')
    with pytest.raises(smtplib.SMTPDataError) as refused:
        lmtp(server, "pest@sender.test", ["jdoe@example.com"], message("hello", sender="pest@sender.test"))
    assert refused.value.smtp_code == 550
    assert refused.value.smtp_error.startswith(b"5.7.1 I do not take mail from you")
    assert ps.messages("jdoe") == []


def test_redirect_reaches_the_relay_and_copy_keeps_one(running, tmp_path):
    ps, server, sink = running
    put(ps, tmp_path, 'require "copy";\nredirect :copy "boss@elsewhere.test";\nredirect "archive@elsewhere.test";\n')
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("report")) == {}
    got = sink.wait_for(lambda e: True, count=1, timeout=20)[0]
    assert got.mail_from == "a@sender.test", "a redirect keeps the original sender"
    assert sorted(got.rcpt_tos) == ["archive@elsewhere.test", "boss@elsewhere.test"]
    head, _, body = got.data.partition(b"\r\n\r\n")
    assert b"Subject: report" in head and b"Return-Path" not in head
    assert body == b"body of report\r\n"
    # redirect without :copy cancels the implicit keep; with :copy alone it would stay.
    assert ps.messages("jdoe") == []


def test_vacation_is_sent_once_and_not_to_lists(running, tmp_path):
    ps, server, sink = running
    put(ps, tmp_path, 'require "vacation";\nvacation :days 3 :subject "Away" "I am away until Monday.";\n')
    assert lmtp(server, "friend@sender.test", ["jdoe@example.com"], message("first", sender="friend@sender.test")) == {}
    [reply] = sink.wait_for(lambda e: e.rcpt_tos == ["friend@sender.test"], timeout=20)
    assert reply.mail_from == "", "vacation replies come from the null sender"
    assert b"Subject: Away" in reply.data and b"Auto-Submitted: auto-replied" in reply.data
    assert b"In-Reply-To: <first@sender.test>" in reply.data
    assert b"I am away until Monday." in reply.data
    assert lmtp(server, "friend@sender.test", ["jdoe@example.com"], message("second", sender="friend@sender.test")) == {}
    assert lmtp(server, "list@sender.test", ["jdoe@example.com"],
                message("news", sender="list@sender.test", extra="List-Id: <news.sender.test>\r\n")) == {}
    assert lmtp(server, "", ["jdoe@example.com"], message("bounce", sender="mailer-daemon@sender.test")) == {}
    server.wait_log("queued message done", count=1, timeout=20)
    assert wait_until(lambda: ps.json("queue", "list") == [], timeout=10)
    assert [e.rcpt_tos for e in sink.messages] == [["friend@sender.test"]], "one reply in all"
    assert [m["subject"] for m in ps.messages("jdoe")] == ["first", "second", "news", "bounce"], "vacation keeps the mail"


def test_a_failing_script_keeps_the_message_and_shows_its_error(running, tmp_path):
    ps, server, _ = running
    put(ps, tmp_path, "\n".join(f'redirect "r{n}@elsewhere.test";' for n in range(8)) + "\n")
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("kept anyway")) == {}
    assert [m["subject"] for m in ps.messages("jdoe")] == ["kept anyway"]
    listing = ps.json("sieve", "list", "jdoe")
    assert listing["lastError"]["script"] == "main"
    assert "redirect" in listing["lastError"]["message"]


def test_sieve_check_and_test_commands(ps: Popstore, tmp_path):
    bad = tmp_path / "bad.sieve"
    bad.write_text('require "fileinto";\nif header :is "subject" "x" {\n  fileinto "a"\n}\n')
    res = ps.run("sieve", "check", str(bad))
    assert res.rc == 1
    assert f"{bad}:4:1:" in res.err, res.err
    good = tmp_path / "good.sieve"
    good.write_text('require ["copy", "fileinto"];\nif header :contains "subject" "x" { redirect :copy "x@y.test"; fileinto "Lists"; }\n')
    assert ps.ok("sieve", "check", str(good)).out.strip().endswith(": ok")
    mail = tmp_path / "m.eml"
    mail.write_bytes(b"Subject: about x\r\n\r\nhi\r\n")
    lines = [json.loads(line) for line in ps.ok("sieve", "test", "--script", str(good), "--message", str(mail)).out.splitlines()]
    assert lines[0] == {"action": "redirect", "address": "x@y.test", "copy": True}
    assert lines[1]["action"] == "fileinto" and lines[1]["mailbox"] == "Lists"
    assert lines[-1] == {"implicitKeep": False}


def test_scripts_are_checked_and_managed(ps: Popstore, tmp_path):
    ps.add("jdoe", "--password", "pw")
    bad = tmp_path / "bad.sieve"
    bad.write_text("keep\n")
    assert_error(ps.run("sieve", "put", "jdoe", "bad", str(bad)), "2:1")
    good = tmp_path / "good.sieve"
    good.write_text("keep;\n")
    ps.ok("sieve", "put", "jdoe", "one", str(good), "--activate")
    ps.ok("sieve", "put", "jdoe", "two", str(good))
    listing = ps.json("sieve", "list", "jdoe")
    assert [(s["name"], s["active"]) for s in listing["scripts"]] == [("one", True), ("two", False)]
    assert_error(ps.run("sieve", "remove", "jdoe", "one"), "active")
    ps.ok("sieve", "activate", "jdoe", "two")
    ps.ok("sieve", "remove", "jdoe", "one")
    assert ps.ok("sieve", "get", "jdoe", "two").out == "keep;\n"
    assert_error(ps.run("sieve", "list", "nobody"), "no such account")


def test_managesieve_client_puts_a_script_that_then_filters_lmtp_mail(running):
    """Python's managesieve package (a client nobody here wrote): STARTTLS, AUTHENTICATE
    PLAIN, PUTSCRIPT, LISTSCRIPTS, SETACTIVE, GETSCRIPT, HAVESPACE, a bad script refused
    with its line, DELETESCRIPT of the active script refused; then the script applies to
    mail arriving over LMTP."""
    import managesieve

    ps, server, _ = running
    client = managesieve.MANAGESIEVE(HOST, server.managesieve_port, use_tls=True, tls_verify=False, timeout=20)
    assert client.authenticate("PLAIN", "jdoe", "pw") == "OK"
    script = 'require ["ereject", "fileinto"];\nif header :contains "subject" "offer" { ereject "no offers, thanks"; }\n'
    assert client.havespace("filter", len(script)) == "OK"
    assert client.putscript("filter", script) == "OK"
    assert client.putscript("broken", "if true {\n  keep\n}\n") == "NO"
    assert "3:1" in (client.response_text or ""), client.response_text
    assert client.setactive("filter") == "OK"
    typ, scripts = client.listscripts()
    assert typ == "OK" and list(scripts) == [("filter", True)], scripts
    typ, text = client.getscript("filter")
    assert typ == "OK" and text.replace("\r\n", "\n") == script
    assert client.deletescript("filter") == "NO", "the active script cannot be deleted"
    assert client.response_code == "ACTIVE", client.response_code
    assert client.logout() == "OK"

    with pytest.raises(smtplib.SMTPDataError) as refused:
        lmtp(server, "a@sender.test", ["jdoe@example.com"], message("special offer"))
    assert refused.value.smtp_code == 550 and b"no offers, thanks" in refused.value.smtp_error
    assert lmtp(server, "a@sender.test", ["jdoe@example.com"], message("hello")) == {}
    assert [m["subject"] for m in ps.messages("jdoe")] == ["hello"]


def test_managesieve_answers_a_wrong_password_and_an_unknown_account_alike(running):
    import managesieve

    ps, server, _ = running
    client = managesieve.MANAGESIEVE(HOST, server.managesieve_port, timeout=30)
    assert client.authenticate("PLAIN", "jdoe", "wrong") == "NO"
    wrong = (client.response_code, client.response_text)
    assert client.authenticate("PLAIN", "nobody", "pw") == "NO"
    assert (client.response_code, client.response_text) == wrong, "no reply reveals whether an account exists"
    client.logout()
