"""Management groups, and the scope of a MANAGE account acting with --as."""

import pytest

from conftest import Popstore, assert_error

PW = {"boss": "boss-pw", "eastboss": "east-pw", "worldboss": "world-pw", "otherboss@other.org": "other-pw",
      "pleb": "pleb-pw"}

EX = "example.com"
OT = "other.org"

# account -> group, in example.com unless it names other.org
MEMBERS = {
    "salesrep": "sales",
    "eastrep": "east",
    "westrep": "west",
    "bostonrep": "boston",
    "loner": None,
    "pleb": "sales",
    "boss": "sales",
    "eastboss": "east",
    "worldboss": None,
    "otherrep@other.org": None,
    "othereast@other.org": "east",
    "otherboss@other.org": None,
}

SCOPE = {
    "eastboss": {"eastrep", "bostonrep", "eastboss"},
    "boss": {"salesrep", "eastrep", "westrep", "bostonrep", "pleb", "boss", "eastboss"},
    "otherboss@other.org": {"otherrep@other.org", "othereast@other.org", "otherboss@other.org"},
}


def addr(name: str) -> str:
    return name if "@" in name else f"{name}@{EX}"


@pytest.fixture
def org(ps: Popstore) -> Popstore:
    ps.ok("domain", "add", OT)
    ps.ok("group", "add", "boston")
    ps.ok("group", "add", "east", "--subgroups", "boston")
    ps.ok("group", "add", "west")
    ps.ok("group", "add", "sales", "--subgroups", "east,west")
    managers = {"boss", "eastboss", "worldboss", "otherboss@other.org"}
    for name, group in MEMBERS.items():
        opts = []
        if group:
            opts += ["--group", group]
        if name in managers:
            opts += ["--flags", "MANAGE"]
        if name in PW:
            opts += ["--password", PW[name]]
        ps.add(name, *opts)
    return ps


def as_(manager: str) -> dict:
    return {"password": PW[manager]}


def listed(ps: Popstore, manager: str, *pattern: str) -> set[str]:
    return set(ps.addresses(*pattern, "--as", manager, **as_(manager)))


# --- groups ---------------------------------------------------------------------------------

def test_group_list(org: Popstore):
    groups = org.json("group", "list")
    assert [g["name"] for g in groups] == ["boston", "east", "sales", "west"]
    subs = {g["name"]: sorted(g["subgroups"]) for g in groups}
    assert subs == {"boston": [], "east": ["boston"], "sales": ["east", "west"], "west": []}


def test_group_add_creates_missing_subgroups(ps: Popstore):
    ps.ok("group", "add", "Sales", "--subgroups", "east,West")
    groups = {g["name"]: sorted(g["subgroups"]) for g in ps.json("group", "list")}
    assert groups == {"sales": ["east", "west"], "east": [], "west": []}
    ps.fail("group", "add", "sales")


def test_group_modify_subgroups(org: Popstore):
    def subs(name):
        return sorted(next(g for g in org.json("group", "list") if g["name"] == name)["subgroups"])

    org.ok("group", "add", "north")
    org.ok("group", "modify", "sales", "--add-subgroups", "north")
    assert subs("sales") == ["east", "north", "west"]
    org.ok("group", "modify", "sales", "--remove-subgroups", "west")
    assert subs("sales") == ["east", "north"]
    org.ok("group", "modify", "sales", "--subgroups", "west")
    assert subs("sales") == ["west"]
    # east is no longer below sales, so boss no longer manages eastrep
    assert f"eastrep@{EX}" not in listed(org, "boss")


def test_group_cycle_refused(org: Popstore):
    before = org.json("group", "list")
    org.fail("group", "modify", "boston", "--add-subgroups", "sales")
    org.fail("group", "modify", "east", "--subgroups", "east")
    org.fail("group", "add", "loop", "--subgroups", "loop")
    assert org.json("group", "list") == before


def test_group_remove_keeps_accounts(org: Popstore):
    org.ok("group", "remove", "east")
    groups = {g["name"]: sorted(g["subgroups"]) for g in org.json("group", "list")}
    assert "east" not in groups
    assert groups["sales"] == ["west"]
    assert "boston" in groups
    for name in ("eastrep", "eastboss", "othereast@other.org"):
        assert org.show(name)["group"] == "east"
    assert org.show("bostonrep")["group"] == "boston"
    org.fail("group", "remove", "east")


# --- scope ----------------------------------------------------------------------------------

@pytest.mark.parametrize("manager", ["eastboss", "boss", "otherboss@other.org"])
def test_list_shows_exactly_the_subtree(org: Popstore, manager):
    assert listed(org, manager) == {addr(n) for n in SCOPE[manager]}


def test_world_manager_in_default_domain_sees_everything(org: Popstore):
    everything = set(org.addresses())
    assert everything == {addr(n) for n in MEMBERS}
    assert listed(org, "worldboss") == everything


