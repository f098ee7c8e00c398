"""Messages: one stored copy for many recipients, exact POP3 bytes, quota and refusals."""

import os
import re

from conftest import DOMAIN, Popstore, crlf, drop_entries, make_message

TEN = [f"user{i}" for i in range(10)]
MARKER = "unique-marker-7f3a9c"

# LF line ends only; lines that start with "." must come back with a single dot.
DOTTY = (
    b"From: sender@example.net\n"
    b"To: team@example.com\n"
    b"Subject: Dots\n"
    b"\n"
    b"First line.\n"
    b".signature starts with a dot\n"
    b"..two dots\n"
    b".\n"
    b"last line " + MARKER.encode() + b"\n"
)


def all_files(root):
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            yield os.path.join(dirpath, name)


def test_fan_out_stores_one_copy(ps: Popstore):
    for name in TEN:
        ps.add(name)
    rc, results = ps.deliver(TEN, DOTTY)
    assert rc == 0
    assert [r["account"] for r in results] == [f"{n}@{DOMAIN}" for n in TEN]
    assert all(r["result"] == "stored" and r["uid"] for r in results)

    entries = drop_entries(ps.default_volume)
    assert len(entries) == 10
    inodes = {(e.stat().st_dev, e.stat().st_ino) for e in entries}
    assert len(inodes) == 1
    assert entries[0].stat().st_nlink == 10

    expected = crlf(DOTTY)
    uids = {r["account"]: r["uid"] for r in results}
    for name in TEN:
        listing = ps.messages(name)
        assert len(listing) == 1
        m = listing[0]
        assert m["number"] == 1
        assert m["uid"] == uids[f"{name}@{DOMAIN}"]
        assert m["size"] == len(expected)
        assert m["retrieved"] is False
        assert m["subject"] == "Dots"
        assert ps.show(name)["usage"] == {"messages": 1, "bytes": len(expected)}

    stats = ps.json("store", "stats")
    assert stats["messageFiles"] == 1
    assert stats["maildropEntries"] == 10
    assert stats["accounts"] == 10

    for name in TEN:
        ps.ok("message", "remove", name, uids[f"{name}@{DOMAIN}"])
    assert drop_entries(ps.default_volume) == []
    for name in TEN:
        assert ps.messages(name) == []
        assert ps.show(name)["usage"] == {"messages": 0, "bytes": 0}
    # the message's bytes are gone from the volume altogether
    for path in all_files(ps.default_volume):
        assert MARKER.encode() not in open(path, "rb").read(), path
    stats = ps.json("store", "stats")
    assert stats["messageFiles"] == 0 and stats["maildropEntries"] == 0


def test_show_gives_pop3_bytes(ps: Popstore):
    ps.add("jdoe")
    rc, results = ps.deliver(["jdoe"], DOTTY)
    assert rc == 0
    out = ps.message_bytes("jdoe", results[0]["uid"])
    assert out == crlf(DOTTY)
    assert b"\r\n.signature starts with a dot\r\n" in out
    assert b"\r\n..two dots\r\n" in out
    assert b"\r\n.\r\n" in out
    assert b"\n" not in out.replace(b"\r\n", b"")


def test_missing_final_newline_gets_crlf(ps: Popstore):
    ps.add("jdoe")
    msg = b"Subject: no newline\n\nbody without end"
    rc, results = ps.deliver(["jdoe"], msg)
    assert rc == 0
    out = ps.message_bytes("jdoe", results[0]["uid"])
    assert out == b"Subject: no newline\r\n\r\nbody without end\r\n"
    assert ps.messages("jdoe")[0]["size"] == len(out)


def test_crlf_input_kept_as_is(ps: Popstore):
    ps.add("jdoe")
    msg = b"Subject: crlf\r\n\r\nline one\r\n.dot\r\n"
    rc, results = ps.deliver(["jdoe"], msg)
    assert rc == 0
    assert ps.message_bytes("jdoe", results[0]["uid"]) == msg
    assert ps.messages("jdoe")[0]["size"] == len(msg)


