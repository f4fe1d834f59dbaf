"""The one place where the stages are joined and run on schedule. Read top to bottom, it is the whole flow:

    collect  ->  store  ->  embed, categorise, cluster, detect, summarise  ->  review queue and alerts  ->  deliver
    crawlers     models     classifier                                        api.review, api.alerts       api.alerts

- `context.Pipeline`: what every stage needs (settings, database, clock, notifiers, the embedder), built once
  when a process starts, by `build_pipeline`.
- `stages`: one function per stage run: `collect` (crawl one watchlist), `process` (reviewers' verdicts in,
  new posts through the classifier, flagged trends into the review queue, alerts queued), `deliver_alerts`,
  `send_daily_bundles`, `send_weekly_digest` and `purge` (delete posts past retention).
- `schedule`: when each stage runs (the watchlists' crawl schedules, processing every `process_every`, alert
  delivery every minute, daily bundles at 07:30, the digest on Monday 08:00, the purge at 03:30, in the
  configured time zone).
- `claims`: a claimed-job row per job in the database, so that of several workers exactly one runs each slot.
- `worker`: the `leefwereld worker` process that runs the schedule; the web process (`leefwereld serve`) only
  serves pages and the API.
"""
from pipeline.context import Pipeline, build_pipeline

__all__ = ["Pipeline", "build_pipeline"]
