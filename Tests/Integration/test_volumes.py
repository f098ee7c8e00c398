"""Volumes: each account lives on one volume; a message is stored once per volume that
holds one of its recipients, never once per recipient."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import Popstore, crlf, drop_entries, make_message


def inodes(volume: Path) -> set[int]:
    return {os.stat(p).st_ino for p in drop_entries(volume)}


def test_one_copy_per_volume(ps: Popstore, tmp_path: Path):
    second = tmp_path / "disk2"
    second.mkdir()
    ps.ok("store", "volume", "add", str(second), "--name", "disk2")
    volumes = {v["name"]: v for v in ps.json("store", "volume", "list", "--json")}
    assert set(volumes) == {"default", "disk2"}

    for n in range(4):
        ps.ok("account", "add", f"here{n}")
        ps.ok("account", "add", f"there{n}", "--volume", "disk2")
    assert ps.show("there0")["volume"] == "disk2"

    message = make_message(subject="two volumes")
    rc, results = ps.deliver([f"here{n}" for n in range(4)] + [f"there{n}" for n in range(4)], message)
    assert rc == 0, results

    default_volume = ps.default_volume
    assert len(drop_entries(default_volume)) == 4 and len(inodes(default_volume)) == 1
    assert len(drop_entries(second)) == 4 and len(inodes(second)) == 1
    for name in ["here0", "there3"]:
        (listed,) = ps.messages(name)
        assert ps.message_bytes(name, listed["uid"]) == crlf(message)

    stats = ps.json("store", "stats", "--json")
    assert stats["messageFiles"] == 2 and stats["maildropEntries"] == 8
    assert ps.json("store", "check", "--json")["consistent"]


def test_unknown_volume_is_refused(ps: Popstore):
    res = ps.run("account", "add", "x", "--volume", "nowhere")
    assert res.rc != 0 and res.err.startswith("error: ")
    assert ps.accounts() == []


def test_usage_errors_are_one_line(ps: Popstore):
    res = ps.run("account", "add")
    assert res.rc != 0
    lines = [line for line in res.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), res
