"""Passwords: the user's own change (`passwd`), LOCKPWD, --password-stdin, legacy-auth."""

from conftest import Popstore


def can_manage(ps: Popstore, account: str, password: str) -> bool:
    return ps.run("account", "list", "--as", account, "--json", password=password).rc == 0


def test_passwd_changes_password(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE")
    assert can_manage(ps, "mgr", "old-pw")
    ps.ok("passwd", "mgr", password="old-pw", new_password="new-pw")
    assert can_manage(ps, "mgr", "new-pw")
    assert not can_manage(ps, "mgr", "old-pw")
    ps.fail("account", "list", "--as", "mgr", password="old-pw")
    assert ps.show("mgr")["password"]["set"] is True


def test_passwd_with_explicit_store_and_mixed_case_name(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE")
    ps.ok("passwd", "MGR", password="old-pw", new_password="new-pw", explicit_store=True, use_env_store=False)
    assert can_manage(ps, "mgr", "new-pw")


def test_passwd_wrong_current_password_refused(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE")
    before = ps.show("mgr")["password"]
    ps.fail("passwd", "mgr", password="not-it", new_password="new-pw")
    assert not can_manage(ps, "mgr", "new-pw")
    assert can_manage(ps, "mgr", "old-pw")
    assert ps.show("mgr")["password"] == before


def test_passwd_locked(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE,LOCKPWD")
    ps.fail("passwd", "mgr", password="old-pw", new_password="new-pw", contains="locked")
    assert can_manage(ps, "mgr", "old-pw")
    assert not can_manage(ps, "mgr", "new-pw")


def test_admin_may_still_set_locked_password(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE,LOCKPWD")
    ps.ok("account", "modify", "mgr", "--password", "admin-set")
    assert can_manage(ps, "mgr", "admin-set")


def test_passwd_without_new_password_and_tty_refused(ps: Popstore):
    ps.add("mgr", "--password", "old-pw", "--flags", "MANAGE")
    ps.fail("passwd", "mgr", password="old-pw")
    assert can_manage(ps, "mgr", "old-pw")


def test_passwd_unknown_account(ps: Popstore):
    ps.fail("passwd", "ghost", password="x", new_password="y")


def test_passwd_clears_pre_expired(ps: Popstore):
    ps.add("user", "--password", "old-pw", "--pre-expired")
    assert ps.show("user")["password"]["preExpired"] is True
    ps.ok("passwd", "user", password="old-pw", new_password="new-pw")
    assert ps.show("user")["password"]["preExpired"] is False


def test_password_stdin(ps: Popstore):
    ps.ok("account", "add", "mgr", "--flags", "MANAGE", "--password-stdin", input="from-stdin\n")
    assert ps.show("mgr")["password"]["set"] is True
    assert can_manage(ps, "mgr", "from-stdin")


def test_legacy_auth_keeps_secret_from_then_on(ps: Popstore):
    ps.add("before", "--password", "p1")
    ps.add("nopw")
    assert ps.show("before")["password"]["legacySecret"] is False

    ps.ok("store", "set", "legacy-auth", "on")
    ps.add("x", "--password", "p")
    assert ps.show("x")["password"]["legacySecret"] is True
    # accounts from before keep no secret until their password changes
    assert ps.show("before")["password"]["legacySecret"] is False
    assert ps.show("nopw")["password"]["legacySecret"] is False
    ps.ok("account", "modify", "before", "--password", "p2")
    assert ps.show("before")["password"]["legacySecret"] is True

    ps.ok("store", "set", "legacy-auth", "off")
    ps.add("after", "--password", "p")
    assert ps.show("after")["password"]["legacySecret"] is False


def test_legacy_secret_via_passwd(ps: Popstore):
    ps.add("user", "--password", "old")
    ps.ok("store", "set", "legacy-auth", "on")
    assert ps.show("user")["password"]["legacySecret"] is False
    ps.ok("passwd", "user", password="old", new_password="new")
    assert ps.show("user")["password"]["legacySecret"] is True


def test_legacy_secret_text_never_shown(ps: Popstore):
    ps.ok("store", "set", "legacy-auth", "on")
    ps.add("x", "--password", "Visible-If-Leaked-42")
    for argv in (("account", "show", "x"), ("account", "show", "x", "--json"), ("account", "list", "--json")):
        assert "Visible-If-Leaked-42" not in ps.ok(*argv).out


def test_legacy_key_is_private_and_outside_the_profile_tree(ps: Popstore):
    import stat as st

    ps.ok("store", "set", "legacy-auth", "on")
    ps.ok("account", "add", "carol", "--password", "secret-c")
    keys = ps.store / "keys"
    key = keys / "legacy-auth.key"
    assert key.is_file() and key.stat().st_size == 32
    assert st.S_IMODE(key.stat().st_mode) == 0o600
    assert st.S_IMODE(keys.stat().st_mode) == 0o700
    profiles = ps.store / "profiles"
    assert not any(p.name == key.name for p in profiles.rglob("*"))
    assert all(b"secret-c" not in p.read_bytes() for p in profiles.rglob("*.json"))
