"""TLS: POP3S and STLS with poplib, curl and openssl s_client; CAPA after STLS; old TLS
versions refused; and the STARTTLS command injection of RFC 2595 §2.2 / CVE-2011-0411."""

from __future__ import annotations

import shutil
import socket
import ssl

import pytest

from conftest import crlf, make_message
from pop3_server import (HOST, add_account, deliver, insecure_context, run_tool,  # noqa: F401
                         serve)

USER = "alice"
PASSWORD = "Tls-pw-0b7d"
MESSAGE = make_message(subject="Over TLS", body="Secret body line.\n.dotted line\nEnd.\n")


@pytest.fixture
def server(ps, serve):
    add_account(ps, USER, PASSWORD)
    deliver(ps, USER, MESSAGE)
    return serve()


def received(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def curl(*args: str) -> tuple[int, bytes, str]:
    assert shutil.which("curl"), "curl is needed for these tests"
    proc = run_tool(["curl", "-s", "-S", "--max-time", "30", *args])
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace")


def openssl(*args: str, input: bytes) -> tuple[int, bytes, str]:
    assert shutil.which("openssl"), "openssl is needed for these tests"
    proc = run_tool(["openssl", "s_client", *args], input=input)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace")


# -- POP3S -------------------------------------------------------------------------------

def test_pop3s_with_poplib(server):
    client = server.pop3s()
    assert client.getwelcome().startswith(b"+OK")
    capa = client.capa()
    assert "STLS" not in capa, f"STLS offered on a TLS connection: {capa}"
    assert "USER" in capa
    client.user(USER)
    client.pass_(PASSWORD)
    _, lines, octets = client.retr(1)
    assert received(lines) == crlf(MESSAGE)
    assert octets == len(crlf(MESSAGE))
    assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
    client.quit()


def test_pop3s_with_curl(server):
    rc, out, err = curl("-k", f"pop3s://{HOST}:{server.pop3s_port}/1", "-u", f"{USER}:{PASSWORD}")
    assert rc == 0, err
    assert out == crlf(MESSAGE)


def test_pop3s_with_openssl_s_client(server):
    commands = f"USER {USER}\nPASS {PASSWORD}\nSTAT\nQUIT\n".encode()
    rc, out, err = openssl("-connect", f"{HOST}:{server.pop3s_port}", "-quiet", "-crlf", input=commands)
    assert rc == 0, err
    lines = out.split(b"\r\n")
    assert lines[0].startswith(b"+OK"), out
    assert f"+OK 1 {len(crlf(MESSAGE))}".encode() in lines, out
    assert any(line.startswith(b"+OK") for line in lines[-2:]), out


# -- STLS -------------------------------------------------------------------------------

def test_stls_with_poplib_and_capa_after_it(server):
    client = server.pop3()
    before = client.capa()
    assert "STLS" in before
    assert client.stls(context=insecure_context()).startswith(b"+OK")
    after = client.capa()
    assert "STLS" not in after, f"STLS still offered after STLS: {after}"
    assert "USER" in after and "SASL" in after
    client.user(USER)
    client.pass_(PASSWORD)
    _, lines, _ = client.retr(1)
    assert received(lines) == crlf(MESSAGE)
    client.quit()


def test_stls_twice_is_refused(server):
    raw = server.raw()
    raw.readline()
    assert raw.cmd("STLS").startswith(b"+OK")
    raw.starttls()
    assert raw.cmd("STLS").startswith(b"-ERR")
    assert raw.cmd("NOOP").startswith(b"+OK")
    raw.close()


def test_stls_not_offered_or_accepted_on_pop3s(server):
    raw = server.raw(tls=True)
    raw.readline()
    assert raw.cmd("STLS").startswith(b"-ERR")
    assert raw.cmd("NOOP").startswith(b"+OK")
    raw.close()


def test_stls_with_curl(server):
    rc, out, err = curl("-k", "--ssl-reqd", f"pop3://{HOST}:{server.pop3_port}/1", "-u", f"{USER}:{PASSWORD}")
    assert rc == 0, err
    assert out == crlf(MESSAGE)


def test_stls_with_openssl_s_client(server):
    commands = f"CAPA\nUSER {USER}\nPASS {PASSWORD}\nSTAT\nQUIT\n".encode()
    rc, out, err = openssl("-starttls", "pop3", "-connect", f"{HOST}:{server.pop3_port}", "-quiet", "-crlf",
                           input=commands)
    assert rc == 0, err
    lines = out.split(b"\r\n")
    assert b"STLS" not in lines, out
    assert b"USER" in lines, out
    assert f"+OK 1 {len(crlf(MESSAGE))}".encode() in lines, out


# -- old TLS versions ----------------------------------------------------------------------

def test_tls_1_1_client_fails_the_handshake(server):
    for port, starttls in ((server.pop3s_port, False), (server.pop3_port, True)):
        sock = socket.create_connection((HOST, port), timeout=20)
        if starttls:
            f = sock.makefile("rb")
            assert f.readline().startswith(b"+OK")
            sock.sendall(b"STLS\r\n")
            assert f.readline().startswith(b"+OK")
        with pytest.raises(ssl.SSLError):
            insecure_context(maximum=ssl.TLSVersion.TLSv1_1).wrap_socket(sock)
        sock.close()
    # The same client context allowed TLS 1.2 works: the version was what failed.
    sock = socket.create_connection((HOST, server.pop3s_port), timeout=20)
    tls = insecure_context(maximum=ssl.TLSVersion.TLSv1_2).wrap_socket(sock)
    assert tls.version() == "TLSv1.2"
    tls.close()


def test_tls_1_1_with_openssl_s_client_fails(server):
    rc, out, err = openssl("-connect", f"{HOST}:{server.pop3s_port}", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0",
                           input=b"QUIT\n")
    assert rc != 0, f"TLS 1.1 handshake succeeded:\n{out!r}\n{err}"
    assert b"+OK" not in out
    rc, out, err = openssl("-connect", f"{HOST}:{server.pop3s_port}", "-tls1_2", "-quiet", "-crlf",
                           input=b"QUIT\n")
    assert rc == 0 and out.startswith(b"+OK"), err


# -- STARTTLS command injection ----------------------------------------------------------

def test_commands_pipelined_after_stls_are_discarded(server):
    raw = server.raw()
    raw.readline()
    raw.send(b"STLS\r\nCAPA\r\n")  # one write: CAPA is injected in clear text
    assert raw.readline().startswith(b"+OK"), "STLS"
    extra = raw.arrives_within(1.0)
    assert extra == b"", f"the server answered the injected command in clear text: {extra!r}"
    raw.starttls()
    raw.send(b"CAPA\r\n")
    first = raw.readline()
    assert first.startswith(b"+OK"), first
    lines = raw.multiline()
    assert b"STLS" not in lines and b"USER" in lines, lines
    # Had the injected CAPA been run, a second capability list would come now instead
    # of the answer to NOOP.
    noop = raw.cmd("NOOP")
    assert noop.startswith(b"+OK") and noop != first, f"a second CAPA answer: {noop!r}"
    assert raw.arrives_within(0.5) == b""
    raw.close()


def test_partial_line_before_stls_is_discarded_too(server):
    """A partial command line sent with STLS must not be completed by bytes sent over TLS."""
    raw = server.raw()
    raw.readline()
    raw.send(b"STLS\r\nUSER inj")  # one write
    assert raw.readline().startswith(b"+OK")
    assert raw.arrives_within(0.5) == b""
    raw.starttls()
    reply = raw.cmd("ected")
    assert reply.startswith(b"-ERR"), f"'USER inj' + 'ected' was taken as a command: {reply!r}"
    reply = raw.cmd("PASS whatever")
    assert reply.startswith(b"-ERR") and b"[AUTH]" not in reply, reply
    raw.close()
