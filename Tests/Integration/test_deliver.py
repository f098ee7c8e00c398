"""`popstore deliver`: a message piped by an MTA, answered with sysexits statuses."""

from __future__ import annotations

from conftest import Popstore, header_value, make_message

EX_OK, EX_DATAERR, EX_NOUSER, EX_NOHOST, EX_CANTCREAT, EX_TEMPFAIL = 0, 65, 67, 68, 73, 75


def deliver(ps: Popstore, *recipients: str, message: bytes | None = None, sender: str = "s@example.net", extra=()):
    return ps.run("deliver", "-f", sender, *extra, *recipients, input=message or make_message(subject="piped"))


def test_delivered_with_trace_fields(ps: Popstore):
    ps.add("jdoe")
    res = deliver(ps, "JDoe+lists@example.com")
    assert res.rc == EX_OK, res
    [entry] = ps.messages("jdoe")
    stored = ps.message_bytes("jdoe", entry["uid"])
    assert stored.startswith(b"Return-Path: <s@example.net>\r\nReceived: ")
    assert b"with local id " + entry["uid"].encode() in stored
    assert header_value(stored, "Subject") == ["piped"]
    assert stored.endswith(b"\r\n\r\nHello.\r\n"), "LF line ends are stored as CRLF"


def test_each_refusal_has_its_sysexits_status(ps: Popstore, tmp_path):
    ps.add("closed", "--flags", "dismail")
    ps.add("full", "--quota", "1K")
    rc, _ = ps.deliver(["full"], b"Subject: fill\n\n" + b"x" * 950 + b"\n")
    assert rc == 0 and len(ps.messages("full")) == 1
    ps.add("jdoe")
    assert deliver(ps, "nobody@example.com").rc == EX_NOUSER
    assert deliver(ps, "jdoe@elsewhere.net").rc == EX_NOHOST
    assert deliver(ps, "closed@example.com").rc == EX_CANTCREAT
    assert deliver(ps, "full@example.com").rc == EX_CANTCREAT
    config = tmp_path / "small.toml"
    config.write_text("[lmtp]\nmax-message-size = 1024\n[delivery]\nover-quota-temporary = true\n")
    assert deliver(ps, "full@example.com", extra=("--config", str(config))).rc == EX_TEMPFAIL
    big = b"Subject: big\n\n" + b"y" * 4096 + b"\n"
    assert deliver(ps, "jdoe@example.com", message=big, extra=("--config", str(config))).rc == EX_DATAERR
    assert ps.messages("jdoe") == [] and ps.messages("closed") == []


def test_several_recipients_one_copy_and_the_first_failure_decides(ps: Popstore):
    ps.add("jdoe")
    ps.add("alice")
    res = deliver(ps, "jdoe@example.com", "nobody@example.com", "alice@example.com")
    assert res.rc == EX_NOUSER
    assert res.out.splitlines()[1] == "nobody@example.com: no such user here"
    assert len(ps.messages("jdoe")) == 1 and len(ps.messages("alice")) == 1


def test_a_missing_store_is_temporary(bare: Popstore):
    res = bare.run("deliver", "-f", "", "jdoe@example.com", input=b"Subject: x\n\nx\n")
    assert res.rc == EX_TEMPFAIL, "the MTA must keep the message"
    assert res.err.startswith("error: ")
