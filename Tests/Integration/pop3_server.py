"""Runs `popstore serve` for the POP3 integration tests, and small clients to talk to it.

The `serve` fixture is a factory: `server = serve()` starts `popstore serve` on the test's
store (the `ps` fixture of conftest.py) with a plain POP3 and a POP3S listener, both on
127.0.0.1 port 0, and reads the bound ports from the lines the server prints on stdout.
Extra flags go through: `serve("--no-plaintext-on-loopback")`. At teardown every server
started is sent SIGTERM and must exit 0 within STOP_TIMEOUT seconds.

The server's stderr (its log) is copied to tmp_path/serve-N.log and kept in memory, so a
test can wait for a log line (`server.wait_log(...)`) or check the whole log.

Use it from a test module with

    from pop3_server import serve  # noqa: F401  (the fixture)

Nothing here sleeps: every wait is a read or a condition with a timeout.
"""

from __future__ import annotations

import base64
import importlib
import poplib
import re
import select
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Callable

import pytest

from conftest import Popstore, clean_env

HOST = "127.0.0.1"
SECOND_HOST = "127.0.0.2"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
IO_TIMEOUT = 20.0
CMD_TIMEOUT = 60


# -- the server -----------------------------------------------------------------------------

class Server:
    """One running `popstore serve` process."""

    def __init__(self, ps: Popstore, flags: tuple[str, ...], log_path: Path):
        self.ps = ps
        self.log_path = log_path
        self.pop3_port: int | None = None
        self.pop3s_port: int | None = None
        self.lmtp_port: int | None = None
        self.socketmap_port: int | None = None
        self.managesieve_port: int | None = None
        self._log_lines: list[str] = []
        self._stdout_lines: list[str] = []
        self._cond = threading.Condition()
        self._stdout_done = False
        env = clean_env()
        env["POPSTORE_STORE"] = str(ps.store)
        argv = [str(ps.binary), "serve", "--store", str(ps.store),
                "--pop3", f"{HOST}:0", "--pop3s", f"{HOST}:0", "--lmtp", f"{HOST}:0", *flags]
        if "--socketmap" not in flags:
            argv += ["--socketmap", f"{HOST}:0"]
        if "--managesieve" not in flags:
            argv += ["--managesieve", f"{HOST}:0"]
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, cwd=str(ps.work))
        self._log_file = open(log_path, "w", encoding="utf-8")
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()
        try:
            self._wait_for_ports()
        except BaseException:
            self._kill()
            raise

    # -- process output ----------------------------------------------------------------
    def _read_stdout(self):
        for raw in self.proc.stdout:
            with self._cond:
                self._stdout_lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._stdout_done = True
            self._cond.notify_all()

    def _read_stderr(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", errors="replace")
            self._log_file.write(line)
            self._log_file.flush()
            with self._cond:
                self._log_lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        self._log_file.close()

    def _ports_seen(self) -> bool:
        for line in self._stdout_lines:
            m = re.fullmatch(r"(pop3s?|lmtp|socketmap|managesieve) 127\.0\.0\.1:(\d+)", line.strip())
            if m and m.group(1) == "pop3":
                self.pop3_port = int(m.group(2))
            elif m and m.group(1) == "pop3s":
                self.pop3s_port = int(m.group(2))
            elif m and m.group(1) == "lmtp":
                self.lmtp_port = int(m.group(2))
            elif m and m.group(1) == "managesieve":
                self.managesieve_port = int(m.group(2))
            elif m:
                self.socketmap_port = int(m.group(2))
        return None not in (self.pop3_port, self.pop3s_port, self.lmtp_port, self.socketmap_port, self.managesieve_port)

    def _wait_for_ports(self):
        with self._cond:
            ok = self._cond.wait_for(lambda: self._ports_seen() or self._stdout_done, timeout=START_TIMEOUT)
            if not ok or not self._ports_seen():
                raise AssertionError(f"popstore serve did not report both listeners within {START_TIMEOUT}s "
                                     f"({self.argv}); stdout: {self._stdout_lines!r}\nlog:\n" + "\n".join(self._log_lines))

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
        for t in self._threads:
            t.join(timeout=STOP_TIMEOUT)

    def stop(self) -> int:
        """SIGTERM; the server must exit 0 within STOP_TIMEOUT seconds."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._kill()
            raise AssertionError(f"popstore serve did not exit within {STOP_TIMEOUT}s of SIGTERM")
        for t in self._threads:
            t.join(timeout=STOP_TIMEOUT)
        assert rc == 0, f"popstore serve exited {rc} after SIGTERM; log:\n{self.log()}"
        return rc

    # -- the log -----------------------------------------------------------------------
    def log(self) -> str:
        with self._cond:
            return "\n".join(self._log_lines)

    def wait_log(self, pattern: str, count: int = 1, timeout: float = IO_TIMEOUT) -> None:
        """Waits until at least `count` log lines match the regular expression."""
        rx = re.compile(pattern)

        def enough():
            return sum(1 for line in self._log_lines if rx.search(line)) >= count

        with self._cond:
            if not self._cond.wait_for(enough, timeout=timeout):
                raise AssertionError(f"no {count} log line(s) matching {pattern!r} within {timeout}s; log:\n"
                                     + "\n".join(self._log_lines))

    # -- clients ---------------------------------------------------------------------
    def lmtp(self, timeout: float = IO_TIMEOUT) -> smtplib.LMTP:
        client = smtplib.LMTP(HOST, self.lmtp_port, timeout=timeout)
        return client

    def pop3(self, timeout: float = IO_TIMEOUT) -> poplib.POP3:
        return poplib.POP3(HOST, self.pop3_port, timeout=timeout)

    def pop3s(self, timeout: float = IO_TIMEOUT, context: ssl.SSLContext | None = None) -> poplib.POP3_SSL:
        return poplib.POP3_SSL(HOST, self.pop3s_port, context=context or insecure_context(), timeout=timeout)

    def login(self, user: str, password: str, tls: bool = False, timeout: float = IO_TIMEOUT) -> poplib.POP3:
        client = self.pop3s(timeout) if tls else self.pop3(timeout)
        client.user(user)
        client.pass_(password)
        return client

    def login_retrying_in_use(self, user: str, password: str, deadline: float = 5.0) -> poplib.POP3:
        """Logs in; an [IN-USE] answer is retried until `deadline` seconds have passed.

        For tests whose subject is not the maildrop lock but which open one session after
        another on the same account (the lock is released an instant after the QUIT reply;
        test_pop3_auth.py checks that strictly)."""
        end = time.monotonic() + deadline
        while True:
            client = self.pop3()
            try:
                client.user(user)
                client.pass_(password)
                return client
            except poplib.error_proto as exc:
                client.close()
                if b"[IN-USE]" not in exc.args[0] or time.monotonic() > end:
                    raise

    def raw(self, tls: bool = False, source: str | None = None, port: int | None = None) -> "RawClient":
        port = port or (self.pop3s_port if tls else self.pop3_port)
        sock = socket.create_connection((HOST, port), timeout=IO_TIMEOUT,
                                        source_address=(source, 0) if source else None)
        if tls:
            sock = insecure_context().wrap_socket(sock)
        return RawClient(sock)


@pytest.fixture
def serve(ps: Popstore, tmp_path: Path) -> Callable[..., Server]:
    """Factory: serve(*flags) starts `popstore serve` on the test's store."""
    servers: list[Server] = []

    def start(*flags: str) -> Server:
        server = Server(ps, flags, tmp_path / f"serve-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    problems = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


# -- clients ----------------------------------------------------------------------------

def insecure_context(maximum: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A TLS client context that does not verify (the server's certificate is self-signed)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if maximum is not None:
        # Let the client itself offer old versions, so that a failure is the server's refusal.
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1_1 is deprecated: that is the point
            ctx.maximum_version = maximum
    return ctx


class RawClient:
    """POP3 by hand over a socket: exact bytes, no client-side cleverness."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def send(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def _fill(self, timeout: float) -> bool:
        self.sock.settimeout(timeout)
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def readline(self, timeout: float = IO_TIMEOUT) -> bytes:
        """The next line without its CRLF; fails on EOF or after `timeout` seconds."""
        end = time.monotonic() + timeout
        while b"\r\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no complete line within {timeout}s (have {self.buf[:200]!r})")
            try:
                if not self._fill(left):
                    raise AssertionError(f"connection closed by the server (have {self.buf[:200]!r})")
            except socket.timeout:
                raise AssertionError(f"no complete line within {timeout}s (have {self.buf[:200]!r})")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def cmd(self, line: bytes | str, timeout: float = IO_TIMEOUT) -> bytes:
        if isinstance(line, str):
            line = line.encode("utf-8")
        self.send(line + b"\r\n")
        return self.readline(timeout)

    def multiline(self, timeout: float = IO_TIMEOUT) -> list[bytes]:
        """The lines of a multi-line answer after its status line, dot-unstuffed."""
        lines = []
        while True:
            line = self.readline(timeout)
            if line == b".":
                return lines
            lines.append(line[1:] if line.startswith(b".") else line)

    def raw_multiline(self, timeout: float = IO_TIMEOUT) -> bytes:
        """The bytes of a multi-line answer as sent (still dot-stuffed), up to and including CRLF.CRLF."""
        end = time.monotonic() + timeout
        while True:
            i = self.buf.find(b"\r\n.\r\n")
            if i >= 0 or self.buf.startswith(b".\r\n"):
                cut = i + 5 if i >= 0 else 3
                data, self.buf = self.buf[:cut], self.buf[cut:]
                return data
            left = end - time.monotonic()
            if left <= 0 or not self._fill(left):
                raise AssertionError("multi-line answer did not end")

    def arrives_within(self, seconds: float) -> bytes:
        """Whatever (else) the server sends within `seconds`, without blocking longer."""
        got = self.buf
        self.buf = b""
        end = time.monotonic() + seconds
        while True:
            if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
                got += self.sock.recv(65536)
                continue
            left = end - time.monotonic()
            if left <= 0:
                return got
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return got
            chunk = self.sock.recv(65536)
            if not chunk:
                return got
            got += chunk

    def closed_by_server(self, timeout: float = IO_TIMEOUT) -> bool:
        """True when the server closes the connection within `timeout` (data before is dropped)."""
        end = time.monotonic() + timeout
        try:
            while time.monotonic() < end:
                self.sock.settimeout(max(0.01, end - time.monotonic()))
                if not self.sock.recv(65536):
                    return True
        except socket.timeout:
            return False
        except (ConnectionResetError, ssl.SSLError, OSError):
            return True
        return False

    def starttls(self) -> None:
        assert self.buf == b"", f"clear-text bytes left before TLS: {self.buf!r}"
        self.sock = insecure_context().wrap_socket(self.sock)

    def login(self, user: str, password: str) -> bytes:
        reply = self.cmd(f"USER {user}")
        if not reply.startswith(b"+OK"):
            return reply
        return self.cmd(f"PASS {password}")

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def greeting(client: RawClient) -> bytes:
    line = client.readline()
    assert line.startswith(b"+OK"), f"greeting: {line!r}"
    return line


def short(client: poplib.POP3, line: str) -> bytes:
    """A command through poplib's raw _shortcmd; returns the reply line, -ERR included."""
    try:
        return client._shortcmd(line)
    except poplib.error_proto as exc:
        return exc.args[0]


def b64(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


# -- store set-up ---------------------------------------------------------------------------

def add_account(ps: Popstore, name: str, password: str, *opts: str) -> None:
    ps.add(name, "--password-stdin", *opts, input=password + "\n")


def deliver(ps: Popstore, account: str, message: bytes) -> str:
    rc, results = ps.deliver([account], message)
    assert rc == 0 and results[0]["result"] == "stored", results
    return results[0]["uid"]


def run_tool(argv: list[str], input: bytes | None = None, timeout: float = CMD_TIMEOUT,
             env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs a client program (curl, openssl, fetchmail) with a time bound."""
    full_env = clean_env()
    if env:
        full_env.update(env)
    return subprocess.run(argv, input=input, capture_output=True, timeout=timeout, env=full_env,
                          cwd=str(cwd) if cwd else None,
                          stdin=subprocess.DEVNULL if input is None else None)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Re-evaluates `predicate` (each evaluation is itself a slow call, e.g. a subprocess)
    until it is true or `timeout` seconds have passed."""
    end = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() > end:
            return False


def ensure_scramp():
    """The `scramp` module (SCRAM client side), installed from PyPI when missing."""
    try:
        return importlib.import_module("scramp")
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "scramp"], check=True,
                       capture_output=True, timeout=300)
        importlib.invalidate_caches()
        return importlib.import_module("scramp")
