"""Accounts: creating, showing, changing, copying, renaming, removing, wildcards."""

import os
import re
import socket

import pytest

from conftest import DOMAIN, Popstore, assert_error, drop_entries, make_message

ACCOUNT_KEYS = {
    "name", "domain", "address", "owner", "group", "siteData", "flags", "quota", "overdraft",
    "volume", "retrieval", "usage", "password", "accounting",
}
PASSWORD_KEYS = {"set", "scheme", "changed", "preExpired", "scram", "legacySecret"}
ACCOUNTING_KEYS = {
    "connections", "connectSeconds", "lastConnect", "lastDisconnect", "messagesReceived",
    "bytesReceived", "messagesRetrieved", "bytesRetrieved", "blockDays",
}
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


# --- the store itself ---------------------------------------------------------------------

def test_init_creates_store_with_default_domain(bare: Popstore):
    bare.ok("init", "--domain", "example.com")
    assert bare.store.is_dir()
    assert bare.json("domain", "list") == [{"name": "example.com", "default": True}]
    assert bare.accounts() == []


def test_init_twice_is_refused_and_keeps_the_store(ps: Popstore):
    ps.add("jdoe")
    ps.fail("init", "--domain", "other.org")
    assert ps.json("domain", "list") == [{"name": DOMAIN, "default": True}]
    assert ps.addresses() == [f"jdoe@{DOMAIN}"]


def test_init_without_domain_uses_host_name(bare: Popstore):
    bare.ok("init")
    domains = bare.json("domain", "list")
    assert len(domains) == 1 and domains[0]["default"] is True
    host = {socket.gethostname().lower(), socket.getfqdn().lower()}
    assert domains[0]["name"] in host


def test_explicit_store_option_wins_over_environment(bare: Popstore, tmp_path):
    # POPSTORE_STORE points at a different, empty place; --store must be used instead.
    elsewhere = tmp_path / "elsewhere"
    env = {"POPSTORE_STORE": str(elsewhere)}
    bare.ok("init", "--domain", DOMAIN, explicit_store=True, env=env)
    bare.ok("store", "set", "password-hash-cost", "10", explicit_store=True, env=env)
    bare.ok("account", "add", "jdoe", explicit_store=True, env=env)
    assert not elsewhere.exists()
    shown = bare.json("account", "show", "jdoe", explicit_store=True, use_env_store=False)
    assert shown["address"] == f"jdoe@{DOMAIN}"


def test_default_store_is_popstore_data_in_working_directory(bare: Popstore, tmp_path):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    bare.ok("init", "--domain", DOMAIN, use_env_store=False, cwd=cwd)
    bare.ok("store", "set", "password-hash-cost", "10", use_env_store=False, cwd=cwd)
    bare.ok("account", "add", "jdoe", use_env_store=False, cwd=cwd)
    assert (cwd / "popstore-data").is_dir()
    # The same store, named explicitly, holds the account.
    other = Popstore(bare.binary, tmp_path, store=cwd / "popstore-data")
    assert other.addresses(explicit_store=True, use_env_store=False) == [f"jdoe@{DOMAIN}"]


def test_commands_on_missing_store_fail_without_creating_it(bare: Popstore):
    bare.fail("account", "list")
    bare.fail("account", "add", "jdoe")
    assert not bare.store.exists()


# --- add and show -------------------------------------------------------------------------

def test_add_and_show_json_fields(ps: Popstore):
    ps.add("jdoe", "--password", "Sup3r-secret!", "--flags", "manage", "--owner", "John Doe",
           "--site-data", "room 12", "--quota", "10M", "--overdraft", "1K")
    acct = ps.show("jdoe")
    assert set(acct) == ACCOUNT_KEYS
    assert acct["name"] == "jdoe"
    assert acct["domain"] == DOMAIN
    assert acct["address"] == f"jdoe@{DOMAIN}"
    assert acct["owner"] == "John Doe"
    assert acct["group"] is None
    assert acct["siteData"] == "room 12"
    assert acct["flags"] == ["MANAGE"]
    assert acct["quota"] == 10485760
    assert acct["overdraft"] == 1024
    assert acct["volume"] == "default"
    assert acct["usage"] == {"messages": 0, "bytes": 0}
    pw = acct["password"]
    assert set(pw) == PASSWORD_KEYS
    assert pw["set"] is True
    assert pw["scheme"] == "scrypt"
    assert ISO_Z.match(pw["changed"]), pw["changed"]
    assert pw["preExpired"] is False
    assert isinstance(pw["scram"], bool)
    assert pw["legacySecret"] is False
    accounting = acct["accounting"]
    assert set(accounting) == ACCOUNTING_KEYS
    assert accounting["lastConnect"] is None and accounting["lastDisconnect"] is None
    assert all(accounting[k] == 0 for k in ACCOUNTING_KEYS - {"lastConnect", "lastDisconnect"})


