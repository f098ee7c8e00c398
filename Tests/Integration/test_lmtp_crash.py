"""Kill -9 under load: 8 LMTP connections deliver without pause while `popstore serve` is
killed with SIGKILL at random moments, 20 times, and restarted each time. Every message
that got a 250 must then come out of POP3 intact, none twice, none partial, and the store
must hold nothing `store check` calls damage.

The kill moments are random counts of acknowledged deliveries, not timers, so the test
needs no sleep and kills mid-stream whatever the machine's speed."""

from __future__ import annotations

import hashlib
import poplib
import random
import signal
import smtplib
import subprocess
import threading
import time

from conftest import Popstore, clean_env, header_value
from postfix_instance import free_port

HOST = "127.0.0.1"
USERS = ["u0", "u1", "u2", "u3"]
KILLS = 20
CONNECTIONS = 8


def body_for(tag: str) -> bytes:
    digest = hashlib.sha256(tag.encode()).hexdigest()
    lines = [f"{digest} line {i} {'.' if i % 7 == 0 else ''}".encode() for i in range(40)]
    return b"\r\n".join(lines) + b"\r\n"


def message_for(tag: str) -> bytes:
    return f"From: load@example.net\r\nSubject: {tag}\r\nMessage-ID: <{tag}@load>\r\n\r\n".encode() + body_for(tag)


class Load:
    """Delivery workers; `acked` maps a tag to the recipients that got a 250 for it."""

    def __init__(self, port: int):
        self.port = port
        self.acked: dict[str, list[str]] = {}
        self.lock = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(n,), daemon=True) for n in range(CONNECTIONS)]

    def work(self, worker: int):
        rng = random.Random(worker)
        sequence = 0
        while not self.stop.is_set():
            try:
                client = smtplib.LMTP(HOST, self.port, timeout=10)
                client.ehlo("load")
            except (OSError, smtplib.SMTPException):
                time.sleep(0.01)  # the server is restarting: poll for its port
                continue
            try:
                while not self.stop.is_set():
                    sequence += 1
                    tag = f"w{worker}-{sequence}"
                    recipients = rng.sample(USERS, rng.choice([1, 1, 2, 3]))
                    refused = client.sendmail("load@example.net", [f"{u}@example.com" for u in recipients], message_for(tag))
                    with self.lock:
                        self.acked[tag] = [u for u in recipients if f"{u}@example.com" not in refused]
                        self.lock.notify_all()
            except (OSError, smtplib.SMTPException):
                pass  # killed mid-transaction: what was not acknowledged may or may not be stored
            finally:
                try:
                    client.close()
                except OSError:
                    pass

    def wait_for(self, count: int, timeout: float = 60.0):
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.acked) >= count, timeout=timeout), \
                f"deliveries stalled at {len(self.acked)}"


def start(ps: Popstore, lmtp_port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(ps.binary), "serve", "--store", str(ps.store), "--pop3", f"{HOST}:0", "--pop3s", f"{HOST}:0",
         "--socketmap", f"{HOST}:0", "--managesieve", f"{HOST}:0", "--lmtp", f"{HOST}:{lmtp_port}"],
        stdout=subprocess.PIPE, stderr=open(ps.tmp_path / "serve.log", "ab"), stdin=subprocess.DEVNULL, env=clean_env())
    return proc


def pop3_port(proc: subprocess.Popen) -> int:
    while True:
        line = proc.stdout.readline().decode()
        assert line, "serve ended"
        if line.startswith("pop3 "):
            return int(line.rsplit(":", 1)[1])


def test_sigkill_during_lmtp_delivery_loses_nothing_acknowledged(ps: Popstore):
    for user in USERS:
        ps.add(user, "--password", "pw")
    lmtp_port = free_port()
    proc = start(ps, lmtp_port)
    load = Load(lmtp_port)
    for thread in load.threads:
        thread.start()
    rng = random.Random(2033)
    try:
        for _ in range(KILLS):
            load.wait_for(len(load.acked) + rng.randint(1, 25))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            proc = start(ps, lmtp_port)
        load.wait_for(len(load.acked) + 10)
    finally:
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=30)
    port = pop3_port(proc)
    try:
        for user in USERS:
            expected = {tag for tag, users in load.acked.items() if user in users}
            seen: dict[str, int] = {}
            box = poplib.POP3(HOST, port, timeout=30)
            box.user(user)
            box.pass_("pw")
            count, _ = box.stat()
            for n in range(1, count + 1):
                message = b"\r\n".join(box.retr(n)[1]) + b"\r\n"
                [tag] = header_value(message, "Subject")
                seen[tag] = seen.get(tag, 0) + 1
                assert message.endswith(b"\r\n\r\n" + body_for(tag)), f"{user}: message {tag} is not intact"
            box.quit()
            missing = expected - set(seen)
            assert not missing, f"{user}: {len(missing)} acknowledged messages lost, e.g. {sorted(missing)[:3]}"
            twice = [tag for tag, n in seen.items() if n > 1]
            assert not twice, f"{user}: stored twice: {twice[:3]}"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    # A crash may leave usage counters one delivery behind (killed between the link and the
    # counter update) and the tmp copy of a counter file being replaced; `store check`
    # recounts and removes them. Nothing else may be found: no damaged or partial message,
    # no stray entry, no delivery tmp file (serve removed those when it restarted).
    report = ps.run("store", "check", "--json").json()
    kinds = {problem["kind"] for problem in report["problems"]}
    assert kinds <= {"usage-mismatch", "stale-tmp"}, report
    ps.run("store", "check", "--repair")
    after = ps.run("store", "check", "--json")
    assert after.rc == 0 and after.json()["problems"] == []
