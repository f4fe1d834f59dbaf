"""Build the default e5 model folder (and its export for the default backend) ahead of time:
`python -m classifier.embed.prepare [CACHE_DIR]`.

Meant for the install step (`make run`), so the first classification run does not pay for the build.
"""
from __future__ import annotations

import argparse
import logging
import sys

from classifier.embed import load_embedder
from classifier.embed.e5 import default_cache_dir, prepare_default_model
from classifier.exceptions import ClassifierError
from monitor_config.embedder import EmbedderSpec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifier.embed.prepare", description=__doc__)
    parser.add_argument("cache_dir", nargs="?", default=None,
                        help=f"where model folders live (default: {default_cache_dir()})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        folder = prepare_default_model(args.cache_dir)
        load_embedder(EmbedderSpec(kind="e5-small"), cache_dir=args.cache_dir)  # the default backend's export too
    except ClassifierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
