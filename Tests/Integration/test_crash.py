"""A process killed at every step of a store transaction loses nothing acknowledged,
shows nothing half-written, and `store check --repair` mends what it left.

`POPSTORE_TEST_CRASH_AT=<step>` makes the real binary end with _exit(137) at that step,
as a power cut or `kill -9` would: no cleanup code runs.
"""

from __future__ import annotations

import pytest

from conftest import Popstore, crlf, make_message

STEPS = ["create-tmp", "write-body", "sync-tmp", "lock-maildrop", "link-entry",
         "sync-maildrop", "update-usage", "remove-tmp"]
ACCOUNTS = ["a", "b", "c"]


@pytest.mark.parametrize("step", STEPS)
def test_crash_at_every_step(ps: Popstore, step: str):
    for name in ACCOUNTS:
        ps.ok("account", "add", name)
    message = make_message(subject=f"crash at {step}", body="line\n.dotted\nlast line without end")
    crashed = ps.run("message", "add", "--to", ",".join(ACCOUNTS), input=message,
                     env={"POPSTORE_TEST_CRASH_AT": step})
    assert crashed.rc == 137, f"the process should have died at {step}: {crashed!r}"
    assert "stored" not in crashed.out, "nothing may be reported stored by a process that died"

    # Each account holds the whole message or nothing; never a part.
    for name in ACCOUNTS:
        for listed in ps.messages(name):
            assert ps.message_bytes(name, listed["uid"]) == crlf(message)

    ps.ok("store", "check", "--repair")
    report = ps.json("store", "check")
    assert report["consistent"] and report["problems"] == [], report

    # Usage counters agree with the maildrops after the repair.
    for name in ACCOUNTS:
        listed = ps.messages(name)
        usage = ps.show(name)["usage"]
        assert usage == {"messages": len(listed), "bytes": sum(m["size"] for m in listed)}

    # The store works on: a new delivery reaches everyone.
    rc, results = ps.deliver(ACCOUNTS, make_message(subject="after"))
    assert rc == 0 and [r["result"] for r in results] == ["stored"] * 3
