"""`python -m classifier.replay IN.jsonl --window 1d --out TRENDS.json` (see classifier.cli_main)."""
from classifier.cli_main import main

if __name__ == "__main__":
    raise SystemExit(main("replay"))
