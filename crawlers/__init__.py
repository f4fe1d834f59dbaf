"""Collect: the Scrapy project that gathers public posts for the watchlists.

spiders/ (one per source kind) yield FoundPost and CursorMark items -> pipelines.StorePipeline normalises
(pseudonymising the author), drops what no watchlist asked for and stores in batches with the cursors ->
extensions.RunRecorder writes the run record. middlewares.py holds politeness (Retry-After, robots.txt);
settings.py builds one source's Scrapy settings; process.py is the crawler process, runner.py starts it,
scheduling.py runs it per watchlist on schedule, distributed.py shares the work over Redis, uploads.py takes
Zeeschuimer captures. Imports and the demo corpus come in through importers.py.
"""
