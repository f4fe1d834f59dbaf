"""Emergence detection: `windows` (durations, window indices), `metrics` (per-window figures against each
trend's own baseline) and `lifecycle` (new -> emerging -> active -> fading -> dormant). Import from the
submodules; this package stays empty so that `classifier.settings` can use `windows` without a cycle."""
