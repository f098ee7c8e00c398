"""POP3 basics with Python's poplib: greeting, CAPA, login, STAT/LIST/RETR/TOP/UIDL,
DELE with QUIT, RSET and a dropped connection, the retrieved mark and the accounting."""

from __future__ import annotations

import poplib

from conftest import Popstore, crlf, make_message
from pop3_server import add_account, deliver, serve, wait_until  # noqa: F401  (serve is a fixture)

USER = "alice"
PASSWORD = "Basics-pw-93f1"

# LF-only input, lines starting with ".", a line that is only ".", no LF after the last line.
DOTS = make_message(subject="Dots", body=".leading dot line\nSecond line\n.\n..two dots\nlast line without newline")
# CRLF input.
CRLF_MSG = (b"From: b@example.net\r\nTo: someone@example.com\r\nSubject: Second\r\n\r\n"
            b"Line one\r\nLine two\r\nLine three\r\n")
# LF input, a longer header section.
PLAIN = make_message(subject="Third", body="Just text.\nMore text.\n",
                     extra_headers="X-Extra: one\nX-Other: two\n", message_id="<third@example.net>")
MESSAGES = [DOTS, CRLF_MSG, PLAIN]


def setup_store(ps: Popstore) -> list[str]:
    add_account(ps, USER, PASSWORD)
    return [deliver(ps, USER, m) for m in MESSAGES]


