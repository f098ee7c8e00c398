"""A private, loopback-only Postfix instance for the integration tests, and an SMTP sink.

Postfix is the MTA in front of Popstore: it takes mail over SMTP, asks Popstore (a socketmap
server, maps `mailbox` and `access`) whether a recipient exists and is allowed, and hands
accepted mail to Popstore's LMTP listener. Popstore's outbound mail goes the other way, into
Postfix's SMTP port from 127.0.0.1, and Postfix relays it on (in tests: to an `SmtpSink`).

    from postfix_instance import postfix, smtp_sink  # noqa: F401  (the fixtures)

    def test_x(postfix, smtp_sink):
        mta = postfix(lmtp=("127.0.0.1", lmtp_port), domains=["example.com"],
                      socketmap=("127.0.0.1", map_port), relay=smtp_sink.address)
        mta.send("a@example.net", ["known@example.com"], b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
        mta.wait_for_status("known@example.com", "sent")

The instance never touches /etc/postfix or the system's queue: everything (main.cf, master.cf,
the queue, the data directory, the log) lives in a runtime directory made with mkdtemp under
/tmp, and the commands get `-c <that config directory>`. Why not under pytest's tmp_path:
/tmp/pytest-of-root is mode 0700 and the master opens data_directory/master.lock after it has
dropped to the `postfix` user, so the whole path must be searchable by that user; and the
queue's UNIX sockets (queue/private/...) must stay under the 108-byte sun_path limit. At stop()
the log and the configuration are copied into the test's directory (`<base_dir>/postfix/`), and
the runtime directory is removed.

The master runs in the foreground (`postfix -c DIR start-fg`) as a child of this process, so it
is reaped and can always be killed: stop() runs `postfix stop`, waits for the master's process
group to be gone, and SIGKILLs what is left of that group (this instance's processes only).

Nothing here sleeps for a fixed time: every wait polls a condition until a deadline.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import smtplib
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pytest

HOST = "127.0.0.1"
MYHOSTNAME = "postfix-test.invalid"   # must differ from the sink's name, or Postfix sees a mail loop
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
IO_TIMEOUT = 20.0
CMD_TIMEOUT = 60
POLL = 0.02                           # the poll interval of the waits below (not a fixed delay)

POSTFIX = "/usr/sbin/postfix"
POSTCONF = "/usr/sbin/postconf"
POSTQUEUE = "/usr/sbin/postqueue"
PACKAGE_MASTER_CF = Path("/etc/postfix/master.cf")   # Debian installs it even with "No configuration"


# -- installing -------------------------------------------------------------------------------

def postfix_present() -> bool:
    return all(os.access(p, os.X_OK) for p in (POSTFIX, POSTCONF, POSTQUEUE)) and PACKAGE_MASTER_CF.is_file()


def ensure_postfix_installed() -> None:
    """Installs Debian's postfix when it is missing, without configuring a system instance.

    The debconf answer "No configuration" makes the package write no /etc/postfix/main.cf, so a
    system Postfix cannot start (no port 25 listener appears; in containers policy-rc.d refuses
    the start anyway). A system Postfix that is already configured and running is tolerated: this
    module's instances share nothing with it (own config, queue, data directory, port)."""
    if postfix_present():
        return
    if os.geteuid() != 0:
        raise RuntimeError("postfix is not installed and this is not root: apt-get install postfix")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", DEBCONF_NONINTERACTIVE_SEEN="true")
    subprocess.run(["debconf-set-selections"], input=b"postfix postfix/main_mailer_type select No configuration\n",
                   check=True, capture_output=True, timeout=CMD_TIMEOUT, env=env)
    subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600, env=env)
    proc = subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postfix"],
                          capture_output=True, timeout=900, env=env, stdin=subprocess.DEVNULL)
    if proc.returncode != 0 or not postfix_present():
        raise RuntimeError("apt-get install postfix failed:\n" + proc.stdout.decode(errors="replace")
                           + proc.stderr.decode(errors="replace"))


# -- small utilities ------------------------------------------------------------------------