def test_list_in_arrival_order_with_sender_and_subject(ps: Popstore):
    ps.add("jdoe")
    for subject in ("first", "second", "third"):
        msg = make_message(subject=subject, sender="alice@example.net")
        rc, _ = ps.deliver(["jdoe"], msg, "--from", "alice@example.net")
        assert rc == 0
    listing = ps.messages("jdoe")
    assert [m["number"] for m in listing] == [1, 2, 3]
    assert [m["subject"] for m in listing] == ["first", "second", "third"]
    assert all(m["from"] == "alice@example.net" for m in listing)
    assert len({m["uid"] for m in listing}) == 3
    for m in listing:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", m["arrived"]), m
    arrived = [m["arrived"] for m in listing]
    assert arrived == sorted(arrived)


def test_text_output_one_line_per_recipient(ps: Popstore):
    ps.add("a")
    ps.add("b")
    res = ps.ok("message", "add", "--to", "a,b", input=make_message())
    lines = [l for l in res.out.splitlines() if l.strip()]
    assert len(lines) == 2
    assert f"a@{DOMAIN}" in lines[0] and "stored" in lines[0]
    assert f"b@{DOMAIN}" in lines[1] and "stored" in lines[1]


def test_recipient_names_are_case_insensitive(ps: Popstore):
    ps.add("jdoe")
    rc, results = ps.deliver([f"JDoe@Example.COM"], make_message())
    assert rc == 0
    assert results == [{"account": f"jdoe@{DOMAIN}", "result": "stored", "uid": results[0]["uid"]}]
    assert len(ps.messages("jdoe")) == 1


def test_over_quota_refused_for_that_recipient_only(ps: Popstore):
    ps.add("small", "--quota", "1K")
    ps.add("big1")
    ps.add("big2", "--quota", "1M")
    body = ("x" * 63 + "\n") * 32  # 2 KiB of body
    msg = make_message(subject="Large", body=body)
    assert len(crlf(msg)) > 2048
    rc, results = ps.deliver(["big1", "small", "big2"], msg)
    assert rc != 0
    by = {r["account"]: r for r in results}
    assert by[f"small@{DOMAIN}"]["result"] == "over-quota"
    assert "uid" not in by[f"small@{DOMAIN}"] or not by[f"small@{DOMAIN}"]["uid"]
    assert by[f"big1@{DOMAIN}"]["result"] == "stored"
    assert by[f"big2@{DOMAIN}"]["result"] == "stored"
    assert ps.messages("small") == []
    assert ps.show("small")["usage"] == {"messages": 0, "bytes": 0}
    assert len(ps.messages("big1")) == 1 and len(ps.messages("big2")) == 1
    # the over-quota recipient does not hold a link to the stored message
    entries = drop_entries(ps.default_volume)
    assert len(entries) == 2 and entries[0].stat().st_nlink == 2


def test_overdraft_lets_one_message_through_then_quota_blocks(ps: Popstore):
    ps.add("jdoe", "--quota", "1K", "--overdraft", "2K")
    big = make_message(subject="Big", body=("y" * 63 + "\n") * 30)
    size = len(crlf(big))
    assert 1024 < size <= 3072
    rc, results = ps.deliver(["jdoe"], big)
    assert rc == 0 and results[0]["result"] == "stored"
    assert ps.show("jdoe")["usage"]["bytes"] == size
    # usage now exceeds the quota: even a tiny message is refused
    rc, results = ps.deliver(["jdoe"], b"Subject: tiny\n\nhi\n")
    assert rc != 0 and results[0]["result"] == "over-quota"
    assert len(ps.messages("jdoe")) == 1


