"""Emergence detection: `windows` (durations, window indices), `metrics` (per-window figures against each
trend's own baseline) and `lifecycle` (new -> emerging -> active -> fading -> dormant). Import from the
submodules."""