def test_new_account_defaults(ps: Popstore):
    ps.add("plain")
    acct = ps.show("plain")
    assert acct["quota"] is None
    assert acct["overdraft"] == 0
    assert acct["flags"] == []
    assert acct["group"] is None
    assert acct["owner"] == ""
    assert acct["password"]["set"] is False


def test_password_never_appears_in_output_or_store(ps: Popstore):
    secret = "Clear-Text-Pa55word"
    ps.add("jdoe", "--password", secret)
    outputs = [
        ps.ok("account", "show", "jdoe").out,
        ps.ok("account", "show", "jdoe", "--json").out,
        ps.ok("account", "list").out,
        ps.ok("account", "list", "--json").out,
    ]
    for out in outputs:
        assert secret not in out
        assert "$scrypt" not in out and "$7$" not in out
    for dirpath, _dirs, files in os.walk(ps.store):
        for name in files:
            assert secret.encode() not in open(os.path.join(dirpath, name), "rb").read()


def test_flags_are_case_insensitive_and_sorted(ps: Popstore):
    ps.add("jdoe", "--flags", "manage,Dismail,lockpwd")
    assert ps.show("jdoe")["flags"] == ["DISMAIL", "LOCKPWD", "MANAGE"]


def test_unknown_flag_is_refused_and_nothing_created(ps: Popstore):
    ps.fail("account", "add", "jdoe", "--flags", "MANAGE,SUPERUSER")
    assert ps.accounts() == []


def test_names_are_case_insensitive(ps: Popstore):
    ps.add("JDoe")
    acct = ps.show("JDOE")
    assert acct["name"] == "jdoe" and acct["address"] == f"jdoe@{DOMAIN}"
    assert ps.show("jdoe")["address"] == f"jdoe@{DOMAIN}"
    ps.fail("account", "add", "jdoe")
    ps.fail("account", "add", "JDOE@Example.COM")
    assert ps.addresses() == [f"jdoe@{DOMAIN}"]


@pytest.mark.parametrize("text,expected", [
    ("512", 512),
    ("1k", 1024),
    ("1K", 1024),
    ("10M", 10485760),
    ("3m", 3 * 1024 * 1024),
    ("2G", 2 * 1024 ** 3),
    ("2g", 2 * 1024 ** 3),
])
def test_quota_sizes(ps: Popstore, text, expected):
    ps.add("jdoe", "--quota", text, "--overdraft", text)
    acct = ps.show("jdoe")
    assert acct["quota"] == expected
    assert acct["overdraft"] == expected


@pytest.mark.parametrize("text", ["10X", "M", "1.5M", "ten", "10MB"])
def test_bad_sizes_are_refused(ps: Popstore, text):
    ps.fail("account", "add", "jdoe", "--quota", text)
    assert ps.accounts() == []


def test_quota_none_means_unlimited(ps: Popstore):
    ps.add("jdoe", "--quota", "none")
    assert ps.show("jdoe")["quota"] is None


def test_owner_length_limit(ps: Popstore):
    ps.add("ok", "--owner", "x" * 128)
    assert ps.show("ok")["owner"] == "x" * 128
    ps.fail("account", "add", "toolong", "--owner", "x" * 129)
    assert ps.addresses() == [f"ok@{DOMAIN}"]


def test_add_in_other_domain_requires_domain(ps: Popstore):
    ps.fail("account", "add", "jane@other.org")
    ps.ok("domain", "add", "other.org")
    ps.add("jane@other.org")
    acct = ps.show("jane@other.org")
    assert acct["domain"] == "other.org" and acct["name"] == "jane"
    # without @ the default domain is meant
    ps.fail("account", "show", "jane")


def test_add_with_new_group_creates_group(ps: Popstore):
    ps.add("jdoe", "--group", "Sales")
    assert ps.show("jdoe")["group"] == "sales"
    assert "sales" in [g["name"] for g in ps.json("group", "list")]


def test_add_to_unknown_volume_is_refused(ps: Popstore):
    ps.fail("account", "add", "jdoe", "--volume", "nosuchvolume")
    assert ps.accounts() == []


def test_pre_expired(ps: Popstore):
    ps.add("jdoe", "--password", "pw", "--pre-expired")
    assert ps.show("jdoe")["password"]["preExpired"] is True
    ps.ok("account", "modify", "jdoe", "--no-pre-expired")
    assert ps.show("jdoe")["password"]["preExpired"] is False
    ps.ok("account", "modify", "jdoe", "--pre-expired")
    assert ps.show("jdoe")["password"]["preExpired"] is True


def test_show_unknown_account(ps: Popstore):
    ps.fail("account", "show", "nosuch", contains="no such account")