def test_wildcard_list_and_show_limited_to_scope(org: Popstore):
    assert listed(org, "boss", "*rep") == {f"{n}@{EX}" for n in ("salesrep", "eastrep", "westrep", "bostonrep")}
    assert listed(org, "eastboss", "*") == {addr(n) for n in SCOPE["eastboss"]}
    assert listed(org, "worldboss", "*@other.org") == {addr(n) for n in SCOPE["otherboss@other.org"]}
    shown = org.json("account", "show", "*rep", "--as", "eastboss", **as_("eastboss"))
    assert {a["address"] for a in shown} == {f"eastrep@{EX}", f"bostonrep@{EX}"}


def test_scope_of_groups_stops_at_domain(org: Popstore):
    # othereast@other.org is in group east, but eastboss manages east only in example.com
    assert "othereast@other.org" not in listed(org, "eastboss")
    assert "othereast@other.org" not in listed(org, "boss")


def _same_as_nonexistent(org: Popstore, manager: str, argv_for, target: str, ghost: str):
    """An out-of-scope account must look exactly like one that does not exist."""
    assert len(target) == len(ghost)
    real = org.run(*argv_for(target), "--as", manager, **as_(manager))
    fake = org.run(*argv_for(ghost), "--as", manager, **as_(manager))
    line = assert_error(real)
    assert line.startswith("error: no such account: "), real
    assert real.rc == fake.rc
    assert line == assert_error(fake).replace(ghost, target)
    assert real.out == fake.out


@pytest.mark.parametrize("manager,target,ghost", [
    ("eastboss", "salesrep", "ghostrep"),
    ("eastboss", "westrep", "ghostre"),
    ("eastboss", "worldboss", "nobodyhex"),
    ("boss", "loner", "ghost"),
    ("otherboss@other.org", "eastrep", "ghostre"),
    ("eastboss", "othereast@other.org", "ghostxxxx@other.org"),
])
def test_out_of_scope_is_like_nonexistent(org: Popstore, manager, target, ghost):
    before = org.accounts()
    _same_as_nonexistent(org, manager, lambda n: ("account", "show", n), target, ghost)
    _same_as_nonexistent(org, manager, lambda n: ("account", "modify", n, "--owner", "Hijacked"), target, ghost)
    _same_as_nonexistent(org, manager, lambda n: ("account", "modify", n, "--password", "owned"), target, ghost)
    _same_as_nonexistent(org, manager, lambda n: ("account", "remove", n), target, ghost)
    _same_as_nonexistent(org, manager, lambda n: ("account", "rename", n, "stolen"), target, ghost)
    assert org.accounts() == before


def test_manager_modifies_inside_scope(org: Popstore):
    org.ok("account", "modify", "bostonrep", "--owner", "Boston Bob", "--quota", "5M", "--as", "eastboss",
           **as_("eastboss"))
    acct = org.show("bostonrep")
    assert acct["owner"] == "Boston Bob" and acct["quota"] == 5 * 1024 * 1024
    org.ok("account", "modify", "westrep", "--owner", "West Wendy", "--as", "boss", **as_("boss"))
    assert org.show("westrep")["owner"] == "West Wendy"
    org.ok("account", "modify", "otherrep@other.org", "--owner", "O", "--as", "otherboss@other.org",
           **as_("otherboss@other.org"))
    assert org.show("otherrep@other.org")["owner"] == "O"
    org.ok("account", "modify", "otherrep@other.org", "--owner", "W", "--as", "worldboss", **as_("worldboss"))
    assert org.show("otherrep@other.org")["owner"] == "W"


def test_wildcard_modify_limited_to_scope(org: Popstore):
    org.ok("account", "modify", "*", "--owner", "Eastern", "--yes", "--as", "eastboss", **as_("eastboss"))
    owners = {a["address"]: a["owner"] for a in org.accounts()}
    assert {a for a, o in owners.items() if o == "Eastern"} == {addr(n) for n in SCOPE["eastboss"]}


def test_wrong_password_refused(org: Popstore):
    before = org.accounts()
    org.fail("account", "modify", "bostonrep", "--owner", "X", "--as", "eastboss", password="wrong")
    org.fail("account", "list", "--as", "boss", password="east-pw")
    org.fail("account", "list", "--as", "boss", password="")
    assert org.accounts() == before


def test_missing_password_without_tty_refused(org: Popstore):
    before = org.accounts()
    org.fail("account", "modify", "bostonrep", "--owner", "X", "--as", "eastboss")
    assert org.accounts() == before


def test_non_manage_account_refused(org: Popstore):
    before = org.accounts()
    org.fail("account", "list", "--as", "pleb", password=PW["pleb"])
    org.fail("account", "modify", "salesrep", "--owner", "X", "--as", "pleb", password=PW["pleb"])
    assert org.accounts() == before


def test_unknown_as_account_refused(org: Popstore):
    org.fail("account", "list", "--as", "nobody", password="whatever")


def test_manager_cannot_act_after_manage_removed(org: Popstore):
    org.ok("account", "modify", "eastboss", "--remove-flags", "MANAGE")
    org.fail("account", "list", "--as", "eastboss", **as_("eastboss"))


def test_removing_group_moves_scope(org: Popstore):
    org.ok("group", "remove", "east")
    # eastrep keeps group "east", which is no longer below sales
    assert f"eastrep@{EX}" not in listed(org, "boss")
    assert org.show("eastrep")["group"] == "east"
