"""Password guessing is slowed down per client address, and after 10 failures for one
account from one address that address is refused for the account, while other
addresses (here 127.0.0.2) are not affected.

The delay before a failure is answered doubles from 0.25 s up to 8 s, so the 10 counted
failures take about 48 s; the test is bounded well below 90 s."""

from __future__ import annotations

import threading
import time

from pop3_server import SECOND_HOST, add_account, b64, greeting, serve  # noqa: F401

VICTIM = "victim"
VICTIM_PW = "Victim-pw-3d0c"
OTHER = "other"
OTHER_PW = "Other-pw-77b2"
WRONG = 12


def test_failures_slow_down_and_lock_out_only_that_address(ps, serve):
    add_account(ps, VICTIM, VICTIM_PW)
    add_account(ps, OTHER, OTHER_PW)
    server = serve()

    timings: list[float] = []
    replies: list[bytes] = []
    after_limit: list[bytes] = []
    errors: list[BaseException] = []
    slow_phase = threading.Event()

    def guess():
        try:
            raw = server.raw()  # from 127.0.0.1
            greeting(raw)
            for i in range(WRONG):
                assert raw.cmd(f"USER {VICTIM}").startswith(b"+OK")
                start = time.monotonic()
                reply = raw.cmd(f"PASS guess-{i}", timeout=30)
                timings.append(time.monotonic() - start)
                replies.append(reply)
                if i == 5:
                    slow_phase.set()
            # The right password from this address is refused now too.
            assert raw.cmd(f"USER {VICTIM}").startswith(b"+OK")
            after_limit.append(raw.cmd(f"PASS {VICTIM_PW}", timeout=30))
            raw.cmd("QUIT")
            raw.close()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            slow_phase.set()

    attacker = threading.Thread(target=guess, daemon=True)
    attacker.start()

    # While the guessing is slowed down to seconds per try, another account logs in from
    # another loopback address at once.
    assert slow_phase.wait(timeout=40), "the first six failures took too long"
    start = time.monotonic()
    raw = server.raw(source=SECOND_HOST)
    greeting(raw)
    reply = raw.login(OTHER, OTHER_PW)
    elapsed = time.monotonic() - start
    assert reply.startswith(b"+OK"), reply
    assert elapsed < 1.0, f"login of another account from {SECOND_HOST} took {elapsed:.2f}s during the guessing"
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()

    attacker.join(timeout=80)
    assert not attacker.is_alive(), "the guessing did not end in time"
    if errors:
        raise errors[0]

    assert len(replies) == WRONG
    for i, reply in enumerate(replies):
        assert reply.startswith(b"-ERR [AUTH]"), f"wrong password {i + 1}: {reply!r}"
    report = ", ".join(f"{t:.2f}" for t in timings)
    assert timings[0] < 1.0, f"the first failure should be answered quickly: {report}"
    # Later answers are measurably slower than the first, growing to seconds.
    assert timings[3] > timings[0] + 1.0, report
    assert timings[4] > 3.0, report
    for i in range(5, 10):
        assert timings[i] > 6.0, f"failure {i + 1} should wait several seconds (cap 8 s): {report}"
        assert timings[i] < 12.0, f"the delay is capped at 8 s: {report}"
    assert all(timings[i + 1] >= timings[i] * 0.9 for i in range(9)), f"delays should not shrink: {report}"

    assert after_limit and after_limit[0].startswith(b"-ERR [AUTH]"), \
        f"after {WRONG} failures the right password from the same address must be refused: {after_limit}"

    # A new connection from the same address, with the right password, by USER/PASS or
    # SASL PLAIN, is refused as well.
    raw = server.raw()
    greeting(raw)
    reply = raw.login(VICTIM, VICTIM_PW)
    assert reply.startswith(b"-ERR [AUTH]"), f"{VICTIM} again from 127.0.0.1: {reply!r}"
    reply = raw.cmd("AUTH PLAIN " + b64(f"\0{VICTIM}\0{VICTIM_PW}"), timeout=30)
    assert reply.startswith(b"-ERR [AUTH]"), f"{VICTIM} by AUTH PLAIN from 127.0.0.1: {reply!r}"
    raw.close()

    # The same account from another address logs in fine, and at once.
    start = time.monotonic()
    raw = server.raw(source=SECOND_HOST)
    greeting(raw)
    reply = raw.login(VICTIM, VICTIM_PW)
    elapsed = time.monotonic() - start
    assert reply.startswith(b"+OK"), f"{VICTIM} from {SECOND_HOST}: {reply!r}"
    assert elapsed < 1.0, f"{VICTIM} from {SECOND_HOST} took {elapsed:.2f}s"
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()


def test_a_thousand_wrong_passwords_are_refused_cheaply_while_another_address_logs_in(ps, serve, tmp_path):
    """1,000 wrong passwords from one address (50 connections, pipelining nothing): every
    one is refused with [AUTH], only the first few cost a password hash (then the account is
    locked for that address and answers come at once), and during the attack a login from
    another address takes well under a second. The failure delay is capped at 1 s here
    (login.max-failure-delay) to keep the test short; its growth is the test above."""
    add_account(ps, VICTIM, VICTIM_PW)
    add_account(ps, OTHER, OTHER_PW)
    config = tmp_path / "fast-throttle.toml"
    config.write_text("[login]\nmax-failure-delay = 1\n")
    server = serve("--config", str(config))
    per_connection, connections = 20, 50
    replies: list[bytes] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def guess(worker: int):
        try:
            raw = server.raw()
            greeting(raw)
            for i in range(per_connection):
                assert raw.cmd(f"USER {VICTIM}").startswith(b"+OK")
                reply = raw.cmd(f"PASS guess-{worker}-{i}", timeout=60)
                with lock:
                    replies.append(reply)
            raw.close()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    started = time.monotonic()
    attackers = [threading.Thread(target=guess, args=(n,), daemon=True) for n in range(connections)]
    for thread in attackers:
        thread.start()
    # While the guesses run, another account logs in from another address at once.
    logins = []
    while any(t.is_alive() for t in attackers) and len(logins) < 5:
        start = time.monotonic()
        raw = server.raw(source=SECOND_HOST)
        greeting(raw)
        assert raw.login(OTHER, OTHER_PW).startswith(b"+OK")
        logins.append(time.monotonic() - start)
        assert raw.cmd("QUIT").startswith(b"+OK")
        raw.close()
    for thread in attackers:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    if errors:
        raise errors[0]
    assert len(replies) == per_connection * connections == 1000
    assert all(r.startswith(b"-ERR [AUTH]") for r in replies), {r for r in replies if not r.startswith(b"-ERR [AUTH]")}
    assert logins and max(logins) < 1.0, f"logins from {SECOND_HOST} during the attack took {logins}"
    assert elapsed < 90, f"the attack took {elapsed:.1f}s"
    # The right password from the attacking address is refused too, for now.
    raw = server.raw()
    greeting(raw)
    assert raw.login(VICTIM, VICTIM_PW).startswith(b"-ERR [AUTH]")
    raw.close()
    # Hashes were paid only for the first failures: the log counts the failures the
    # throttle let through to a password check.
    checked = server.log().count("login failed")
    assert checked <= 60, f"{checked} password checks for 1,000 guesses"
