"""Bad input: over-long command lines, binary junk and half-sent commands are answered
with -ERR or ignored, and neither end the session's usefulness nor disturb others."""

from __future__ import annotations

from conftest import crlf, make_message
from pop3_server import add_account, deliver, greeting, serve  # noqa: F401

USER = "alice"
PASSWORD = "Bad-input-pw-2a6b"
OTHER = "bob"
OTHER_PW = "Bad-input-pw-9c1d"
MESSAGE = make_message(subject="Still here", body="Body.\n.dot\n")


def setup(ps):
    add_account(ps, USER, PASSWORD)
    add_account(ps, OTHER, OTHER_PW)
    deliver(ps, USER, MESSAGE)
    deliver(ps, OTHER, MESSAGE)


def test_1000_octet_command_line_gets_err_and_the_session_continues(ps, serve):
    setup(ps)
    server = serve()
    raw = server.raw()
    greeting(raw)
    reply = raw.cmd("NOOP " + "x" * 995)  # 1000 octets before CRLF
    assert reply.startswith(b"-ERR"), reply
    assert raw.cmd("NOOP").startswith(b"+OK"), "exactly one -ERR for the long line, then NOOP works"
    reply = raw.cmd("USER " + "a" * 995)
    assert reply.startswith(b"-ERR"), reply
    assert raw.cmd("NOOP").startswith(b"+OK")
    # Logged in, the same.
    assert raw.login(USER, PASSWORD).startswith(b"+OK")
    assert raw.cmd("LIST " + "1" * 995).startswith(b"-ERR")
    assert raw.cmd("STAT") == f"+OK 1 {len(crlf(MESSAGE))}".encode()
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_long_line_in_pieces_and_a_megabyte_without_line_end(ps, serve):
    setup(ps)
    server = serve()
    raw = server.raw()
    greeting(raw)
    raw.send(b"NOOP " + b"y" * 600)
    raw.send(b"y" * 395 + b"\r\n")
    assert raw.readline().startswith(b"-ERR")
    assert raw.cmd("NOOP").startswith(b"+OK"), "one -ERR only for a long line sent in two pieces"
    raw.send(b"z" * (1024 * 1024))
    raw.send(b"\r\nNOOP\r\n")
    assert raw.readline().startswith(b"-ERR")
    assert raw.readline().startswith(b"+OK"), "one -ERR only for a 1 MiB line"
    assert raw.login(USER, PASSWORD).startswith(b"+OK")
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_binary_junk_gets_err_and_others_are_served(ps, serve):
    setup(ps)
    server = serve()
    # A session that is logged in before, during and after the junk.
    bystander = server.login(OTHER, OTHER_PW)
    assert bystander.stat()[0] == 1

    junk = server.raw()
    greeting(junk)
    junk.send(bytes(range(256)) + b"\r\n" + bytes(range(255, -1, -1)) + b"\r\nNOOP\r\n")
    answers = []
    while True:
        line = junk.readline()
        if line.startswith(b"+OK"):
            break
        answers.append(line)
        assert len(answers) < 20, answers
    assert answers, "the junk was not answered"
    assert all(a.startswith(b"-ERR") for a in answers), answers
    # The junk session itself can still log in.
    assert junk.login(USER, PASSWORD).startswith(b"+OK")
    junk.send(b"\x00\xff\xfe\r\n")
    assert junk.readline().startswith(b"-ERR")
    assert junk.cmd("STAT").startswith(b"+OK 1 ")
    junk.close()

    _, lines, _ = bystander.retr(1)
    assert b"".join(line + b"\r\n" for line in lines) == crlf(MESSAGE)
    assert bystander.quit().startswith(b"+OK")
    assert server.proc.poll() is None, "the server died"
    fresh = server.pop3()
    assert fresh.getwelcome().startswith(b"+OK")
    fresh.quit()


def test_invalid_base64_in_sasl_exchange_ends_it(ps, serve):
    """RFC 5034 §4: a response that is not base64 is rejected with -ERR, and that ends the
    AUTH command: the next line is a command again."""
    setup(ps)
    server = serve()
    raw = server.raw()
    greeting(raw)
    assert raw.cmd("AUTH PLAIN").startswith(b"+")
    reply = raw.cmd(b"\x00\x01\xff not base64 \x80")
    assert reply.startswith(b"-ERR"), reply
    assert raw.cmd("NOOP").startswith(b"+OK")
    raw.close()


def test_half_sent_commands_then_close_do_not_disturb_others(ps, serve):
    setup(ps)
    server = serve()
    bystander = server.login(OTHER, OTHER_PW)
    uid_before = [m["uid"] for m in ps.messages(USER)]

    # Half a USER line, then close.
    half = server.raw()
    greeting(half)
    half.send(b"USER ali")
    half.close()
    # Logged in, half a DELE, then close: nothing is deleted.
    half = server.raw()
    greeting(half)
    assert half.login(USER, PASSWORD).startswith(b"+OK")
    half.send(b"DELE 1")
    half.close()
    # Half an AUTH exchange, then close.
    half = server.raw(tls=True)
    greeting(half)
    assert half.cmd("AUTH PLAIN").startswith(b"+")
    half.send(b"AGFsaWNl")
    half.close()
    server.wait_log(r"session closed", count=3)

    assert bystander.noop().startswith(b"+OK")
    _, lines, _ = bystander.retr(1)
    assert b"".join(line + b"\r\n" for line in lines) == crlf(MESSAGE)
    assert bystander.dele(1).startswith(b"+OK")
    assert bystander.quit().startswith(b"+OK")
    assert ps.messages(OTHER) == []
    assert [m["uid"] for m in ps.messages(USER)] == uid_before
