"""Process settings from the environment (LEEFWERELD_*), made once at start-up.

The watch configuration (what to watch) lives in YAML; these settings say where things are and which secrets
to use. Secrets never come from the YAML file.
"""
from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor_config.exceptions import SettingsError
from monitor_config.loader import DEFAULT_CONFIG, load_config
from monitor_config.schema import MonitorConfig

MIN_KEY_LENGTH = 32
MAX_POOL_SIZE = 40  # anyio's thread pool: an admitted request must always find a thread
MAX_WAIT_SECONDS = 120.0
POOL_SPARE = 5  # connections beyond db_pool_size, for work that needs a second connection next to a request's


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEEFWERELD_", extra="ignore")

    home: Path = Field(Path("var"), description="Folder for the default database, model cache and demo key")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: a SQLite file in `home`")
    config: Path = Field(DEFAULT_CONFIG, description="The YAML watch configuration")
    demo: bool = Field(False, description="Demo mode: local key created and kept, demo log-in")
    log_level: str = "INFO"
    secret_key: SecretStr | None = Field(None, description="Signs session cookies; required outside demo mode")
    cookie_secure: bool | None = Field(None, description="Send cookies over HTTPS only; default: on outside demo mode")
    crawl_redis_url: str | None = Field(
        None, description="Distributed crawling: Redis URL (e.g. redis://127.0.0.1:6379/0) shared by crawler processes")
    crawl_timeout: int = Field(3600, ge=60, description="Seconds a crawl process may run before it is stopped")
    # Each request being served holds one database connection; requests beyond the pool wait their turn without a
    # thread (api.admission), so a burst can never tie up every worker thread waiting for a connection. On 2 cores
    # ten requests at once keep both cores busy while some wait on the database; more only adds memory and
    # PostgreSQL connections (its default max_connections of 100 is shared by serve, worker and crawl processes).
    db_pool_size: int = Field(10, description=(
        "Database connections per process, and the number of web requests served at once (at most 40, the size of "
        "the server's thread pool); further requests wait their turn"))
    # How long a request may wait for its turn before it is answered 503 with Retry-After: long enough to ride out
    # a burst (64 page loads take a few seconds on 2 cores), short enough that a stuck database is reported quickly
    # instead of every request hanging.
    db_wait_timeout: float = Field(15.0, description=(
        "Seconds a request waits for a free database connection before the answer is 503 with Retry-After"))
    upload_token: str | None = Field(
        None, description="Zeeschuimer uploads without an account (cookie or Authorization: Bearer); "
                          "logged-in users need none")

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"LEEFWERELD_LOG_LEVEL={value!r}; fix: use DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("db_pool_size")
    @classmethod
    def _pool_size(cls, value: int) -> int:
        if not 1 <= value <= MAX_POOL_SIZE:
            raise ValueError(f"LEEFWERELD_DB_POOL_SIZE={value}; fix: use 1 to {MAX_POOL_SIZE} (the server's worker "
                             "threads; 10 suits 2 cores)")
        return value

    @field_validator("db_wait_timeout")
    @classmethod
    def _wait(cls, value: float) -> float:
        if not 0 < value <= MAX_WAIT_SECONDS:
            raise ValueError(f"LEEFWERELD_DB_WAIT_TIMEOUT={value}; fix: use seconds above 0 and at most "
                             f"{MAX_WAIT_SECONDS:.0f} (15 rides out a burst)")
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'leefwereld.db').resolve()}"

    @property
    def pool_options(self) -> dict[str, int | float]:
        """Engine options: `db_pool_size` connections for requests plus a few for work beside them (the log-in
        throttle's own transaction, a lease renewal), and a short wait, never SQLAlchemy's 30 s."""
        return {"pool_size": self.db_pool_size, "max_overflow": POOL_SPARE, "pool_timeout": self.db_wait_timeout}

    @property
    def model_cache(self) -> Path:
        return self.home / "models"

    @cached_property
    def watch(self) -> MonitorConfig:
        return load_config(self.config)

    def pseudonym_key(self) -> bytes:
        """The HMAC key for author pseudonyms: from the environment, or in demo mode a kept local key."""
        env_name = self.watch.pseudonym_key_env
        value = os.environ.get(env_name)
        if value:
            if len(value) < MIN_KEY_LENGTH:
                raise SettingsError(
                    f"{env_name} is {len(value)} characters long; fix: use at least {MIN_KEY_LENGTH} random "
                    "characters, for example from `python -c 'import secrets; print(secrets.token_hex(32))'`"
                )
            return value.encode()
        if not self.demo:
            raise SettingsError(
                f"no pseudonymisation key: the environment variable {env_name} is not set; fix: set it to a "
                "long random secret (`python -c 'import secrets; print(secrets.token_hex(32))'`) and keep it: "
                "a new key makes every author look new. For a local trial use demo mode (LEEFWERELD_DEMO=1)."
            )
        return self._kept_secret("demo-pseudonym.key").encode()

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.demo

    def session_secret(self) -> str:
        """The key that signs session cookies: LEEFWERELD_SECRET_KEY, or in demo mode a kept local key."""
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
            if len(value) < MIN_KEY_LENGTH:
                raise SettingsError(
                    f"LEEFWERELD_SECRET_KEY is {len(value)} characters long; fix: use at least {MIN_KEY_LENGTH} "
                    "random characters, for example from `python -c 'import secrets; print(secrets.token_hex(32))'`"
                )
            return value
        if not self.demo:
            raise SettingsError(
                "no session key: LEEFWERELD_SECRET_KEY is not set; fix: set it to a long random secret "
                "(`python -c 'import secrets; print(secrets.token_hex(32))'`). Changing it logs everyone out. "
                "For a local trial use demo mode (LEEFWERELD_DEMO=1)."
            )
        return self._kept_secret("demo-secret.key")

    def _kept_secret(self, name: str) -> str:
        """A random secret created once in `home` (mode 0600) and reused; for demo mode only."""
        path = self.home / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text().strip()


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
