"""Trend summaries: c-TF-IDF labels, representative posts, timeline and why a trend was flagged."""
from classifier.summarise.ctfidf import keywords, terms
from classifier.summarise.summary import label_of, representatives, summarise

__all__ = ["keywords", "label_of", "representatives", "summarise", "terms"]
