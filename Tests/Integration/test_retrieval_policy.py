"""EXPIRE and LOGIN-DELAY (RFC 2449 §6.5, §6.7) set per account, per group and store-wide,
announced in CAPA after login and enforced at login, through the real server and poplib."""

from __future__ import annotations

import poplib
import signal
import subprocess

import pytest

from conftest import Popstore, clean_env


@pytest.fixture
def server(ps: Popstore):
    def start() -> tuple[subprocess.Popen, int]:
        env = clean_env()
        proc = subprocess.Popen(
            [str(ps.binary), "serve", "--store", str(ps.store), "--pop3", "127.0.0.1:0", "--pop3s", "127.0.0.1:0",
         "--lmtp", "127.0.0.1:0", "--socketmap", "127.0.0.1:0", "--managesieve", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
        line = proc.stdout.readline().decode()
        while line and not line.startswith("pop3 "):  # listeners report in any order
            line = proc.stdout.readline().decode()
        assert line.startswith("pop3 "), line
        return proc, int(line.rsplit(":", 1)[1])

    started: list[subprocess.Popen] = []

    def run() -> int:
        proc, port = start()
        started.append(proc)
        return port

    yield run
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def capa_after_login(port: int, user: str) -> dict:
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    client.user(user)
    client.pass_("pw")
    capa = client.capa()
    client.quit()
    return capa


def test_values_come_from_account_then_group_then_store(ps: Popstore, server):
    ps.ok("group", "add", "sales", "--subgroups", "east")
    ps.ok("group", "modify", "sales", "--expire", "30", "--login-delay", "0")
    ps.ok("store", "set", "expire", "90")
    ps.ok("account", "add", "own", "--password", "pw", "--group", "east", "--expire", "never")
    ps.ok("account", "add", "grouped", "--password", "pw", "--group", "east")
    ps.ok("account", "add", "plain", "--password", "pw")
    port = server()
    assert capa_after_login(port, "own")["EXPIRE"] == ["NEVER"]
    assert capa_after_login(port, "grouped")["EXPIRE"] == ["30"]  # from sales, above east
    assert capa_after_login(port, "plain")["EXPIRE"] == ["90"]  # store-wide
    assert "LOGIN-DELAY" not in capa_after_login(port, "plain")


def test_login_delay_is_enforced(ps: Popstore, server):
    ps.ok("account", "add", "poller", "--password", "pw", "--login-delay", "3600")
    ps.ok("account", "add", "other", "--password", "pw")
    port = server()
    assert capa_after_login(port, "poller")["LOGIN-DELAY"] == ["3600"]
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    client.user("poller")
    with pytest.raises(poplib.error_proto) as refused:
        client.pass_("pw")
    assert b"[LOGIN-DELAY]" in refused.value.args[0]
    client.quit()
    capa_after_login(port, "other")  # other accounts are not held up
    ps.ok("account", "modify", "poller", "--login-delay", "none")
    capa_after_login(port, "poller")
