"""Names from the outside never reach outside the store, and bad ones are refused."""

import os

import pytest

from conftest import DOMAIN, Popstore, tree_listing

BAD_NAMES = [
    pytest.param("../x", id="dotdot-slash"),
    pytest.param("a/b", id="slash"),
    pytest.param("..", id="dotdot"),
    pytest.param(".hidden", id="leading-dot"),
    pytest.param("a" * 65, id="65-chars"),
    pytest.param("\u0430dmin", id="cyrillic-a"),
    pytest.param("", id="empty"),
    pytest.param("john doe", id="space"),
    pytest.param("../../../../../../tmp/popstore-escape", id="deep-escape"),
    pytest.param("a\\b", id="backslash"),
    pytest.param("x\ny", id="newline"),
]


def snapshot(ps: Popstore):
    """What a user could see change: files around the store, and the account list."""
    escaped = [p for p in ("/tmp/popstore-escape", "/tmp/x", "/tmp/y") if os.path.lexists(p)]
    return tree_listing(ps.tmp_path, exclude=ps.store), escaped, ps.accounts()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_account_name_refused(ps: Popstore, name):
    ps.add("victim")
    before = snapshot(ps)
    ps.fail("account", "add", name, "--password", "pw", contains="invalid account name")
    assert snapshot(ps) == before


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_account_name_in_domain_form_refused(ps: Popstore, name):
    before = snapshot(ps)
    ps.fail("account", "add", f"{name}@{DOMAIN}")
    assert snapshot(ps) == before


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_rename_target_refused(ps: Popstore, name):
    ps.add("victim", "--owner", "V")
    before = snapshot(ps)
    ps.fail("account", "rename", "victim", name)
    assert snapshot(ps) == before
    assert ps.show("victim")["owner"] == "V"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_group_name_refused(ps: Popstore, name):
    groups = ps.json("group", "list")
    before = snapshot(ps)
    ps.fail("group", "add", name)
    ps.fail("account", "add", "member", "--group", name)
    assert snapshot(ps) == before
    assert ps.json("group", "list") == groups


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_forward_address_refused(ps: Popstore, name):
    before = snapshot(ps)
    ps.fail("forward", "add", name, "--to", "someone@example.net")
    assert snapshot(ps) == before
    assert ps.json("forward", "list") == []


def test_lookalike_does_not_reach_real_account(ps: Popstore):
    ps.add("admin", "--owner", "Real")
    ps.fail("account", "show", "\u0430dmin")
    ps.fail("account", "remove", "\u0430dmin")
    assert ps.show("admin")["owner"] == "Real"


def test_good_names_accepted(ps: Popstore):
    for name in ("a", "a" * 64, "j.doe_1-x", "0day", "x.", "a..b"):
        ps.add(name)
    assert set(ps.addresses()) == {f"{n}@{DOMAIN}" for n in ("a", "a" * 64, "j.doe_1-x", "0day", "x.", "a..b")}


def test_name_characters_configurable(ps: Popstore):
    ps.fail("account", "add", "a+b", contains="invalid account name")
    ps.ok("store", "set", "name-characters", "abcdefghijklmnopqrstuvwxyz0123456789._+-")
    ps.add("a+b")
    ps.add("Upper+Case")
    assert set(ps.addresses()) == {f"a+b@{DOMAIN}", f"upper+case@{DOMAIN}"}
    # Whatever the set allows (here even "/"), a name never reaches outside the store.
    ps.run("store", "set", "name-characters", "abcdefghijklmnopqrstuvwxyz0123456789._+-/")
    before = tree_listing(ps.tmp_path, exclude=ps.store)
    ps.run("account", "add", "a/../../../y", "--password", "pw")
    ps.run("group", "add", "a/../../../z")
    assert tree_listing(ps.tmp_path, exclude=ps.store) == before
