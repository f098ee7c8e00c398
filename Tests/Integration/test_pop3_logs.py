"""The server's log (stderr) never shows a password, in any form a client sent it, nor
the text of a message body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import poplib

from conftest import make_message
from pop3_server import add_account, b64, deliver, ensure_scramp, greeting, serve  # noqa: F401

# One account per successful login, so that no login waits for the previous session.
ACCOUNTS = {
    "alice": "Log-Secret-Quetzal-9124",   # USER/PASS
    "bob": "Log-Secret-Pangolin-7702",    # AUTH PLAIN over POP3S
    "carol": "Log-Secret-Okapi-1189",     # SCRAM-SHA-256
    "dave": "Log-Secret-Tapir-4410",      # CRAM-MD5
    "erin": "Log-Secret-Kinkajou-2286",   # APOP
    "frank": "Log-Secret-Dugong-8853",    # AUTH LOGIN
}
WRONG = "Wrong-Secret-Narwhal-5531"
BODY_TEXT = "Confidential-body-text-Axolotl-6620"
BODY = f"Dear reader,\n{BODY_TEXT}\n.and a dotted line Wombat-3377\n"


def secrets() -> list[str]:
    found = [WRONG, b64(WRONG)]
    for user, password in ACCOUNTS.items():
        found += [password, b64(password), b64(f"\0{user}\0{password}"), b64(f"\0{user}\0{WRONG}")]
    return found


def test_log_shows_no_password_and_no_body_text(ps, serve):
    ps.ok("store", "set", "legacy-auth", "on")
    for user, password in ACCOUNTS.items():
        add_account(ps, user, password)
        deliver(ps, user, make_message(subject=f"For {user}", body=BODY))
    server = serve()

    # USER/PASS: a wrong password, then the right one; RETR and TOP.
    client = server.pop3()
    client.user("alice")
    try:
        client.pass_(WRONG)
        raise AssertionError("wrong password accepted")
    except poplib.error_proto:
        pass
    client.user("alice")
    client.pass_(ACCOUNTS["alice"])
    client.retr(1)
    client.top(1, 5)
    client.quit()

    # AUTH PLAIN (wrong, then right) and RETR over POP3S.
    raw = server.raw(tls=True)
    greeting(raw)
    assert raw.cmd("AUTH PLAIN " + b64(f"\0bob\0{WRONG}")).startswith(b"-ERR")
    assert raw.cmd("AUTH PLAIN " + b64(f"\0bob\0{ACCOUNTS['bob']}")).startswith(b"+OK")
    assert raw.cmd("RETR 1").startswith(b"+OK")
    raw.multiline()
    raw.cmd("QUIT")
    raw.close()

    # AUTH LOGIN: a wrong password, then the right one.
    raw = server.raw()
    greeting(raw)
    raw.cmd("AUTH LOGIN")
    raw.cmd(b64("frank"))
    assert raw.cmd(b64(WRONG)).startswith(b"-ERR")
    raw.cmd("AUTH LOGIN")
    raw.cmd(b64("frank"))
    assert raw.cmd(b64(ACCOUNTS["frank"])).startswith(b"+OK")
    raw.cmd("QUIT")
    raw.close()

    # SCRAM-SHA-256 and RETR.
    scramp = ensure_scramp()
    raw = server.raw()
    greeting(raw)
    scram = scramp.ScramClient(["SCRAM-SHA-256"], "carol", ACCOUNTS["carol"])
    reply = raw.cmd("AUTH SCRAM-SHA-256 " + b64(scram.get_client_first()))
    scram.set_server_first(base64.b64decode(reply[2:]).decode())
    reply = raw.cmd(b64(scram.get_client_final()))
    assert reply.startswith(b"+ "), reply
    assert raw.cmd("").startswith(b"+OK")
    assert raw.cmd("RETR 1").startswith(b"+OK")
    raw.multiline()
    raw.cmd("QUIT")
    raw.close()

    # CRAM-MD5.
    raw = server.raw()
    stamp = greeting(raw)
    challenge = raw.cmd("AUTH CRAM-MD5")
    digest = hmac.new(ACCOUNTS["dave"].encode(), base64.b64decode(challenge[2:]), hashlib.md5).hexdigest()
    assert raw.cmd(b64(f"dave {digest}")).startswith(b"+OK")
    raw.cmd("QUIT")
    raw.close()

    # APOP.
    assert b"<" in stamp
    client = server.pop3()
    client.apop("erin", ACCOUNTS["erin"])
    client.retr(1)
    client.quit()

    server.wait_log(r"session closed", count=6)
    server.stop()  # everything is written
    log = server.log()
    for user in ACCOUNTS:
        assert f"{user}@example.com" in log, f"the log should record the login of {user}:\n{log}"
    for secret in secrets():
        assert secret not in log, f"the log contains a password (or its base64 form) {secret!r}:\n{log}"
    for text in (BODY_TEXT, "Wombat-3377", "Dear reader"):
        assert text not in log, f"the log contains message body text {text!r}:\n{log}"
