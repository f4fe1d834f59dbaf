"""The bundled offline demo corpus: synthetic Dutch posts with planted trends, written for this project.

`python -m crawlers.demo.generate` rebuilds `demo_posts.jsonl` and `planted_trends.json` from a fixed seed;
README.md in this folder describes the corpus.
"""
