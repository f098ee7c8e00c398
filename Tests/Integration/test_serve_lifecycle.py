"""`popstore serve` ends gracefully on SIGTERM: it stops, its sessions end without an
UPDATE (nothing deleted), and no maildrop stays locked for the next server."""

from __future__ import annotations

import poplib
import signal
import subprocess

from conftest import Popstore, clean_env, make_message


def start(ps: Popstore) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [str(ps.binary), "serve", "--store", str(ps.store), "--pop3", "127.0.0.1:0", "--pop3s", "127.0.0.1:0",
         "--lmtp", "127.0.0.1:0", "--socketmap", "127.0.0.1:0", "--managesieve", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=clean_env())
    line = proc.stdout.readline().decode()
    while line and not line.startswith("pop3 "):  # listeners report in any order
        line = proc.stdout.readline().decode()
    assert line.startswith("pop3 "), line
    return proc, int(line.rsplit(":", 1)[1])


def test_sigterm_ends_sessions_without_update_and_releases_locks(ps: Popstore):
    ps.ok("account", "add", "jdoe", "--password", "pw")
    ps.deliver(["jdoe"], make_message(subject="keep me"))
    proc, port = start(ps)
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    client.user("jdoe")
    client.pass_("pw")
    client.dele(1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert len(ps.messages("jdoe")) == 1, "a session cut by shutdown must not delete"

    proc, port = start(ps)
    try:
        again = poplib.POP3("127.0.0.1", port, timeout=10)
        again.user("jdoe")
        assert again.pass_("pw").startswith(b"+OK"), "the maildrop lock must be gone"
        again.quit()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
