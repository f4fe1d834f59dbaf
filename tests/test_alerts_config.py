"""The `alerts:` section of the watch configuration: defaults, and errors that name the field and the fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from monitor_config import ConfigError, parse_config

SMALL = (Path(__file__).with_name("fixtures") / "config" / "small.yaml").read_text()


def problems(section: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(SMALL + section, "watch.yaml")
    return [str(p.as_dict()) for p in info.value.problems]


def test_defaults_refuse_private_webhooks_and_use_local_smtp() -> None:
    config = parse_config(SMALL, "watch.yaml")
    assert config.alerts.webhooks.allow_private_targets is False
    assert (config.alerts.smtp.host, config.alerts.smtp.port) == ("127.0.0.1", 25)


@pytest.mark.parametrize(("section", "expected"), [
    ("alerts:\n  smtp: {username_env: SMTP_USER}\n", "both 'username_env' and 'password_env'"),
    ("alerts:\n  smtp: {from_address: monitor}\n", "alerts.smtp.from_address 'monitor' is not an e-mail address"),
    ("alerts:\n  smtp: {password_env: geheim123, username_env: SMTP_USER}\n", "NAME of the variable"),
    ("alerts:\n  webhooks: {allow_private: true}\n", "allow_private"),
    ("alerts:\n  smtp: {port: 0}\n", "port"),
])
def test_mistakes_name_the_field_and_the_fix(section: str, expected: str) -> None:
    assert any(expected in problem for problem in problems(section)), problems(section)
