"""What the stages need, built once when a process starts: no module-global state anywhere in the pipeline."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.alerts.base import FeedNotifier, Notifier
from api.alerts.email import EmailNotifier
from api.alerts.webhook import WebhookNotifier
from api.digest.mail import DigestRenderer, make_digest_email_renderer
from classifier.base import Embedder
from classifier.categorise.cache import CategoryModelCache
from classifier.persist.store import StateCache
from models.db import session_scope
from models.types import utcnow
from monitor_config.schema import MonitorConfig
from monitor_config.settings import Settings

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass
class Pipeline:
    settings: Settings
    config: MonitorConfig
    engine: Engine
    notifiers: Mapping[str, Notifier]
    render_digest: DigestRenderer
    category_models: CategoryModelCache
    clock: Clock = utcnow
    states: StateCache = field(default_factory=StateCache)  # the tracker's state, kept between processing runs
    _embedder: Embedder | None = None
    _embedder_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with session_scope(self.engine) as session:
            yield session

    def embedder(self) -> Embedder:
        """The configured embedder, loaded on first use and kept: a model load costs far more than a run."""
        with self._embedder_lock:
            if self._embedder is None:
                from classifier.embed import load_embedder

                log.info("loading the %s embedder", self.config.classifier.embedder.kind)
                self._embedder = load_embedder(self.config.classifier.embedder, cache_dir=self.settings.model_cache)
            return self._embedder


def build_notifiers(config: MonitorConfig) -> dict[str, Notifier]:
    mail = EmailNotifier(config.alerts)
    return {"email": mail, "digest": mail, "webhook": WebhookNotifier(config.alerts.webhooks), "feed": FeedNotifier()}


def build_pipeline(settings: Settings, engine: Engine, *, config: MonitorConfig | None = None, clock: Clock = utcnow,
                   notifiers: Mapping[str, Notifier] | None = None, render_digest: DigestRenderer | None = None,
                   embedder: Embedder | None = None) -> Pipeline:
    """The pipeline of one process; tests pass their own configuration, clock, notifiers, renderer or embedder."""
    config = config or settings.watch
    return Pipeline(
        settings=settings, config=config, engine=engine, clock=clock,
        category_models=CategoryModelCache(settings.model_cache / "categories"),
        notifiers=notifiers if notifiers is not None else build_notifiers(config),
        render_digest=render_digest or make_digest_email_renderer(config, base_url=str(config.alerts.public_url),
                                                                  clock=clock),
        _embedder=embedder,
    )
