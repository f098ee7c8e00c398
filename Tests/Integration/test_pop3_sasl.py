"""SASL (RFC 5034) and APOP: PLAIN, LOGIN, cancelling, SCRAM-SHA-256 (scramp as the
client), and CRAM-MD5 and APOP with and without the store's legacy-auth setting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import poplib
import shutil

import pytest

from conftest import crlf, make_message
from pop3_server import (HOST, add_account, b64, deliver, ensure_scramp, run_tool, serve,  # noqa: F401
                         short)

USER = "alice"
PASSWORD = "Sasl-pw-81aa"
MESSAGE = make_message(subject="SASL", body="Body for SASL tests.\n")


def setup(ps):
    add_account(ps, USER, PASSWORD)
    deliver(ps, USER, MESSAGE)


def curl(*args: str):
    assert shutil.which("curl"), "curl is needed for these tests"
    proc = run_tool(["curl", "-s", "-S", "-v", "--max-time", "30", *args])
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", errors="replace")


# -- PLAIN and LOGIN ---------------------------------------------------------------------

def test_auth_plain_with_initial_response(ps, serve):
    setup(ps)
    server = serve()
    client = server.pop3()
    reply = short(client, "AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))
    assert reply.startswith(b"+OK"), reply
    assert client.stat()[0] == 1
    client.quit()


def test_auth_plain_without_initial_response(ps, serve):
    setup(ps)
    server = serve()
    client = server.pop3()
    reply = short(client, "AUTH PLAIN")
    assert reply.startswith(b"+"), reply
    reply = short(client, b64(f"\0{USER}\0{PASSWORD}"))
    assert reply.startswith(b"+OK"), reply
    assert client.stat()[0] == 1
    client.quit()


def test_auth_plain_wrong_password(ps, serve):
    setup(ps)
    server = serve()
    client = server.pop3()
    reply = short(client, "AUTH PLAIN " + b64(f"\0{USER}\0not-it"))
    assert reply.startswith(b"-ERR [AUTH]"), reply
    reply = short(client, "AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))
    assert reply.startswith(b"+OK"), reply
    client.quit()


def test_auth_plain_cancelled_with_star(ps, serve):
    setup(ps)
    server = serve()
    client = server.pop3()
    reply = short(client, "AUTH PLAIN")
    assert reply.startswith(b"+"), reply
    reply = short(client, "*")
    assert reply.startswith(b"-ERR"), reply
    # Back in AUTHORIZATION: commands work, and so does a login.
    assert short(client, "NOOP").startswith(b"+OK")
    assert short(client, "STAT").startswith(b"-ERR")
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    client.quit()


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_curl_with_login_options(ps, serve, mechanism):
    setup(ps)
    server = serve()
    rc, out, err = curl("--login-options", f"AUTH={mechanism}", f"pop3://{HOST}:{server.pop3_port}/1",
                        "-u", f"{USER}:{PASSWORD}")
    assert rc == 0, err
    assert f"> AUTH {mechanism}" in err, f"curl did not use AUTH {mechanism}:\n{err}"
    assert out == crlf(MESSAGE)


def test_auth_login_by_hand(ps, serve):
    setup(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    assert raw.cmd("AUTH LOGIN").startswith(b"+ ")
    assert raw.cmd(b64(USER)).startswith(b"+ ")
    reply = raw.cmd(b64(PASSWORD))
    assert reply.startswith(b"+OK"), reply
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


# -- SCRAM-SHA-256 -----------------------------------------------------------------------

def scram_exchange(raw, user: str, password: str, initial: bool):
    """Runs SCRAM-SHA-256; returns (client, reply to the client-final message)."""
    scramp = ensure_scramp()
    client = scramp.ScramClient(["SCRAM-SHA-256"], user, password)
    first = client.get_client_first()
    if initial:
        reply = raw.cmd("AUTH SCRAM-SHA-256 " + b64(first))
    else:
        assert raw.cmd("AUTH SCRAM-SHA-256").startswith(b"+")
        reply = raw.cmd(b64(first))
    assert reply.startswith(b"+ "), reply
    client.set_server_first(base64.b64decode(reply[2:]).decode())
    reply = raw.cmd(b64(client.get_client_final()))
    return client, reply


@pytest.mark.parametrize("initial", [True, False], ids=["initial-response", "no-initial-response"])
def test_scram_sha_256(ps, serve, initial):
    setup(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    client, reply = scram_exchange(raw, USER, PASSWORD, initial)
    # The server-final message comes as a challenge; the client checks the server's
    # signature (scramp raises if it is wrong) and answers with an empty line.
    assert reply.startswith(b"+ "), reply
    client.set_server_final(base64.b64decode(reply[2:]).decode())
    reply = raw.cmd("")
    assert reply.startswith(b"+OK"), reply
    assert raw.cmd("STAT").startswith(b"+OK 1 ")
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_scram_sha_256_wrong_password(ps, serve):
    setup(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    _, reply = scram_exchange(raw, USER, "wrong-password", initial=True)
    assert reply.startswith(b"-ERR [AUTH]"), reply
    assert raw.cmd("NOOP").startswith(b"+OK")
    raw.close()


def test_scram_sha_256_unknown_user_looks_like_a_wrong_password(ps, serve):
    setup(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    _, reply = scram_exchange(raw, "nosuchuser", "whatever", initial=True)
    assert reply.startswith(b"-ERR [AUTH]"), reply
    raw.close()


# -- CRAM-MD5 and APOP ---------------------------------------------------------------------

def legacy_setup(ps):
    add_account(ps, "early", PASSWORD)  # password set before legacy-auth: no sealed secret
    ps.ok("store", "set", "legacy-auth", "on")
    setup(ps)
    assert ps.show(USER)["password"]["legacySecret"] is True
    assert ps.show("early")["password"]["legacySecret"] is False


def cram_md5(raw, user: str, password: str) -> bytes:
    challenge = raw.cmd("AUTH CRAM-MD5")
    assert challenge.startswith(b"+ "), challenge
    text = base64.b64decode(challenge[2:])
    digest = hmac.new(password.encode(), text, hashlib.md5).hexdigest()
    return raw.cmd(b64(f"{user} {digest}"))


def test_cram_md5_with_legacy_auth(ps, serve):
    legacy_setup(ps)
    server = serve()
    client = server.pop3()
    assert "CRAM-MD5" in client.capa()["SASL"]
    client.quit()
    raw = server.raw()
    raw.readline()
    assert cram_md5(raw, USER, "wrong").startswith(b"-ERR [AUTH]")
    reply = cram_md5(raw, USER, PASSWORD)
    assert reply.startswith(b"+OK"), reply
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_cram_md5_with_curl(ps, serve):
    legacy_setup(ps)
    server = serve()
    rc, out, err = curl("--login-options", "AUTH=CRAM-MD5", f"pop3://{HOST}:{server.pop3_port}/1",
                        "-u", f"{USER}:{PASSWORD}")
    assert rc == 0, err
    assert "> AUTH CRAM-MD5" in err, err
    assert out == crlf(MESSAGE)


def test_apop_with_legacy_auth(ps, serve):
    legacy_setup(ps)
    server = serve()
    client = server.pop3()
    assert b"<" in client.getwelcome() and b">" in client.getwelcome(), client.getwelcome()
    with pytest.raises(poplib.error_proto) as info:
        client.apop(USER, "wrong")
    assert info.value.args[0].startswith(b"-ERR [AUTH]")
    assert client.apop(USER, PASSWORD).startswith(b"+OK")
    assert client.stat()[0] == 1
    client.quit()


def test_legacy_mechanisms_need_a_password_set_under_legacy_auth(ps, serve):
    legacy_setup(ps)
    server = serve()
    client = server.pop3()
    with pytest.raises(poplib.error_proto) as info:
        client.apop("early", PASSWORD)
    assert info.value.args[0].startswith(b"-ERR [AUTH]")
    client.quit()
    raw = server.raw()
    raw.readline()
    assert cram_md5(raw, "early", PASSWORD).startswith(b"-ERR [AUTH]")
    raw.close()


def test_no_cram_md5_or_apop_without_legacy_auth(ps, serve):
    setup(ps)
    server = serve()
    client = server.pop3()
    welcome = client.getwelcome()
    assert b"<" not in welcome, f"APOP timestamp offered without legacy auth: {welcome!r}"
    assert "CRAM-MD5" not in client.capa()["SASL"]
    reply = short(client, "AUTH CRAM-MD5")
    assert reply.startswith(b"-ERR"), reply
    digest = hashlib.md5(b"<1.2@popstore>" + PASSWORD.encode()).hexdigest()
    reply = short(client, f"APOP {USER} {digest}")
    assert reply.startswith(b"-ERR"), reply
    # Nothing is broken: the ordinary login works.
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    client.quit()
