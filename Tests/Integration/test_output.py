"""Output forms: readable text, --json, --format templates, and error lines."""

import json
import os

from conftest import DOMAIN, Popstore, make_message


def two_accounts(ps: Popstore) -> None:
    ps.add("alice", "--owner", "Alice Example", "--flags", "MANAGE", "--quota", "1K")
    ps.add("bob")
    rc, _ = ps.deliver(["bob"], make_message())
    assert rc == 0


def test_format_template_over_list(ps: Popstore, tmp_path):
    two_accounts(ps)
    template = tmp_path / "report.mustache"
    template.write_text("{{#items}}{{address}} {{usage.messages}}\n{{/items}}")
    res = ps.ok("account", "list", "--format", str(template))
    assert res.out.splitlines() == [f"alice@{DOMAIN} 0", f"bob@{DOMAIN} 1"]


def test_format_template_over_single_object(ps: Popstore, tmp_path):
    two_accounts(ps)
    template = tmp_path / "one.mustache"
    template.write_text("{{name}}|{{quota}}|{{#flags}}[{{.}}]{{/flags}}|{{owner}}|{{^group}}no group{{/group}}")
    res = ps.ok("account", "show", "alice", "--format", str(template), explicit_store=True)
    assert res.out.strip() == "alice|1024|[MANAGE]|Alice Example|no group"


def test_format_template_over_groups(ps: Popstore, tmp_path):
    ps.ok("group", "add", "sales", "--subgroups", "east")
    template = tmp_path / "groups.mustache"
    template.write_text("{{#items}}{{name}}:{{#subgroups}}{{.}};{{/subgroups}}\n{{/items}}")
    res = ps.ok("group", "list", "--format", str(template))
    assert res.out.splitlines() == ["east:", "sales:east;"]


def test_format_missing_template_is_an_error(ps: Popstore, tmp_path):
    ps.add("alice")
    ps.fail("account", "list", "--format", str(tmp_path / "nope.mustache"))


def test_default_output_is_readable(ps: Popstore):
    two_accounts(ps)
    out = ps.ok("account", "list").out
    assert "alice" in out and "bob" in out
    shown = ps.ok("account", "show", "alice").out
    assert "alice" in shown and "Alice Example" in shown and "MANAGE" in shown
    assert not shown.lstrip().startswith("{")


def test_json_outputs_parse(ps: Popstore, tmp_path):
    two_accounts(ps)
    ps.ok("group", "add", "sales")
    ps.ok("forward", "add", "info", "--to", "bob@example.com")
    for argv in (
        ("account", "list"),
        ("account", "show", "alice"),
        ("account", "show", "*"),
        ("group", "list"),
        ("domain", "list"),
        ("forward", "list"),
        ("message", "list", "bob"),
        ("store", "stats"),
        ("store", "show"),
        ("store", "volume", "list"),
        ("store", "check"),
    ):
        res = ps.ok(*argv, "--json")
        json.loads(res.out)
    assert isinstance(ps.json("account", "show", "alice"), dict)
    assert isinstance(ps.json("account", "show", "a*"), list)
    assert isinstance(ps.json("account", "list"), list)


def test_store_stats_and_volume_list(ps: Popstore):
    two_accounts(ps)
    stats = ps.json("store", "stats")
    assert stats["accounts"] == 2
    assert stats["messageFiles"] == 1
    assert stats["maildropEntries"] == 1
    assert stats["bytes"] > 0
    assert len(stats["volumes"]) == 1
    vol = stats["volumes"][0]
    assert vol["name"] == "default"
    assert os.path.isabs(vol["path"])
    assert os.path.realpath(vol["path"]) == os.path.realpath(ps.default_volume)
    assert vol["accounts"] == 2 and vol["messageFiles"] == 1
    vols = ps.json("store", "volume", "list")
    assert len(vols) == 1
    assert vols[0]["name"] == "default" and vols[0]["accounts"] == 2
    assert os.path.realpath(vols[0]["path"]) == os.path.realpath(ps.default_volume)


def test_volume_add_with_name(ps: Popstore, tmp_path):
    disk = tmp_path / "mnt" / "disk7"
    disk.mkdir(parents=True)
    ps.ok("store", "volume", "add", str(disk), "--name", "fast")
    ps.fail("store", "volume", "add", str(tmp_path / "other"), "--name", "fast")
    names = [v["name"] for v in ps.json("store", "volume", "list")]
    assert sorted(names) == ["default", "fast"]
    ps.add("jdoe", "--volume", "fast")
    assert ps.show("jdoe")["volume"] == "fast"


def test_store_show(ps: Popstore):
    chars = "abcdefghijklmnopqrstuvwxyz0123456789._-"
    out = ps.ok("store", "show").out
    assert chars in out
    settings = ps.json("store", "show")
    assert isinstance(settings, dict)
    assert chars in json.dumps(settings)
    ps.ok("store", "set", "name-characters", chars + "+")
    ps.ok("store", "set", "legacy-auth", "on")
    changed = ps.json("store", "show")
    assert changed != settings
    assert chars + "+" in json.dumps(changed)


def test_store_set_rejects_bad_values(ps: Popstore):
    before = ps.json("store", "show")
    ps.fail("store", "set", "password-hash-cost", "9")
    ps.fail("store", "set", "password-hash-cost", "21")
    ps.fail("store", "set", "password-hash-cost", "many")
    ps.fail("store", "set", "legacy-auth", "maybe")
    ps.fail("store", "set", "no-such-key", "1")
    assert ps.json("store", "show") == before


def test_error_is_one_line_and_no_stdout(ps: Popstore):
    res = ps.fail("account", "show", "ghost", contains="no such account")
    assert res.out == ""
    res = ps.fail("account", "show", "ghost", "--json")
    assert res.out == ""
