"""Shared helpers for the Popstore command-line integration tests.

The tests drive the real `popstore` executable. It is found from the environment
variable POPSTORE_BIN, else at <repo>/.build/debug/popstore. When it is missing, every
test fails (it does not skip): a missing binary is a broken build, not an optional part.

Each test gets its own store under pytest's tmp_path:

    tmp_path/store   the store (POPSTORE_STORE points here)
    tmp_path/work    the working directory of every command run, so a relative path
                     that escapes would land inside tmp_path where a test can see it
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".build" / "debug" / "popstore"
DOMAIN = "example.com"
TIMEOUT = 120


def binary_path() -> Path:
    env = os.environ.get("POPSTORE_BIN")
    return Path(env) if env else DEFAULT_BIN


def clean_env() -> dict[str, str]:
    """The caller's environment without any POPSTORE_* variable leaking in."""
    return {k: v for k, v in os.environ.items() if not k.startswith("POPSTORE_")}


class Result:
    """What one run of the binary gave back."""

    def __init__(self, args: list[str], proc: subprocess.CompletedProcess):
        self.args = args
        self.rc = proc.returncode
        self.out_bytes: bytes = proc.stdout
        self.err_bytes: bytes = proc.stderr
        self.out = proc.stdout.decode("utf-8", errors="replace")
        self.err = proc.stderr.decode("utf-8", errors="replace")

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as exc:  # pragma: no cover - diagnostic path
            raise AssertionError(f"stdout of {self.args} is not JSON ({exc}):\n{self.out}\nstderr:\n{self.err}")

    def __repr__(self) -> str:
        return f"<popstore {' '.join(self.args)} rc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def assert_error(res: Result, contains: str | None = None) -> str:
    """The contract for every failure: non-zero exit, one stderr line starting `error: `."""
    assert res.rc != 0, f"expected failure: {res!r}"
    lines = [line for line in res.err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one error line on stderr: {res!r}"
    assert lines[0].startswith("error: "), f"error line must start with 'error: ': {res!r}"
    if contains is not None:
        assert contains.lower() in lines[0].lower(), f"expected {contains!r} in the error line: {res!r}"
    return lines[0]


def crlf(data: bytes) -> bytes:
    """What a POP3 client receives for `data`: every line end CRLF, a CRLF after the last line."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join(line + b"\r\n" for line in lines)


def make_message(subject: str = "Hi", body: str = "Hello.\n", sender: str = "sender@example.net",
                 message_id: str | None = None, extra_headers: str = "") -> bytes:
    """An RFC 5322 message with LF line ends, as an MTA might pipe it."""
    headers = f"From: {sender}\nTo: someone@example.com\nSubject: {subject}\n"
    if message_id:
        headers += f"Message-ID: {message_id}\n"
    headers += extra_headers
    return (headers + "\n" + body).encode("utf-8")


def header_value(message: bytes, name: str) -> list[str]:
    """All values of header `name` in the header section of `message`."""
    head = re.split(rb"\r?\n\r?\n", message, maxsplit=1)[0].decode("utf-8", errors="replace")
    return [m.group(1).strip() for m in re.finditer(rf"(?im)^{re.escape(name)}:[ \t]*(.*?)\r?$", head)]


def drop_entries(volume_path: Path) -> list[Path]:
    """Maildrop entries of one volume: regular files under drop/ not named `.*`."""
    root = Path(volume_path) / "drop"
    found = []
    if not root.exists():
        return found
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            if stat.S_ISREG(p.lstat().st_mode):
                found.append(p)
    return found


def tree_listing(root: Path, exclude: Path) -> set[str]:
    """Every path under root (files and directories), relative, except under `exclude`."""
    out = set()
    exclude = exclude.resolve()
    for dirpath, dirs, files in os.walk(root):
        here = Path(dirpath)
        dirs[:] = [d for d in dirs if (here / d).resolve() != exclude]
        for name in dirs + files:
            out.add(str((here / name).relative_to(root)))
    return out


class Popstore:
    """Runs the popstore binary against one store."""

    def __init__(self, binary: Path, tmp_path: Path, store: Path | None = None):
        self.binary = binary
        self.tmp_path = tmp_path
        self.store = store or (tmp_path / "store")
        self.work = tmp_path / "work"
        self.work.mkdir(exist_ok=True)

    # -- running ---------------------------------------------------------------------
    def run(self, *args: str, input: bytes | str | None = None, password: str | None = None,
            new_password: str | None = None, env: dict[str, str] | None = None,
            explicit_store: bool = False, use_env_store: bool = True, cwd: Path | None = None) -> Result:
        argv = [str(a) for a in args]
        if explicit_store:
            argv += ["--store", str(self.store)]
        full_env = clean_env()
        if use_env_store:
            full_env["POPSTORE_STORE"] = str(self.store)
        if password is not None:
            full_env["POPSTORE_PASSWORD"] = password
        if new_password is not None:
            full_env["POPSTORE_NEW_PASSWORD"] = new_password
        if env:
            full_env.update(env)
        if isinstance(input, str):
            input = input.encode("utf-8")
        kwargs = dict(capture_output=True, timeout=TIMEOUT, env=full_env, cwd=str(cwd or self.work))
        if input is None:
            kwargs["stdin"] = subprocess.DEVNULL
        else:
            kwargs["input"] = input
        proc = subprocess.run([str(self.binary), *argv], **kwargs)
        return Result(argv, proc)

    def popen(self, *args: str, **kw) -> subprocess.Popen:
        """Start the binary without waiting (stdin, stdout, stderr are pipes); --store given explicitly."""
        env = clean_env()
        env["POPSTORE_STORE"] = str(self.store)
        argv = [str(self.binary), *[str(a) for a in args], "--store", str(self.store)]
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=str(self.work), **kw)

    def ok(self, *args: str, **kw) -> Result:
        res = self.run(*args, **kw)
        assert res.rc == 0, f"expected success: {res!r}"
        return res

    def fail(self, *args: str, contains: str | None = None, **kw) -> Result:
        res = self.run(*args, **kw)
        assert_error(res, contains)
        return res

    def json(self, *args: str, **kw):
        return self.ok(*args, "--json", **kw).json()

    # -- shortcuts ---------------------------------------------------------------------
    def init(self, domain: str = DOMAIN) -> None:
        self.ok("init", "--domain", domain)
        self.ok("store", "set", "password-hash-cost", "10")

    def add(self, name: str, *opts: str, **kw) -> Result:
        return self.ok("account", "add", name, *opts, **kw)

    def show(self, name: str, **kw) -> dict:
        return self.json("account", "show", name, **kw)

    def accounts(self, *pattern: str, **kw) -> list[dict]:
        return self.json("account", "list", *pattern, **kw)

    def addresses(self, *pattern: str, **kw) -> list[str]:
        return [a["address"] for a in self.accounts(*pattern, **kw)]

    def deliver(self, recipients: list[str], message: bytes, *opts: str) -> tuple[int, list[dict]]:
        res = self.run("message", "add", "--to", ",".join(recipients), *opts, "--json", input=message)
        return res.rc, res.json()

    def messages(self, account: str) -> list[dict]:
        return self.json("message", "list", account)

    def message_bytes(self, account: str, uid: str) -> bytes:
        return self.ok("message", "show", account, uid).out_bytes

    @property
    def default_volume(self) -> Path:
        return self.store / "volumes" / "default"


@pytest.fixture(scope="session")
def popstore_bin() -> Path:
    path = binary_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"popstore binary not found or not executable at {path} "
                    f"(run `swift build` or set POPSTORE_BIN)", pytrace=False)
    return path


@pytest.fixture
def bare(popstore_bin: Path, tmp_path: Path) -> Popstore:
    """A runner whose store directory does not exist yet."""
    return Popstore(popstore_bin, tmp_path)


@pytest.fixture
def ps(bare: Popstore) -> Popstore:
    """A fresh store with default domain example.com and cheap password hashing."""
    bare.init()
    return bare
