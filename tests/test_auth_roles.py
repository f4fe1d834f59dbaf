"""The role ladder, the password rules and the session secret setting."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.auth import WeakPasswordError, check_password_strength, hash_password, role_allows, verify_password
from api.auth.exceptions import UnknownRoleError
from api.deps import require_role
from monitor_config.exceptions import SettingsError
from monitor_config.settings import Settings
from monitor_config.vocabulary import ROLES


@pytest.mark.parametrize("role", ROLES)
def test_each_role_can_do_what_the_roles_below_can(role: str) -> None:
    rank = ROLES.rank(role)
    assert [role_allows(role, required) for required in ROLES] == [i <= rank for i in range(len(ROLES))]


def test_unknown_roles_are_refused() -> None:
    assert not role_allows("hacker", "youth_worker")
    with pytest.raises(UnknownRoleError):
        require_role("boss")


def test_password_hash_is_argon2_and_never_the_password() -> None:
    hashed = hash_password("lange zin als wachtwoord")
    assert hashed.startswith("$argon2id$") and "lange zin" not in hashed
    assert verify_password("lange zin als wachtwoord", hashed)
    assert not verify_password("lange zin als wachtwoorD", hashed)
    assert not verify_password("lange zin als wachtwoord", None)


def test_the_product_hashes_passwords_at_a_cost_above_owasps_baseline() -> None:
    """The suite hashes at a low cost (conftest); the service itself must not."""
    from api.auth.security import DEFAULT_HASHER

    hashed = DEFAULT_HASHER.hash("lange zin als wachtwoord")
    params = dict(part.split("=") for part in hashed.split("$")[3].split(","))
    assert hashed.startswith("$argon2id$") and int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2
    assert DEFAULT_HASHER.verify("lange zin als wachtwoord", hashed)


def test_short_passwords_are_refused_in_dutch_and_english() -> None:
    with pytest.raises(WeakPasswordError, match="minstens 12.*at least 12"):
        check_password_strength("elf tekens!")
    check_password_strength("twaalf teken")


def test_secret_key_is_required_outside_demo_mode(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="LEEFWERELD_SECRET_KEY is not set"):
        Settings(home=tmp_path).session_secret()
    with pytest.raises(SettingsError, match="at least 32"):
        Settings(home=tmp_path, secret_key="kort").session_secret()
    assert Settings(home=tmp_path).secure_cookies is True


def test_demo_mode_keeps_a_local_secret(tmp_path: Path) -> None:
    first = Settings(home=tmp_path, demo=True).session_secret()
    assert Settings(home=tmp_path, demo=True).session_secret() == first
    assert (tmp_path / "demo-secret.key").stat().st_mode & 0o777 == 0o600
    assert Settings(home=tmp_path, demo=True).secure_cookies is False