# --- modify -------------------------------------------------------------------------------

def test_modify_fields(ps: Popstore):
    ps.add("jdoe", "--flags", "MANAGE,DISMAIL", "--quota", "1M", "--owner", "Old")
    ps.ok("account", "modify", "jdoe", "--quota", "2M", "--overdraft", "512K", "--owner", "New Owner",
          "--site-data", "desk 4", "--group", "east")
    acct = ps.show("jdoe")
    assert acct["quota"] == 2 * 1024 * 1024
    assert acct["overdraft"] == 512 * 1024
    assert acct["owner"] == "New Owner"
    assert acct["siteData"] == "desk 4"
    assert acct["group"] == "east"
    assert acct["flags"] == ["DISMAIL", "MANAGE"]

    ps.ok("account", "modify", "jdoe", "--add-flags", "lockpwd", "--remove-flags", "dismail")
    assert ps.show("jdoe")["flags"] == ["LOCKPWD", "MANAGE"]

    ps.ok("account", "modify", "jdoe", "--flags", "DISUSER")
    assert ps.show("jdoe")["flags"] == ["DISUSER"]

    ps.ok("account", "modify", "jdoe", "--quota", "none", "--group", "none")
    acct = ps.show("jdoe")
    assert acct["quota"] is None
    assert acct["group"] is None


def test_modify_password(ps: Popstore):
    ps.add("jdoe")
    assert ps.show("jdoe")["password"]["set"] is False
    ps.ok("account", "modify", "jdoe", "--password", "newpw")
    assert ps.show("jdoe")["password"]["set"] is True


def test_modify_with_bad_option_changes_nothing(ps: Popstore):
    ps.add("jdoe", "--quota", "1M", "--owner", "Keep")
    before = ps.show("jdoe")
    ps.fail("account", "modify", "jdoe", "--owner", "Changed", "--quota", "lots")
    assert ps.show("jdoe") == before


def test_modify_unknown_account(ps: Popstore):
    ps.fail("account", "modify", "ghost", "--owner", "x", contains="no such account")
    assert ps.accounts() == []


# --- copy, rename, remove -----------------------------------------------------------------

def test_copy(ps: Popstore):
    ps.add("src", "--password", "pw", "--quota", "5M", "--overdraft", "1M", "--flags", "DISUSER,LOCKPWD",
           "--group", "sales", "--site-data", "blob")
    ps.deliver(["src"], make_message())
    ps.ok("account", "copy", "src", "dst")
    src, dst = ps.show("src"), ps.show("dst")
    for key in ("quota", "overdraft", "flags", "group", "siteData", "volume"):
        assert dst[key] == src[key], key
    assert dst["address"] == f"dst@{DOMAIN}"
    assert dst["password"]["set"] is False
    assert dst["usage"] == {"messages": 0, "bytes": 0}
    assert ps.messages("dst") == []

    ps.ok("account", "copy", "src", "dst2", "--password", "pw2")
    assert ps.show("dst2")["password"]["set"] is True


def test_copy_onto_existing_name_is_refused(ps: Popstore):
    ps.add("src", "--quota", "5M")
    ps.add("dst", "--quota", "1M")
    ps.fail("account", "copy", "src", "dst")
    assert ps.show("dst")["quota"] == 1024 * 1024


def test_rename_moves_messages(ps: Popstore):
    ps.add("old", "--owner", "Owner", "--quota", "1M")
    msg = make_message(subject="Follow me")
    rc, _ = ps.deliver(["old"], msg)
    assert rc == 0
    before = ps.messages("old")
    ps.ok("account", "rename", "old", "New")
    ps.fail("account", "show", "old", contains="no such account")
    acct = ps.show("new")
    assert acct["owner"] == "Owner" and acct["quota"] == 1024 * 1024
    assert acct["usage"]["messages"] == 1
    after = ps.messages("new")
    assert [(m["uid"], m["size"], m["subject"]) for m in after] == \
        [(m["uid"], m["size"], m["subject"]) for m in before]
    assert b"Follow me" in ps.message_bytes("new", after[0]["uid"])
    # the old name is free again
    ps.add("old")
    assert ps.messages("old") == []


def test_rename_onto_existing_is_refused(ps: Popstore):
    ps.add("a", "--owner", "A")
    ps.add("b", "--owner", "B")
    ps.fail("account", "rename", "a", "b")
    assert ps.show("a")["owner"] == "A"
    assert ps.show("b")["owner"] == "B"


def test_remove_deletes_profile_and_maildrop(ps: Popstore):
    ps.add("a")
    ps.add("b")
    rc, _ = ps.deliver(["a", "b"], make_message())
    assert rc == 0
    assert len(drop_entries(ps.default_volume)) == 2
    ps.ok("account", "remove", "a")
    ps.fail("account", "show", "a", contains="no such account")
    entries = drop_entries(ps.default_volume)
    assert len(entries) == 1
    assert entries[0].stat().st_nlink == 1
    assert len(ps.messages("b")) == 1
    ps.fail("account", "remove", "a")


