"""`serve` started as root binds a privileged port, then runs as the configured user:
the process's real, effective, saved and filesystem ids are that user's, root cannot be
regained, and the server still serves the store (owned by that user) over the port it
bound while root."""

from __future__ import annotations

import os
import poplib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import Popstore, clean_env
from pop3_server import HOST, IO_TIMEOUT, add_account

USER, GROUP = "nobody", "nogroup"


def free_privileged_port() -> int:
    for port in range(990, 900, -1):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
                return port
            except OSError:
                continue
    raise AssertionError("no free port below 1024 on 127.0.0.1")


def ids(pid: int) -> dict[str, list[int]]:
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        name, _, value = line.partition(":")
        if name in ("Uid", "Gid"):
            fields[name] = [int(v) for v in value.split()]
    return fields


def test_root_binds_a_privileged_port_then_runs_as_the_configured_user(ps: Popstore, tmp_path):
    assert os.geteuid() == 0, "the test command runs as root (it installs packages); so must this test"
    add_account(ps, "jdoe", "Jdoe-pw-1")
    ps.deliver(["jdoe"], b"Subject: kept\r\n\r\nbody\r\n")
    # pytest's directory is root's alone (0700): the store moves where the user can reach it.
    home = Path(tempfile.mkdtemp(prefix="popstore-privileges-"))
    store = home / "store"
    shutil.copytree(ps.store, store)
    subprocess.run(["chown", "-R", f"{USER}:{GROUP}", str(home)], check=True)
    config = tmp_path / "root.toml"
    config.write_text(f'[server]\nuser = "{USER}"\ngroup = "{GROUP}"\n')
    port = free_privileged_port()
    env = clean_env()
    proc = subprocess.Popen(
        [str(ps.binary), "serve", "--store", str(store), "--config", str(config), "--pop3", f"{HOST}:{port}",
         "--pop3s", f"{HOST}:0", "--lmtp", f"{HOST}:0", "--socketmap", f"{HOST}:0", "--managesieve", f"{HOST}:0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(tmp_path))
    try:
        lines = [proc.stdout.readline().decode().strip() for _ in range(5)]
        assert f"pop3 {HOST}:{port}" in lines, lines
        nobody = (65534, 65534)
        deadline = time.monotonic() + IO_TIMEOUT
        while ids(proc.pid)["Uid"][0] != nobody[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        status = ids(proc.pid)
        assert status["Uid"] == [nobody[0]] * 4, status  # real, effective, saved, filesystem
        assert status["Gid"] == [nobody[1]] * 4, status
        client = poplib.POP3(HOST, port, timeout=IO_TIMEOUT)
        client.user("jdoe")
        client.pass_("Jdoe-pw-1")
        assert client.stat()[0] == 1
        assert b"Subject: kept" in b"\r\n".join(client.retr(1)[1])
        client.quit()
    finally:
        proc.terminate()
        proc.wait(timeout=IO_TIMEOUT)
        shutil.rmtree(home, ignore_errors=True)
    log = proc.stderr.read().decode(errors="replace")
    assert f"running as {USER}" in log