def test_dismail_and_unknown(ps: Popstore):
    ps.add("ok")
    ps.add("closed", "--flags", "DISMAIL")
    ps.add("away", "--flags", "DISUSER")
    rc, results = ps.deliver(["ok", "closed", "ghost", "away"], make_message())
    assert rc != 0
    by = {r["account"]: r["result"] for r in results}
    assert by == {
        f"ok@{DOMAIN}": "stored",
        f"closed@{DOMAIN}": "disabled",
        f"ghost@{DOMAIN}": "no-such-account",
        f"away@{DOMAIN}": "stored",
    }
    assert len(ps.messages("ok")) == 1
    assert len(ps.messages("away")) == 1
    assert ps.messages("closed") == []
    # an unknown recipient does not become an account
    ps.fail("account", "show", "ghost", contains="no such account")


def test_all_refused_stores_nothing(ps: Popstore):
    ps.add("closed", "--flags", "DISMAIL")
    rc, results = ps.deliver(["closed", "ghost"], make_message(body=MARKER + "\n"))
    assert rc != 0
    assert [r["result"] for r in results] == ["disabled", "no-such-account"]
    assert drop_entries(ps.default_volume) == []
    for path in all_files(ps.store):
        assert MARKER.encode() not in open(path, "rb").read(), path


def test_remove_one_recipient_keeps_others(ps: Popstore):
    ps.add("a")
    ps.add("b")
    rc, results = ps.deliver(["a", "b"], DOTTY)
    assert rc == 0
    uid_a = results[0]["uid"]
    ps.ok("message", "remove", "a", uid_a)
    assert ps.messages("a") == []
    listing = ps.messages("b")
    assert len(listing) == 1
    assert ps.message_bytes("b", listing[0]["uid"]) == crlf(DOTTY)
    entries = drop_entries(ps.default_volume)
    assert len(entries) == 1 and entries[0].stat().st_nlink == 1
    ps.fail("message", "remove", "a", uid_a)
    ps.fail("message", "show", "a", uid_a)


def test_unknown_uid_and_account(ps: Popstore):
    ps.add("jdoe")
    ps.fail("message", "show", "jdoe", "nosuchuid")
    ps.fail("message", "list", "ghost", contains="no such account")


def test_second_volume_gets_one_copy(ps: Popstore, tmp_path):
    vol2 = tmp_path / "disk2"
    vol2.mkdir()
    ps.ok("store", "volume", "add", str(vol2))
    vols = {v["name"]: v for v in ps.json("store", "volume", "list")}
    assert set(vols) == {"default", "disk2"}
    assert os.path.realpath(vols["disk2"]["path"]) == os.path.realpath(vol2)
    for name in ("d1", "d2", "d3"):
        ps.add(name)
    for name in ("v1", "v2"):
        ps.add(name, "--volume", "disk2")
    assert ps.show("v1")["volume"] == "disk2"
    rc, _ = ps.deliver(["d1", "v1", "d2", "v2", "d3"], DOTTY)
    assert rc == 0
    default_entries = drop_entries(ps.default_volume)
    disk2_entries = drop_entries(vol2)
    assert len(default_entries) == 3 and len({e.stat().st_ino for e in default_entries}) == 1
    assert default_entries[0].stat().st_nlink == 3
    assert len(disk2_entries) == 2 and len({e.stat().st_ino for e in disk2_entries}) == 1
    assert disk2_entries[0].stat().st_nlink == 2
    for name in ("d1", "v2"):
        uid = ps.messages(name)[0]["uid"]
        assert ps.message_bytes(name, uid) == crlf(DOTTY)
    stats = ps.json("store", "stats")
    assert stats["messageFiles"] == 2 and stats["maildropEntries"] == 5
    per_volume = {v["name"]: v for v in stats["volumes"]}
    assert per_volume["default"]["accounts"] == 3 and per_volume["default"]["messageFiles"] == 1
    assert per_volume["disk2"]["accounts"] == 2 and per_volume["disk2"]["messageFiles"] == 1