def received(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def test_greeting_and_capabilities(ps, serve):
    setup_store(ps)
    server = serve()
    client = server.pop3()
    assert client.getwelcome().startswith(b"+OK")
    capa = client.capa()
    for name in ["TOP", "UIDL", "USER", "SASL", "STLS", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE",
                 "IMPLEMENTATION"]:
        assert name in capa, f"CAPA lacks {name}: {capa}"
    for mechanism in ["SCRAM-SHA-256", "PLAIN", "LOGIN"]:
        assert mechanism in capa["SASL"], f"SASL lacks {mechanism}: {capa}"
    assert capa["IMPLEMENTATION"], "IMPLEMENTATION names the server"
    client.quit()


def test_login_and_sizes_match_what_the_client_receives(ps, serve):
    setup_store(ps)
    server = serve()
    client = server.pop3()
    assert client.user(USER).startswith(b"+OK")
    assert client.pass_(PASSWORD).startswith(b"+OK")
    count, total = client.stat()
    assert count == 3
    _, listing, _ = client.list()
    sizes = {int(n): int(s) for n, s in (line.split() for line in listing)}
    assert sorted(sizes) == [1, 2, 3]
    received_total = 0
    for number, original in enumerate(MESSAGES, start=1):
        _, lines, octets = client.retr(number)
        assert octets == sizes[number], f"LIST {number} says {sizes[number]}, poplib received {octets} octets"
        assert len(received(lines)) == sizes[number]
        assert sizes[number] == len(crlf(original))
        received_total += octets
        single = client.list(number)
        assert single.split()[1:] == [str(number).encode(), str(sizes[number]).encode()]
    assert total == received_total
    listed = {m["number"]: m["size"] for m in ps.messages(USER)}
    assert listed == sizes
    client.quit()


def test_retr_gives_the_message_with_crlf_and_no_dot_stuffing(ps, serve):
    setup_store(ps)
    server = serve()
    client = server.login(USER, PASSWORD)
    for number, original in enumerate(MESSAGES, start=1):
        _, lines, _ = client.retr(number)
        assert received(lines) == crlf(original), f"message {number} differs"
    client.quit()


def test_retr_on_the_wire_is_dot_stuffed(ps, serve):
    setup_store(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    assert raw.login(USER, PASSWORD).startswith(b"+OK")
    assert raw.cmd("RETR 1").startswith(b"+OK")
    wire = raw.raw_multiline()
    assert b"\r\n..leading dot line\r\n" in wire
    assert b"\r\n..\r\n" in wire, "a line that is only '.' must be sent as '..'"
    assert b"\r\n...two dots\r\n" in wire
    assert wire.endswith(b"last line without newline\r\n.\r\n")
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_top(ps, serve):
    setup_store(ps)
    server = serve()
    client = server.login(USER, PASSWORD)
    for number, original in enumerate(MESSAGES, start=1):
        data = crlf(original)
        head, body = data.split(b"\r\n\r\n", 1)
        body_lines = body.split(b"\r\n")
        _, lines0, _ = client.top(number, 0)
        assert received(lines0) == head + b"\r\n\r\n", f"TOP {number} 0"
        _, lines2, _ = client.top(number, 2)
        assert received(lines2) == head + b"\r\n\r\n" + b"".join(line + b"\r\n" for line in body_lines[:2]), \
            f"TOP {number} 2"
    client.quit()


def test_uidl_is_stable_and_matches_message_list(ps, serve):
    uids = setup_store(ps)
    server = serve()
    client = server.login(USER, PASSWORD)
    _, first, _ = client.uidl()
    assert client.uidl(2).split()[1:] == [b"2", uids[1].encode()]
    client.quit()

    client = server.login_retrying_in_use(USER, PASSWORD)
    _, second, _ = client.uidl()
    client.quit()

    assert first == second
    pop_uids = {int(n): u.decode() for n, u in (line.split() for line in first)}
    assert pop_uids == {m["number"]: m["uid"] for m in ps.messages(USER)}
    assert [pop_uids[n] for n in (1, 2, 3)] == uids


def test_dele_then_quit_removes(ps, serve):
    uids = setup_store(ps)
    server = serve()
    client = server.login(USER, PASSWORD)
    assert client.dele(2).startswith(b"+OK")
    assert client.stat()[0] == 2
    assert client.quit().startswith(b"+OK")
    assert [m["uid"] for m in ps.messages(USER)] == [uids[0], uids[2]]


def test_dele_then_rset_then_quit_removes_nothing(ps, serve):
    uids = setup_store(ps)
    server = serve()
    client = server.login(USER, PASSWORD)
    client.dele(1)
    client.dele(3)
    assert client.stat()[0] == 1
    assert client.rset().startswith(b"+OK")
    assert client.stat()[0] == 3
    assert client.quit().startswith(b"+OK")
    assert [m["uid"] for m in ps.messages(USER)] == uids


def test_dele_then_dropped_connection_removes_nothing(ps, serve):
    uids = setup_store(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    assert raw.login(USER, PASSWORD).startswith(b"+OK")
    assert raw.cmd("DELE 1").startswith(b"+OK")
    assert raw.cmd("DELE 2").startswith(b"+OK")
    raw.close()  # no QUIT
    server.wait_log(r"session closed")
    assert [m["uid"] for m in ps.messages(USER)] == uids
    client = server.login_retrying_in_use(USER, PASSWORD)
    assert client.stat()[0] == 3
    client.quit()


def test_retrieved_mark_after_quit(ps, serve):
    uids = setup_store(ps)
    server = serve()
    assert [m["retrieved"] for m in ps.messages(USER)] == [False, False, False]
    client = server.login(USER, PASSWORD)
    client.retr(2)
    client.top(3, 0)  # TOP is not a retrieval
    assert client.quit().startswith(b"+OK")
    marks = {m["uid"]: m["retrieved"] for m in ps.messages(USER)}
    assert marks == {uids[0]: False, uids[1]: True, uids[2]: False}


def test_accounting_counts_connections_and_retrievals(ps, serve):
    setup_store(ps)
    server = serve()
    before = ps.show(USER)["accounting"]
    sizes = {m["number"]: m["size"] for m in ps.messages(USER)}

    client = server.login(USER, PASSWORD)
    client.retr(1)
    client.retr(3)
    client.top(2, 0)
    assert client.quit().startswith(b"+OK")

    def accounted(connections, retrieved, nbytes):
        def check():
            acc = ps.show(USER)["accounting"]
            return (acc["connections"] == connections and acc["messagesRetrieved"] == retrieved
                    and acc["bytesRetrieved"] == nbytes)
        return check

    expect_bytes = before["bytesRetrieved"] + sizes[1] + sizes[3]
    assert wait_until(accounted(before["connections"] + 1, before["messagesRetrieved"] + 2, expect_bytes)), \
        f"accounting after one session with two RETR: {ps.show(USER)['accounting']} (before: {before})"

    client = server.login_retrying_in_use(USER, PASSWORD)
    client.stat()
    assert client.quit().startswith(b"+OK")
    assert wait_until(accounted(before["connections"] + 2, before["messagesRetrieved"] + 2, expect_bytes)), \
        f"accounting after a second session without RETR: {ps.show(USER)['accounting']} (before: {before})"


def test_accounting_waits_for_its_interval_and_a_graceful_shutdown_writes_it(ps, serve, tmp_path):
    """pop3.accounting-interval: a session's figures wait in memory (here for 300 s),
    and SIGTERM writes them before the server exits: nothing is lost to a clean stop."""
    setup_store(ps)
    config = tmp_path / "accounting.toml"
    config.write_text("[pop3]\naccounting-interval = 300\n")
    server = serve("--config", str(config))
    before = ps.show(USER)["accounting"]
    size = {m["number"]: m["size"] for m in ps.messages(USER)}[1]
    client = server.login(USER, PASSWORD)
    client.retr(1)
    assert client.quit().startswith(b"+OK")
    assert ps.show(USER)["accounting"]["connections"] == before["connections"], \
        "with a 300 s interval the session is not written yet"
    server.stop()
    after = ps.show(USER)["accounting"]
    assert (after["connections"], after["messagesRetrieved"], after["bytesRetrieved"]) == \
        (before["connections"] + 1, before["messagesRetrieved"] + 1, before["bytesRetrieved"] + size), after


def test_downloads_in_any_order_get_every_message_and_leave_no_descriptor_open(ps, serve):
    """RETR opens the next messages ahead of a sequential download: every order of RETRs
    must still get each message whole, over plain and TLS connections, and files opened
    ahead but never asked for are closed when the session ends (QUIT or a dropped
    connection)."""
    add_account(ps, USER, PASSWORD)
    bodies = [make_message(subject=f"Message {n}", body=f"Body of message {n}.\n" + ("x" * 70 + "\n") * (n * 10))
              for n in range(1, 13)]
    for body in bodies:
        deliver(ps, USER, body)
    server = serve()
    fd_dir = f"/proc/{server.proc.pid}/fd"

    def descriptors() -> int:
        import os
        return len(os.listdir(fd_dir))

    def fetch(order: list[int], tls: bool = False, quit: bool = True) -> None:
        # A session dropped without QUIT frees the maildrop an instant later.
        client = server.login(USER, PASSWORD, tls=True) if tls else server.login_retrying_in_use(USER, PASSWORD)
        for number in order:
            _, lines, _ = client.retr(number)
            assert received(lines) == crlf(bodies[number - 1]), f"RETR {number} in order {order}"
        if quit:
            assert client.quit().startswith(b"+OK")
        else:
            client.close()

    fetch([1])  # one session first, so the listeners' own descriptors are counted below
    assert wait_until(lambda: descriptors() > 0)
    baseline = descriptors()
    fetch(list(range(1, 13)))
    fetch([1], quit=False)
    fetch([12, 3, 4, 5, 1, 2, 6])
    fetch([2, 3])
    fetch(list(range(1, 13)), tls=True)
    fetch([2, 3], quit=False)
    assert wait_until(lambda: descriptors() == baseline), \
        f"descriptors after the sessions: {descriptors()}, before: {baseline}"


def test_failed_login_is_not_a_connection(ps, serve):
    setup_store(ps)
    server = serve()
    before = ps.show(USER)["accounting"]["connections"]
    client = server.pop3()
    client.user(USER)
    try:
        client.pass_("not the password")
        raise AssertionError("wrong password accepted")
    except poplib.error_proto:
        pass
    client.quit()
    assert ps.show(USER)["accounting"]["connections"] == before


def test_sigterm_with_a_session_open_changes_nothing(ps, serve):
    uids = setup_store(ps)
    server = serve()
    raw = server.raw()
    raw.readline()
    assert raw.login(USER, PASSWORD).startswith(b"+OK")
    assert raw.cmd("DELE 1").startswith(b"+OK")
    assert raw.cmd("RETR 2").startswith(b"+OK")
    raw.raw_multiline()
    server.stop()  # SIGTERM: exits 0 within a few seconds, with the session open
    assert raw.closed_by_server(timeout=5), "the session should be closed by the shutdown"
    raw.close()
    listed = ps.messages(USER)
    assert [m["uid"] for m in listed] == uids, "a session ended without QUIT deletes nothing"
    assert not any(m["retrieved"] for m in listed)
