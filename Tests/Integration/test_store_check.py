"""`popstore store check [--repair]`: finds what a dead process left, and mends it."""

from conftest import Popstore, make_message


def populate(ps: Popstore) -> None:
    ps.ok("domain", "add", "other.org")
    ps.ok("group", "add", "sales", "--subgroups", "east")
    ps.add("a", "--password", "pw", "--group", "east", "--quota", "1M")
    ps.add("b@other.org")
    ps.ok("forward", "add", "info", "--to", "a@example.com")
    rc, _ = ps.deliver(["a", "b@other.org"], make_message())
    assert rc == 0


def check(ps: Popstore, *opts: str, explicit: bool = False):
    res = ps.run("store", "check", *opts, "--json", explicit_store=explicit)
    return res.rc, res.json()


def test_fresh_store_is_consistent(ps: Popstore):
    rc, report = check(ps)
    assert rc == 0
    assert report["consistent"] is True
    assert report["problems"] == []


def test_populated_store_is_consistent(ps: Popstore):
    populate(ps)
    rc, report = check(ps, explicit=True)
    assert rc == 0 and report["consistent"] is True and report["problems"] == []
    ps.ok("store", "check")


def test_orphan_tmp_found_and_repaired(ps: Popstore):
    populate(ps)
    tmp = ps.default_volume / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    junk = tmp / "dead-delivery-12345"
    junk.write_bytes(b"Subject: half written\r\n\r\nnever fin")

    rc, report = check(ps)
    assert rc == 1
    assert report["consistent"] is False
    orphans = [p for p in report["problems"] if p["kind"] == "orphan-tmp"]
    assert len(orphans) == 1
    assert orphans[0]["path"].endswith("tmp/dead-delivery-12345")
    assert not orphans[0]["path"].startswith("/")
    assert junk.exists(), "check without --repair must not change anything"

    # the text form says so too, with the same exit status
    plain = ps.run("store", "check")
    assert plain.rc == 1
    assert "orphan-tmp" in plain.out or "dead-delivery-12345" in plain.out

    rc, report = check(ps, "--repair")
    assert rc == 0
    assert len(report["repaired"]) >= 1
    assert not junk.exists()

    rc, report = check(ps)
    assert rc == 0 and report["consistent"] is True and report["problems"] == []
    # the real data is untouched
    assert len(ps.messages("a")) == 1 and len(ps.messages("b@other.org")) == 1
    assert ps.show("a")["group"] == "east"


def test_repair_on_clean_store_changes_nothing(ps: Popstore):
    populate(ps)
    before = (ps.accounts(), ps.json("store", "stats"), ps.messages("a"))
    rc, report = check(ps, "--repair")
    assert rc == 0 and report["problems"] == []
    assert (ps.accounts(), ps.json("store", "stats"), ps.messages("a")) == before
