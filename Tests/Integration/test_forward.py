"""Forwarding entries: add, list, replace, remove, --no-override."""

from conftest import DOMAIN, Popstore


def test_add_list_remove(ps: Popstore):
    ps.ok("forward", "add", "Info", "--to", "a@example.net,b@example.com")
    assert ps.json("forward", "list") == [
        {"address": f"info@{DOMAIN}", "targets": ["a@example.net", "b@example.com"]},
    ]
    ps.ok("forward", "remove", "info")
    assert ps.json("forward", "list") == []
    ps.fail("forward", "remove", "info")


def test_forward_need_not_be_an_account(ps: Popstore):
    ps.ok("forward", "add", f"postmaster@{DOMAIN}", "--to", "admin@example.net")
    assert ps.accounts() == []
    assert [f["address"] for f in ps.json("forward", "list")] == [f"postmaster@{DOMAIN}"]


def test_adding_existing_entry_replaces_it(ps: Popstore):
    ps.ok("forward", "add", "info", "--to", "a@example.net,b@example.com")
    ps.ok("forward", "add", f"INFO@{DOMAIN}", "--to", "c@example.org")
    assert ps.json("forward", "list") == [{"address": f"info@{DOMAIN}", "targets": ["c@example.org"]}]


def test_no_override_refuses_account_address(ps: Popstore):
    ps.add("jdoe")
    ps.fail("forward", "add", "jdoe", "--to", "x@example.net", "--no-override", contains="is an account")
    assert ps.json("forward", "list") == []
    ps.ok("forward", "add", "sales", "--to", "x@example.net", "--no-override")
    ps.ok("forward", "add", "jdoe", "--to", "jdoe@example.com,x@example.net")
    assert ps.json("forward", "list") == [
        {"address": f"jdoe@{DOMAIN}", "targets": ["jdoe@example.com", "x@example.net"]},
        {"address": f"sales@{DOMAIN}", "targets": ["x@example.net"]},
    ]
    # the account itself is untouched by having a forwarding
    assert ps.show("jdoe")["address"] == f"jdoe@{DOMAIN}"


def test_address_must_be_in_a_served_domain(ps: Popstore):
    ps.fail("forward", "add", "info@nowhere.example", "--to", "a@example.net")
    ps.ok("domain", "add", "other.org")
    ps.ok("forward", "add", "info@other.org", "--to", "a@example.net")
    assert [f["address"] for f in ps.json("forward", "list")] == ["info@other.org"]


def test_list_with_pattern(ps: Popstore):
    ps.ok("domain", "add", "other.org")
    for address in ("info", "sales", "support", "info@other.org"):
        ps.ok("forward", "add", address, "--to", "a@example.net")
    assert {f["address"] for f in ps.json("forward", "list", "s*")} == {f"sales@{DOMAIN}", f"support@{DOMAIN}"}
    assert [f["address"] for f in ps.json("forward", "list", "*@other.org")] == ["info@other.org"]
    everything = [f["address"] for f in ps.json("forward", "list")]
    assert set(everything) == {f"info@{DOMAIN}", f"sales@{DOMAIN}", f"support@{DOMAIN}", "info@other.org"}
    assert everything == sorted(everything)


def test_default_output_names_entries(ps: Popstore):
    ps.ok("forward", "add", "info", "--to", "a@example.net")
    out = ps.ok("forward", "list").out
    assert "info" in out and "a@example.net" in out


def test_remove_unknown_is_an_error(ps: Popstore):
    ps.ok("forward", "add", "info", "--to", "a@example.net")
    ps.fail("forward", "remove", "nosuch")
    assert len(ps.json("forward", "list")) == 1
