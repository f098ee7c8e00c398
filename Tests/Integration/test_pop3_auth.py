"""Who may log in: wrong passwords, unknown users, DISUSER, one session per maildrop
([IN-USE], within one server and across two servers on one store), and clear-text
passwords refused without TLS under --no-plaintext-on-loopback."""

from __future__ import annotations

import poplib

import pytest

from conftest import make_message
from pop3_server import add_account, b64, deliver, insecure_context, serve, short  # noqa: F401

USER = "alice"
PASSWORD = "Auth-pw-5c2e"


def failed_login(client: poplib.POP3, user: str, password: str) -> bytes:
    """Reply to USER+PASS that must fail; returns the -ERR line."""
    reply = client.user(user)
    assert reply.startswith(b"+OK"), reply
    with pytest.raises(poplib.error_proto) as info:
        client.pass_(password)
    return info.value.args[0]


def test_wrong_password_and_unknown_user_get_the_same_reply(ps, serve):
    add_account(ps, USER, PASSWORD)
    server = serve()
    client = server.pop3()
    wrong = failed_login(client, USER, "wrong-password")
    assert wrong.startswith(b"-ERR [AUTH]"), wrong
    unknown = failed_login(client, "nosuchuser", "wrong-password")
    assert unknown == wrong, f"unknown user {unknown!r} vs wrong password {wrong!r}"
    unknown_domain = failed_login(client, "nobody@example.org", "wrong-password")
    assert unknown_domain == wrong
    # The session goes on: the right password still works.
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    client.quit()


def test_disuser_account_is_refused_with_the_right_password(ps, serve):
    add_account(ps, USER, PASSWORD)
    add_account(ps, "blocked", PASSWORD, "--flags", "DISUSER")
    server = serve()
    client = server.pop3()
    reply = failed_login(client, "blocked", PASSWORD)
    assert reply.startswith(b"-ERR [AUTH]"), reply
    wrong = failed_login(client, USER, "wrong-password")
    assert reply == wrong, "a disabled account must look like a wrong password"
    # Nor by SASL PLAIN.
    plain = short(client, "AUTH PLAIN " + b64(f"\0blocked\0{PASSWORD}"))
    assert plain.startswith(b"-ERR [AUTH]"), plain
    client.quit()


def test_second_session_gets_in_use_until_the_first_quits(ps, serve):
    add_account(ps, USER, PASSWORD)
    deliver(ps, USER, make_message())
    server = serve()
    first = server.login(USER, PASSWORD)
    assert first.stat()[0] == 1

    second = server.pop3()
    second.user(USER)
    with pytest.raises(poplib.error_proto) as info:
        second.pass_(PASSWORD)
    assert b"[IN-USE]" in info.value.args[0], info.value.args[0]
    # The first session is not disturbed.
    assert first.stat()[0] == 1
    assert first.quit().startswith(b"+OK")
    server.wait_log(r"session closed")

    # The same (second) connection may now log in.
    assert second.user(USER).startswith(b"+OK")
    assert second.pass_(PASSWORD).startswith(b"+OK")
    assert second.stat()[0] == 1
    second.quit()


def test_login_right_after_quit_is_never_in_use(ps, serve):
    """A client that got +OK to QUIT and logs in again at once (fetchmail run twice,
    a client's "check again") must not be told the maildrop is in use."""
    add_account(ps, USER, PASSWORD)
    server = serve()
    refused = []
    current = server.login(USER, PASSWORD)
    for attempt in range(300):
        # The next client is connected and has said USER before the current one quits,
        # so that its PASS reaches the server right after the QUIT reply.
        following = server.pop3()
        assert following.user(USER).startswith(b"+OK")
        assert current.quit().startswith(b"+OK")
        try:
            following.pass_(PASSWORD)
        except poplib.error_proto as exc:
            refused.append((attempt, exc.args[0]))
            following.quit()
            current = server.login_retrying_in_use(USER, PASSWORD)
            continue
        current = following
    current.quit()
    assert not refused, f"{len(refused)} of 300 logins right after a QUIT were refused, e.g. {refused[:3]}"


def test_two_servers_on_one_store_share_the_maildrop_lock(ps, serve):
    add_account(ps, USER, PASSWORD)
    deliver(ps, USER, make_message())
    a = serve()
    b = serve()
    assert a.pop3_port != b.pop3_port
    first = a.login(USER, PASSWORD)
    second = b.pop3()
    second.user(USER)
    with pytest.raises(poplib.error_proto) as info:
        second.pass_(PASSWORD)
    assert b"[IN-USE]" in info.value.args[0], info.value.args[0]
    # And the other way round: a session on the second server holds the lock for the first.
    assert first.quit().startswith(b"+OK")
    a.wait_log(r"session closed")
    held = b.login_retrying_in_use(USER, PASSWORD)
    third = a.pop3()
    third.user(USER)
    with pytest.raises(poplib.error_proto) as info:
        third.pass_(PASSWORD)
    assert b"[IN-USE]" in info.value.args[0], info.value.args[0]
    third.quit()
    held.quit()
    second.quit()


def test_plaintext_refused_without_tls_when_configured(ps, serve):
    add_account(ps, USER, PASSWORD)
    deliver(ps, USER, make_message())
    server = serve("--no-plaintext-on-loopback")
    client = server.pop3()
    capa = client.capa()
    assert "USER" not in capa, capa
    assert "STLS" in capa, capa
    sasl = capa.get("SASL", [])
    assert "PLAIN" not in sasl and "LOGIN" not in sasl, capa
    assert "SCRAM-SHA-256" in sasl, capa

    reply = short(client, f"USER {USER}")
    assert reply.startswith(b"-ERR [AUTH]"), reply
    reply = short(client, f"PASS {PASSWORD}")
    assert reply.startswith(b"-ERR"), reply
    reply = short(client, "AUTH PLAIN " + b64(f"\0{USER}\0{PASSWORD}"))
    assert reply.startswith(b"-ERR"), reply
    reply = short(client, "AUTH LOGIN")
    assert reply.startswith(b"-ERR"), reply

    assert client.stls(context=insecure_context()).startswith(b"+OK")
    capa = client.capa()
    assert "USER" in capa and "PLAIN" in capa.get("SASL", []), capa
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    assert client.stat()[0] == 1
    client.quit()


def test_plaintext_allowed_on_pop3s_when_configured_off_for_loopback(ps, serve):
    add_account(ps, USER, PASSWORD)
    server = serve("--no-plaintext-on-loopback")
    client = server.pop3s()
    capa = client.capa()
    assert "USER" in capa and "PLAIN" in capa.get("SASL", []), capa
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    client.quit()
