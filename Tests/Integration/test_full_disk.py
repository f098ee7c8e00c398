"""A full disk during delivery: the store on a small tmpfs (the test command runs as root and
mounts one) fills while LMTP delivers. Replies turn to 452 4.3.1 (the MTA keeps the mail),
nothing acknowledged is lost or damaged, and delivery resumes when space returns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Popstore, header_value
from pop3_server import Server

BODY = b"".join(b"%05d " % i + b"x" * 58 + b"\r\n" for i in range(1000))  # 65 KiB


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_gives_4xx_and_loses_nothing(popstore_bin: Path, tmp_path: Path, small_disk: Path):
    ps = Popstore(popstore_bin, tmp_path, store=small_disk / "store")
    ps.init()
    ps.add("jdoe", "--password", "pw")
    server = Server(ps, (), tmp_path / "serve.log")
    try:
        acked, replies = [], []
        client = server.lmtp()
        for n in range(200):
            client.ehlo("test")
            code, text = deliver_one(client, f"msg {n}")
            replies.append((code, text))
            if code == 250:
                acked.append(f"msg {n}")
            elif code == 452:
                break
        assert replies[-1][0] == 452 and replies[-1][1].startswith(b"4.3.1"), replies[-3:]
        assert all(code in (250, 452) for code, _ in replies), "never a 5xx for a full disk"
        assert len(acked) >= 10
        # Still full: the next one is refused the same way, and the session goes on.
        assert deliver_one(client, "still full")[0] == 452

        subprocess.run(["mount", "-o", "remount,size=32m", str(small_disk)], check=True)
        assert deliver_one(client, "after")[0] == 250, "delivery resumes when space returns"
        acked.append("after")
        client.quit()

        box = server.login("jdoe", "pw")
        count, _ = box.stat()
        subjects = []
        for n in range(1, count + 1):
            message = b"\r\n".join(box.retr(n)[1]) + b"\r\n"
            subjects += header_value(message, "Subject")
            assert message.endswith(b"\r\n\r\n" + BODY), "every stored message is whole"
        box.quit()
        assert subjects == acked
    finally:
        server.stop()
    check = ps.run("store", "check", "--json")
    assert check.rc == 0 and check.json()["problems"] == [], check


def deliver_one(client, subject: str) -> tuple[int, bytes]:
    """One transaction for one recipient; the post-DATA reply."""
    client.mail("s@example.net")
    code, _ = client.rcpt("jdoe@example.com")
    assert code == 250
    code, text = client.data(f"Subject: {subject}\r\n\r\n".encode() + BODY)
    if code != 250:
        client.rset()
    return code, text
