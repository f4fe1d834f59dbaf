"""Incremental clustering of posts into trends with stable ids."""
from classifier.cluster.birth import group_buffer
from classifier.cluster.calibrate import Thresholds, measure
from classifier.cluster.dedup import dedup_key
from classifier.cluster.step import ClusterChanges, cluster_batch

__all__ = ["ClusterChanges", "Thresholds", "cluster_batch", "dedup_key", "group_buffer", "measure"]
