"""fetchmail (Debian's package) as a real-world client: over POP3S with `keep` and
`uidl` it fetches each message once, and over STLS without `keep` it empties the maildrop."""

from __future__ import annotations

import getpass
import os
import shutil
import sys
from pathlib import Path

from conftest import make_message
from pop3_server import HOST, add_account, deliver, run_tool, serve  # noqa: F401

USER = "alice"
PASSWORD = "Fetchmail-pw-61f0"

MDA = """\
import itertools, os, sys
out = sys.argv[1]
data = sys.stdin.buffer.read()
for i in itertools.count(1):
    try:
        fd = os.open(os.path.join(out, f"msg-{i:04d}.eml"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        continue
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    break
"""


class Fetchmail:
    def __init__(self, tmp_path: Path, port: int, options: str):
        assert shutil.which("fetchmail"), "fetchmail is needed for this test (Debian package fetchmail)"
        self.home = tmp_path / "fetchmail"
        self.out = self.home / "out"
        self.out.mkdir(parents=True)
        mda = self.home / "mda.py"
        mda.write_text(MDA)
        self.rc = self.home / "fetchmailrc"
        self.rc.write_text(
            "set no syslog\n"
            f"poll {HOST} service {port} protocol POP3 uidl timeout 30\n"
            f'  user "{USER}" there with password "{PASSWORD}" is "{getpass.getuser()}" here\n'
            f"  options {options}\n"
            f'  mda "{sys.executable} {mda} {self.out}"\n')
        os.chmod(self.rc, 0o600)
        self.ids = self.home / "ids"

    def run(self) -> tuple[int, str]:
        proc = run_tool(["fetchmail", "-f", str(self.rc), "--idfile", str(self.ids), "-v", "--nosyslog"],
                        env={"HOME": str(self.home), "FETCHMAILHOME": str(self.home)}, cwd=self.home, timeout=90)
        return proc.returncode, (proc.stdout + proc.stderr).decode("utf-8", errors="replace")

    def delivered(self) -> list[bytes]:
        return [p.read_bytes() for p in sorted(self.out.iterdir())]


def same_message(delivered: bytes, original: bytes) -> bool:
    """fetchmail adds a Received header; the original headers and the body are kept."""
    delivered = delivered.replace(b"\r\n", b"\n")
    head, body = original.split(b"\n\n", 1)
    return delivered.endswith(b"\n\n" + body) and all(line in delivered.split(b"\n") for line in head.split(b"\n"))


MESSAGES = [
    make_message(subject="First for fetchmail", body="One.\n.dotted\n..double\nEnd.\n"),
    make_message(subject="Second for fetchmail", body="Two.\n"),
]


def test_fetchmail_keep_then_uidl_fetches_nothing_new(ps, serve, tmp_path):
    add_account(ps, USER, PASSWORD)
    for m in MESSAGES:
        deliver(ps, USER, m)
    server = serve()
    fm = Fetchmail(tmp_path, server.pop3s_port, "ssl no sslcertck sslproto 'TLS1.2+' keep")

    rc, output = fm.run()
    assert rc == 0, f"first fetchmail run (0 = mail fetched) gave {rc}:\n{output}"
    got = fm.delivered()
    assert len(got) == 2, output
    for delivered, original in zip(got, MESSAGES):
        assert same_message(delivered, original), f"{delivered!r}\nvs\n{original!r}"
    assert len(ps.messages(USER)) == 2, "keep: the messages stay on the server"

    rc, output = fm.run()
    assert rc == 1, f"second fetchmail run (1 = no new mail) gave {rc}:\n{output}"
    assert len(fm.delivered()) == 2, "uidl: nothing is fetched twice"

    third = make_message(subject="Third for fetchmail", body="Three.\n")
    deliver(ps, USER, third)
    rc, output = fm.run()
    assert rc == 0, f"third fetchmail run gave {rc}:\n{output}"
    got = fm.delivered()
    assert len(got) == 3, "only the new message is fetched"
    assert same_message(got[2], third)


def test_fetchmail_over_stls_without_keep_empties_the_maildrop(ps, serve, tmp_path):
    add_account(ps, USER, PASSWORD)
    for m in MESSAGES:
        deliver(ps, USER, m)
    server = serve("--no-plaintext-on-loopback")
    fm = Fetchmail(tmp_path, server.pop3_port, "sslproto 'TLS1.2+' no sslcertck")
    rc, output = fm.run()
    assert rc == 0, f"fetchmail gave {rc}:\n{output}"
    assert "STLS" in output, f"fetchmail should have used STLS:\n{output}"
    got = fm.delivered()
    assert len(got) == 2
    for delivered, original in zip(got, MESSAGES):
        assert same_message(delivered, original)
    assert ps.messages(USER) == [], "without keep, fetchmail deletes what it fetched"