def free_port(host: str = HOST) -> int:
    """A TCP port that was free a moment ago (start() retries if it is taken in between)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_taken(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the master binds
        try:
            s.bind((host, port))
            return False
        except OSError:
            return True


def poll_until(predicate: Callable[[], object], timeout: float, interval: float = POLL):
    """Re-evaluates `predicate` until it returns something true (returned) or the deadline passes
    (returns the last false value)."""
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= end:
            return value
        time.sleep(interval)


def _run(argv: list[str], timeout: float = CMD_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def _live_members(pgid: int) -> list[int]:
    """Processes (not zombies) whose process group is `pgid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("ascii", errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) >= 3 and fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry))
    return found


# -- the Postfix instance -------------------------------------------------------------------

class PostfixInstance:
    """One private Postfix: SMTP on 127.0.0.1:smtp_port, virtual domains delivered by LMTP.

    Arguments (all keyword except base_dir):
      base_dir     a directory of the test; the log and config are copied to base_dir/postfix at stop
      lmtp         (host, port) of the LMTP server: virtual_transport = lmtp:inet:HOST:PORT
      domains      the virtual mailbox domains delivered to `lmtp`
      socketmap    (host, port) of a socketmap server, or None. With it:
                     virtual_mailbox_maps = socketmap:inet:HOST:PORT:mailbox
                     smtpd_recipient_restrictions = check_recipient_access
                         socketmap:inet:HOST:PORT:access, permit_mynetworks, reject_unauth_destination
                   Without it every address of `domains` is a mailbox (static:ok) and there is no
                   access check.
      relay        (host, port) for all other domains: relayhost = [HOST]:PORT. Without it, mail
                   to other domains bounces at once (default_transport = error:...).
      transports   {domain-or-address: transport} for transport_maps (e.g.
                   {"other.test": "smtp:[127.0.0.1]:2526"}), a texthash table: no postmap needed
      smtp_port    the SMTP listen port; a free one when None
      main_cf      extra or overriding main.cf settings {name: value}
    """

    def __init__(self, base_dir: Path, *, lmtp: tuple[str, int] | None = None,
                 domains: Sequence[str] = ("example.com",), socketmap: tuple[str, int] | None = None,
                 relay: tuple[str, int] | None = None, transports: dict[str, str] | None = None,
                 smtp_port: int | None = None, main_cf: dict[str, str] | None = None):
        self.base_dir = Path(base_dir)
        self.lmtp = lmtp
        self.domains = list(domains)
        self.socketmap = socketmap
        self.relay = relay
        self.transports = dict(transports or {})
        self.smtp_port = smtp_port
        self._fixed_port = smtp_port is not None
        self.extra_main_cf = dict(main_cf or {})
        self.root: Path | None = None      # the runtime directory (short path under /tmp)
        self.proc: subprocess.Popen | None = None
        self.master_pid: int | None = None
        self._stdout_path: Path | None = None

    # -- paths -----------------------------------------------------------------------------
    @property
    def config_dir(self) -> Path:
        return self.root / "conf"

    @property
    def queue_dir(self) -> Path:
        return self.root / "queue"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "maillog"

    @property
    def address(self) -> tuple[str, int]:
        return (HOST, self.smtp_port)

    # -- configuration -----------------------------------------------------------------------
    def main_cf_settings(self) -> dict[str, str]:
        """The main.cf this instance is started with (an ordered dict of name = value)."""
        r = self.root
        s: dict[str, str] = {
            "compatibility_level": "3.6",
            "queue_directory": str(r / "queue"),
            "data_directory": str(r / "data"),
            "maillog_file": str(r / "maillog"),
            "maillog_file_prefixes": str(r),
            "myhostname": MYHOSTNAME,
            "myorigin": "$myhostname",
            "inet_interfaces": HOST,
            "inet_protocols": "ipv4",
            "mydestination": "",
            "local_recipient_maps": "",
            "alias_maps": "",
            "alias_database": "",
            "relay_domains": "",
            "mynetworks": "127.0.0.0/8",
            "smtpd_peername_lookup": "no",
            "smtpd_banner": "$myhostname ESMTP",
            "biff": "no",
            "in_flow_delay": "0",
            "smtpd_error_sleep_time": "0",
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "virtual_mailbox_domains": ", ".join(self.domains),
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            # REJECT in an access table answers 554 by default; Popstore's access map says
            # "REJECT 5.x.y text", and a refused mailbox is a 550.
            "access_map_reject_code": "550",
        }
        if self.lmtp:
            s["virtual_transport"] = f"lmtp:inet:{self.lmtp[0]}:{self.lmtp[1]}"
        else:
            s["virtual_transport"] = "error:4.3.0 no LMTP server configured in this test instance"
        if self.socketmap:
            sm = f"socketmap:inet:{self.socketmap[0]}:{self.socketmap[1]}"
            s["virtual_mailbox_maps"] = f"{sm}:mailbox"
            s["smtpd_recipient_restrictions"] = (f"check_recipient_access {sm}:access, "
                                                 "permit_mynetworks, reject_unauth_destination")
        else:
            s["virtual_mailbox_maps"] = "static:ok"
            s["smtpd_recipient_restrictions"] = "permit_mynetworks, reject_unauth_destination"
        if self.relay:
            s["relayhost"] = f"[{self.relay[0]}]:{self.relay[1]}"
        else:
            s["relayhost"] = ""
            s["default_transport"] = "error:5.3.0 no relay configured in this test instance"
        if self.transports:
            s["transport_maps"] = f"texthash:{r / 'conf' / 'transport'}"
        s.update(self.extra_main_cf)
        return s

    def _write_config(self) -> None:
        conf = self.config_dir
        conf.mkdir(parents=True, exist_ok=True)
        (self.root / "queue").mkdir(exist_ok=True)
        data = self.root / "data"
        data.mkdir(exist_ok=True)
        shutil.chown(data, user="postfix")  # `postfix check` wants data_directory owned by mail_owner
        lines = [f"{k} = {v}" for k, v in self.main_cf_settings().items()]
        (conf / "main.cf").write_text("\n".join(lines) + "\n")
        if self.transports:
            (conf / "transport").write_text("".join(f"{k} {v}\n" for k, v in self.transports.items()))
        # master.cf: the package's, with the smtp/inet service moved to our port and chroot off
        # (Debian ships chroot = y for most services; a chroot would be the queue directory, which
        # lacks the /etc files a chrooted daemon needs).
        shutil.copyfile(PACKAGE_MASTER_CF, conf / "master.cf")
        self._postconf("-MX", "smtp/inet")
        self._postconf("-M", f"{self.smtp_port}/inet = {self.smtp_port} inet n - n - - smtpd")
        self._postconf("-F", "*/*/chroot = n")
        # Postfix will not read a table or main.cf whose mtime is this second: it re-reads it
        # every 300 ms until the file looks settled (about 2 s per command). Backdate them.
        past = time.time() - 60
        for path in conf.iterdir():
            os.utime(path, (past, past))
        # `postfix check` creates the queue directories (post-install create-missing) and fails on
        # a bad setup; quick-start then tells `postfix start-fg` not to repeat those checks.
        check = _run([POSTFIX, "-c", str(conf), "check"])
        if check.returncode != 0:
            raise RuntimeError(f"postfix check failed:\n{check.stdout.decode()}{check.stderr.decode()}")
        (self.queue_dir / "quick-start").touch()

    def _postconf(self, *args: str) -> str:
        proc = _run([POSTCONF, "-c", str(self.config_dir), *args])
        if proc.returncode != 0:
            raise RuntimeError(f"postconf {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode(errors="replace")

    def postconf(self, name: str) -> str:
        """The value of one main.cf parameter as this instance sees it (postconf -h)."""
        return self._postconf("-h", name).strip()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "PostfixInstance":
        ensure_postfix_installed()
        if os.geteuid() != 0:
            raise RuntimeError("a Postfix instance must be started as root")
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="pf-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        atexit.register(self.stop)
        attempts = 1 if self._fixed_port else 3
        try:
            for attempt in range(attempts):
                if not self._fixed_port:
                    self.smtp_port = free_port()
                self._write_config()
                if self._start_master():
                    return self
                # the port was taken between free_port() and the master's bind: try another
                self._stop_master()
                self.log_path.unlink(missing_ok=True)
            raise RuntimeError(f"postfix could not listen on 127.0.0.1:{self.smtp_port}: the port is taken")
        except BaseException:
            self.stop()
            raise

    def _start_master(self) -> bool:
        """Starts the master; True once the SMTP port answers 220, False when the port was taken."""
        self._stdout_path = self.root / "start-fg.out"
        out = open(self._stdout_path, "ab")
        try:
            self.proc = subprocess.Popen([POSTFIX, "-c", str(self.config_dir), "start-fg"],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        finally:
            out.close()
        end = time.monotonic() + START_TIMEOUT
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                # A master that cannot bind its port exits with a fatal error that is lost: it
                # goes to the postlog socket, and postlogd has not started yet. So look ourselves.
                if port_taken(self.smtp_port):
                    return False
                raise RuntimeError(f"postfix start-fg exited {self.proc.returncode}:\n"
                                   f"{self._stdout_path.read_text(errors='replace')}\nlog:\n{self.log()}")
            # "daemon started" is logged once the master has bound every listener: only then is
            # a 220 on the port ours (and not some other server's).
            if "postfix/master" in self.log() and "daemon started" in self.log() and self._banner_ok():
                self.master_pid = poll_until(self._read_master_pid, 5.0)
                return True
            time.sleep(POLL)
        raise RuntimeError(f"postfix SMTP port {self.smtp_port} did not answer within {START_TIMEOUT}s; "
                           f"log:\n{self.log()}")

    def _read_master_pid(self) -> int | None:
        try:
            text = (self.queue_dir / "pid" / "master.pid").read_text().strip()
            return int(text) if text else None
        except (OSError, ValueError):
            return None

    def _banner_ok(self) -> bool:
        try:
            with socket.create_connection(self.address, timeout=2) as s:
                s.settimeout(2)
                ok = s.recv(512).startswith(b"220")
                if ok:
                    s.sendall(b"QUIT\r\n")
                    s.recv(512)
                return ok
        except OSError:
            return False

    def _stop_master(self) -> None:
        if self.root is None or not self.config_dir.exists():
            return
        if self.proc is not None and self.proc.poll() is None:
            _run([POSTFIX, "-c", str(self.config_dir), "stop"], timeout=STOP_TIMEOUT)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        pgid = self.master_pid or self._read_master_pid()
        if pgid is not None and not poll_until(lambda: not _live_members(pgid), STOP_TIMEOUT):
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            poll_until(lambda: not _live_members(pgid), STOP_TIMEOUT)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
        self.proc = None
        self.master_pid = None

    def stop(self) -> None:
        """Stops the instance (idempotent, never raises for an already stopped one), keeps a copy
        of the log and configuration in base_dir/postfix, and removes the runtime directory."""
        if self.root is None:
            return
        try:
            self._stop_master()
        finally:
            keep = self.base_dir / "postfix"
            try:
                keep.mkdir(parents=True, exist_ok=True)
                for src in (self.log_path, self.config_dir / "main.cf", self.config_dir / "master.cf",
                            self._stdout_path):
                    if src is not None and src.exists():
                        shutil.copyfile(src, keep / src.name)
            except OSError:
                pass
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
            atexit.unregister(self.stop)

    def __enter__(self) -> "PostfixInstance":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the log -------------------------------------------------------------------------------
    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except (OSError, TypeError):
            return ""

    def wait_for_log(self, pattern: str, timeout: float = IO_TIMEOUT, count: int = 1) -> list[re.Match]:
        """Waits until at least `count` lines of the maillog match the regular expression, and
        returns the matches (of the whole log, in order)."""
        rx = re.compile(pattern)

        def matches():
            found = [m for m in (rx.search(line) for line in self.log().splitlines()) if m]
            return found if len(found) >= count else None

        found = poll_until(matches, timeout)
        if not found:
            raise AssertionError(f"no {count} maillog line(s) matching {pattern!r} within {timeout}s; "
                                 f"log:\n{self.log()}")
        return found

    def wait_for_status(self, recipient: str, status: str = "sent", timeout: float = IO_TIMEOUT,
                        count: int = 1) -> re.Match:
        """Waits until the maillog has `count` delivery lines `to=<recipient>, ... status=STATUS`
        and returns the count-th (groups 'queue_id', 'relay', 'dsn', 'status', 'detail')."""
        rx = re.compile(rf"postfix/[\w/-]+\[\d+\]: (?P<queue_id>[0-9A-F]+): to=<{re.escape(recipient)}>,"
                        rf"(?:.*?relay=(?P<relay>[^,]+),)?.*?dsn=(?P<dsn>[\d.]+), "
                        rf"status=(?P<status>\w+) \((?P<detail>.*)\)$", re.IGNORECASE)

        def look():
            hits = [m for m in map(rx.search, self.log().splitlines()) if m and m.group("status") == status]
            return hits[count - 1] if len(hits) >= count else None

        m = poll_until(look, timeout)
        if not m:
            raise AssertionError(f"no {count} line(s) status={status} for <{recipient}> within {timeout}s; "
                                 f"log:\n{self.log()}")
        return m

    # -- the queue ------------------------------------------------------------------------
    def flush(self) -> None:
        """postqueue -f: attempt to deliver all queued mail now."""
        proc = _run([POSTQUEUE, "-c", str(self.config_dir), "-f"])
        if proc.returncode != 0:
            raise RuntimeError(f"postqueue -f failed: {proc.stderr.decode(errors='replace')}")

    def queue(self) -> list[str]:
        """The queue as postqueue -j lines (one JSON object per message)."""
        proc = _run([POSTQUEUE, "-c", str(self.config_dir), "-j"])
        if proc.returncode != 0:
            raise RuntimeError(f"postqueue -j failed: {proc.stderr.decode(errors='replace')}")
        return [line for line in proc.stdout.decode(errors="replace").splitlines() if line.strip()]

    def queue_empty(self) -> bool:
        return not self.queue()

    def wait_queue_empty(self, timeout: float = IO_TIMEOUT) -> None:
        if not poll_until(self.queue_empty, timeout, interval=0.1):
            raise AssertionError(f"queue not empty after {timeout}s: {self.queue()}\nlog:\n{self.log()}")

    # -- sending -------------------------------------------------------------------------------
    def smtp(self, timeout: float = IO_TIMEOUT) -> smtplib.SMTP:
        """An smtplib client connected to this instance's SMTP port (EHLO not yet sent)."""
        return smtplib.SMTP(HOST, self.smtp_port, local_hostname="client.test", timeout=timeout)

    def send(self, mail_from: str, rcpt_tos: Iterable[str], message: bytes | str,
             timeout: float = IO_TIMEOUT) -> dict:
        """Sends one message through SMTP; returns smtplib's dict of refused recipients (some
        refused). Raises smtplib.SMTPRecipientsRefused when all are refused, like sendmail()."""
        with self.smtp(timeout) as client:
            return client.sendmail(mail_from, list(rcpt_tos), message)


# -- an SMTP sink ----------------------------------------------------------------------------

@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    helo: str = ""
    peer: tuple = ()
    mail_options: list[str] = field(default_factory=list)


class _SinkHandler(socketserver.StreamRequestHandler):
    server: "_SinkTCPServer"

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("utf-8") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink = self.server.sink
        self.reply(f"220 {sink.hostname} ESMTP test sink")
        helo, mail_from, rcpts, options = "", None, [], []
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                helo = arg
                self.reply(f"250-{sink.hostname}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                           "250 ENHANCEDSTATUSCODES")
            elif verb == "HELO":
                helo = arg
                self.reply(f"250 {sink.hostname}")
            elif verb == "MAIL":
                m = re.match(r"(?i)FROM:\s*<([^>]*)>\s*(.*)", arg)
                if not m:
                    self.reply("501 5.5.4 syntax: MAIL FROM:<address>")
                    continue
                mail_from, rcpts, options = m.group(1), [], m.group(2).split()
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                m = re.match(r"(?i)TO:\s*<([^>]*)>", arg)
                if mail_from is None or not m:
                    self.reply("503 5.5.1 MAIL first" if mail_from is None else "501 5.5.4 syntax")
                    continue
                refusal = sink.rcpt_reply(m.group(1)) if sink.rcpt_reply else None
                if refusal:
                    self.reply(refusal)
                else:
                    rcpts.append(m.group(1))
                    self.reply("250 2.1.5 ok")
            elif verb == "DATA":
                if mail_from is None or not rcpts:
                    self.reply("503 5.5.1 no valid recipients")
                    continue
                self.reply("354 go ahead")
                data = read_dot_data(self.rfile)
                if data is None:
                    return
                sink._record(Envelope(mail_from, rcpts, data, helo, self.client_address, options))
                mail_from, rcpts, options = None, [], []
                self.reply("250 2.0.0 queued in the sink")
            elif verb == "RSET":
                mail_from, rcpts, options = None, [], []
                self.reply("250 2.0.0 ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 command not implemented")


def read_dot_data(rfile) -> bytes | None:
    """The DATA section up to the lone dot, dot-unstuffed, CRLF line ends kept; None at EOF."""
    chunks = []
    while True:
        raw = rfile.readline(1 << 20)
        if not raw:
            return None
        if raw in (b".\r\n", b".\n"):
            return b"".join(chunks)
        chunks.append(raw[1:] if raw.startswith(b".") else raw)


class _SinkTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: "SmtpSink"


class SmtpSink:
    """A threaded SMTP server on 127.0.0.1 that accepts everything and records each message.

    `rcpt_reply`, when given, is called with each RCPT address and may return a reply line
    (e.g. "550 5.1.1 no such user") to refuse it; None accepts."""

    def __init__(self, host: str = HOST, port: int = 0, hostname: str = "sink.invalid",
                 rcpt_reply: Callable[[str], str | None] | None = None):
        self.hostname = hostname
        self.rcpt_reply = rcpt_reply
        self.messages: list[Envelope] = []
        self._cond = threading.Condition()
        self._server = _SinkTCPServer((host, port), _SinkHandler)
        self._server.sink = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        return self._server.server_address[:2]

    def _record(self, env: Envelope) -> None:
        with self._cond:
            self.messages.append(env)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[Envelope], bool] = lambda e: True, count: int = 1,
                 timeout: float = IO_TIMEOUT) -> list[Envelope]:
        """Waits until `count` recorded messages satisfy `predicate`; returns them."""
        def found():
            hits = [e for e in self.messages if predicate(e)]
            return hits if len(hits) >= count else None

        with self._cond:
            hits = self._cond.wait_for(found, timeout=timeout)
            if not hits:
                raise AssertionError(f"the sink got no {count} matching message(s) within {timeout}s; "
                                     f"it has: {self.messages!r}")
            return hits

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> "SmtpSink":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postfix_installed() -> None:
    ensure_postfix_installed()


@pytest.fixture
def postfix(postfix_installed, tmp_path: Path) -> Callable[..., PostfixInstance]:
    """Factory: postfix(lmtp=..., domains=..., socketmap=..., relay=..., ...) starts a
    PostfixInstance (arguments as the class); every instance is stopped at teardown."""
    instances: list[PostfixInstance] = []

    def start(**kwargs) -> PostfixInstance:
        base = tmp_path if not instances else tmp_path / f"postfix-{len(instances)}"
        inst = PostfixInstance(base, **kwargs)
        instances.append(inst)
        return inst.start()

    yield start
    for inst in instances:
        inst.stop()
        print(f"postfix log kept at {inst.base_dir / 'postfix' / 'maillog'}")


@pytest.fixture
def smtp_sink() -> SmtpSink:
    """An SmtpSink on a free 127.0.0.1 port, closed at teardown."""
    sink = SmtpSink()
    yield sink
    sink.close()
