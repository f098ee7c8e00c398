"""Configuration files: `popstore config check` and `popstore serve --config`, and
SIGHUP reloading the certificate while the server keeps serving."""

from __future__ import annotations

import poplib
import signal
import socket
import ssl
import subprocess

from conftest import Popstore, assert_error, clean_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_config_check_accepts_a_good_file_and_shows_it(ps: Popstore, tmp_path):
    path = tmp_path / "popstore.toml"
    path.write_text('[pop3]\nlisten = ["127.0.0.1:2110"]\nlogin-delay = 300\nexpire = "never"\n')
    res = ps.ok("config", "check", "--config", str(path))
    assert "OK" in res.out
    assert "pop3.listen = 127.0.0.1:2110" in res.out
    assert "pop3.login-delay = 300" in res.out and "pop3.expire = never" in res.out


def test_config_check_names_the_mistake_and_its_line(ps: Popstore, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[pop3]\nlisten = ["127.0.0.1:2110"]\nidle-timout = 900\n')
    line = assert_error(ps.run("config", "check", "--config", str(path)))
    assert "line 3" in line and "unknown key pop3.idle-timout" in line
    path.write_text('[pop3]\nidle-timeout = 60\n')
    line = assert_error(ps.run("config", "check", "--config", str(path)))
    assert "pop3.idle-timeout" in line and "600" in line


def test_serve_uses_the_file_and_reloads_on_sighup(ps: Popstore, tmp_path):
    ps.ok("account", "add", "jdoe", "--password", "pw")
    plain, tls, lmtp, socketmap, sieve = free_port(), free_port(), free_port(), free_port(), free_port()
    path = tmp_path / "popstore.toml"
    path.write_text(f'[pop3]\nlisten = ["127.0.0.1:{plain}"]\ntls-listen = ["127.0.0.1:{tls}"]\n'
                    'implementation = "Example Mail"\n'
                    f'[lmtp]\nlisten = ["127.0.0.1:{lmtp}"]\n[socketmap]\nlisten = ["127.0.0.1:{socketmap}"]\n'
                    f'[managesieve]\nlisten = ["127.0.0.1:{sieve}"]\n')
    proc = subprocess.Popen([str(ps.binary), "serve", "--store", str(ps.store), "--config", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=clean_env())
    try:
        # The services bind side by side: their lines come in any order.
        lines = {proc.stdout.readline().decode().strip() for _ in range(5)}
        assert lines == {f"pop3 127.0.0.1:{plain}", f"pop3s 127.0.0.1:{tls}", f"lmtp 127.0.0.1:{lmtp}",
                         f"socketmap 127.0.0.1:{socketmap}", f"managesieve 127.0.0.1:{sieve}"}
        client = poplib.POP3("127.0.0.1", plain, timeout=10)
        assert client.getwelcome().startswith(b"+OK Example Mail")
        client.quit()

        proc.send_signal(signal.SIGHUP)
        # The reload is logged, and TLS still works afterwards.
        while True:
            line = proc.stderr.readline().decode()
            assert line, "server ended instead of reloading"
            if "TLS certificate reloaded" in line:
                break
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        secure = poplib.POP3_SSL("127.0.0.1", tls, context=context, timeout=10)
        secure.user("jdoe")
        assert secure.pass_("pw").startswith(b"+OK")
        secure.quit()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
