"""Prometheus metrics at /metrics: request counts and latencies, and product figures read at scrape time
(posts stored, trends per status, crawl runs per status). One registry per app, so tests can make many apps."""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.queries.operations import count_crawl_runs_by_status
from api.queries.trends import count_posts, count_trends_by_status
from monitor_config.vocabulary import TREND_STATUSES


class ProductCollector(Collector):
    """Figures from the database, counted when Prometheus scrapes (a few COUNT queries)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield from self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        posts, trends, runs = self._families()
        with Session(self.engine) as session:
            posts.add_metric([], count_posts(session))
            by_status = count_trends_by_status(session)
            for status in sorted({*TREND_STATUSES, *by_status}):
                trends.add_metric([status], by_status.get(status, 0))
            for status, count in sorted(count_crawl_runs_by_status(session).items()):
                runs.add_metric([status], count)
        yield from (posts, trends, runs)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        return (GaugeMetricFamily("leefwereld_posts_stored", "Posts in the database (after retention purges)"),
                GaugeMetricFamily("leefwereld_trends", "Trends per status (merged ones left out)", labels=["status"]),
                GaugeMetricFamily("leefwereld_crawl_runs", "Crawl runs per status", labels=["status"]))


def install_metrics(app: FastAPI, engine: Engine) -> None:
    registry = CollectorRegistry()
    requests = Counter("leefwereld_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry)
    latency = Histogram("leefwereld_http_request_duration_seconds", "Time to answer", ["method", "route"],
                        registry=registry)
    registry.register(ProductCollector(engine))

    @app.middleware("http")
    async def count_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started, status = time.perf_counter(), "500"  # an exception passes through here on its way to the 500 page
        try:
            response = await call_next(request)
            status = str(response.status_code)
            return response
        finally:
            route = request.scope.get("route")
            # The route's template (/api/v1/trends/{trend_id}), never the raw path: ids must not explode the labels.
            name = getattr(route, "path", "unmatched")
            requests.labels(request.method, name, status).inc()
            latency.labels(request.method, name).observe(time.perf_counter() - started)

    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], tags=["health"], summary="Prometheus metrics",
                      response_class=PlainTextResponse)