def test_import(ps: Popstore, tmp_path):
    listing = "# new staff\nalice\n\nBob\n   \n# carol is later\ncarol@example.com\n"
    res = ps.ok("account", "import", input=listing)
    assert re.search(r"\b3\b", res.out), res
    assert set(ps.addresses()) == {f"alice@{DOMAIN}", f"bob@{DOMAIN}", f"carol@{DOMAIN}"}
    assert all(a["password"]["set"] is False for a in ps.accounts())


# --- domains --------------------------------------------------------------------------------

def test_domains(ps: Popstore):
    ps.ok("domain", "add", "Other.ORG")
    assert ps.json("domain", "list") == [
        {"name": DOMAIN, "default": True},
        {"name": "other.org", "default": False},
    ]
    ps.add("x@other.org")
    ps.fail("domain", "remove", "other.org")
    assert len(ps.json("domain", "list")) == 2
    ps.ok("account", "remove", "x@other.org")
    ps.ok("domain", "remove", "other.org")
    assert ps.json("domain", "list") == [{"name": DOMAIN, "default": True}]
    ps.fail("domain", "add", DOMAIN)


# --- wildcards ------------------------------------------------------------------------------

@pytest.fixture
def tmps(ps: Popstore) -> Popstore:
    for name in ("tmp1", "tmp2", "tmpx", "keep", "temp", "tmp10"):
        ps.add(name)
    ps.ok("domain", "add", "other.org")
    ps.add("tmp1@other.org")
    return ps


def test_wildcard_show_and_list(tmps: Popstore):
    shown = tmps.json("account", "show", "tmp?")
    assert isinstance(shown, list)
    assert {a["address"] for a in shown} == {f"tmp1@{DOMAIN}", f"tmp2@{DOMAIN}", f"tmpx@{DOMAIN}"}
    assert len(shown) == 3
    assert set(tmps.addresses("tmp*")) == {f"{n}@{DOMAIN}" for n in ("tmp1", "tmp10", "tmp2", "tmpx")}
    assert set(tmps.addresses("TMP1*")) == {f"tmp1@{DOMAIN}", f"tmp10@{DOMAIN}"}
    assert tmps.addresses("*@other.org") == ["tmp1@other.org"]
    single = tmps.show("keep")
    assert isinstance(single, dict) and single["address"] == f"keep@{DOMAIN}"


def test_list_and_wildcard_show_are_sorted_by_address(tmps: Popstore):
    addrs = tmps.addresses()
    assert addrs == sorted(addrs)
    assert "tmp1@other.org" in addrs and len(addrs) == 7
    shown = [a["address"] for a in tmps.json("account", "show", "t*")]
    assert shown == sorted(shown) and len(shown) == 5


def test_wildcard_remove_needs_yes_without_tty(tmps: Popstore):
    before = tmps.accounts()
    line = tmps.fail("account", "remove", "tmp*").err
    assert "--yes" in line
    assert tmps.accounts() == before


def test_wildcard_remove_with_yes_removes_exactly_matches(tmps: Popstore):
    tmps.ok("account", "remove", "tmp*", "--yes")
    assert set(tmps.addresses()) == {f"keep@{DOMAIN}", f"temp@{DOMAIN}", "tmp1@other.org"}


def test_wildcard_modify_needs_yes(tmps: Popstore):
    before = tmps.accounts()
    assert "--yes" in tmps.fail("account", "modify", "tmp?", "--owner", "Temp").err
    assert tmps.accounts() == before
    tmps.ok("account", "modify", "tmp?", "--owner", "Temp", "--yes")
    owners = {a["address"]: a["owner"] for a in tmps.accounts()}
    assert owners == {
        f"keep@{DOMAIN}": "", f"temp@{DOMAIN}": "", f"tmp1@{DOMAIN}": "Temp", f"tmp10@{DOMAIN}": "",
        f"tmp2@{DOMAIN}": "Temp", f"tmpx@{DOMAIN}": "Temp", "tmp1@other.org": "",
    }


def test_single_name_remove_needs_no_confirmation(tmps: Popstore):
    tmps.ok("account", "remove", "keep")
    assert f"keep@{DOMAIN}" not in tmps.addresses()


def test_pattern_matching_nothing_is_an_error(tmps: Popstore):
    before = tmps.accounts()
    tmps.fail("account", "remove", "zzz*", "--yes")
    tmps.fail("account", "modify", "zzz*", "--owner", "x", "--yes")
    tmps.fail("account", "show", "zzz*")
    assert tmps.accounts() == before
