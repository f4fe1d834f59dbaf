"""`python -m classifier.cluster IN.jsonl --out OUT.jsonl` (see classifier.cli_main)."""
from classifier.cli_main import main

raise SystemExit(main("cluster"))
