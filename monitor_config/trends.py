"""Settings of the trend tracker: the `classifier.trends` block of the YAML configuration.

No setting is a raw cosine. Similarity thresholds are z-scores on the similarity distribution of the model
itself, measured on a sample of the stream (see `classifier.cluster.calibrate`); emergence thresholds are
figures against each trend's own baseline. Durations are written like `1h`, `6h`, `1d`, `1w`.
"""
from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor_config.durations import parse_duration


class TrendSettings(BaseModel):
    """How posts become trends and when a trend counts as emerging."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 13
    # similarity calibration: thresholds are median + z * robust sd of random-pair similarities
    calibration_sample: int = 2000
    # the space is centred on the mean of the stream's first posts (0 = off; see classifier.cluster.centre)
    centre_posts: int = 100
    birth_z: float = 2.4  # a new trend is born from a buffer group whose mean pairwise similarity reaches this
    link_z: float = 1.7  # a post joins the trend whose mean vector it is closest to, if it reaches this
    young_merge_z: float = 1.0  # ... and pieces of one young burst (trends or groups within young_span) merge at this
    merge_z: float = 2.3  # two trends merge when the mean similarity across their members reaches this
    # birth of new trends from the buffer of unassigned posts
    min_trend_posts: int = 6
    min_trend_authors: int = 3
    young_span: str = "1d"  # trends this young join related groups at link_z, not merge_z
    buffer_span: str = "7d"
    buffer_max: int = 4000
    exemplars: int = 200
    split_check: bool = True
    # a new event inside an established trend (classifier.cluster.events): arriving posts that share terms the
    # trend's recent members (almost) never carried start a trend of their own, with lineage to it
    new_event_check: bool = True
    new_event_share: float = Field(0.3, gt=0.0, le=1.0)  # of the posts arriving at once, at least this share
    new_event_known: float = Field(0.02, ge=0.0, lt=1.0)  # of the trend's recent members, at most this share
    # stateless `cluster` only: each vector is averaged with its nearest neighbours in the file before clustering
    # (0 = off); it sees the whole file at once, as BERTopic does, and pulls broad topics together
    cluster_neighbours: int = 5
    # stateless `cluster` only: files up to buffer_max posts are cut from one average-linkage tree where the graph
    # of posts among each other's this many nearest neighbours has the highest modularity
    # (classifier.cluster.tree); 0 = feed the file through the incremental engine instead, as before
    cluster_graph: int = 5
    # emergence, against the trend's own baseline of earlier windows
    baseline_span: str = "7d"
    baseline_quantile: float = 0.1  # a sampled post counts for a theme if as close as this quantile of members
    recent_sample: int = 300  # posts sampled per window to estimate the stream's baseline of a new theme
    warmup_span: str = "7d"  # no flag before the stream has one baseline span of history
    burst_z: float = 8.0
    min_growth: float = 3.0
    min_authors: int = 5
    # a gradual rise: a theme younger than new_theme_span with this many distinct voices, min_growth times
    # what the stream carried on it before
    new_theme_authors: int | None = 25
    new_theme_share: float = Field(0.15, ge=0.0, le=1.0)
    new_theme_span: str = "10d"
    fading_ratio: float = 0.3
    dormant_span: str = "7d"

    @field_validator("young_span", "buffer_span", "baseline_span", "warmup_span", "dormant_span", "new_theme_span")
    @classmethod
    def _check_duration(cls, value: str, info) -> str:
        try:
            parse_duration(value)
        except ValueError:
            raise ValueError(
                f"{info.field_name}={value!r} is not a duration; write it like '6h', '1d' or '1w'") from None
        return value

    @field_validator("calibration_sample", "buffer_max", "exemplars", "recent_sample")
    @classmethod
    def _check_sample(cls, value: int, info) -> int:
        if value < 50:
            raise ValueError(f"{info.field_name}={value} is too small to estimate anything; use 50 or more")
        return value

    @field_validator("centre_posts")
    @classmethod
    def _check_centre(cls, value: int) -> int:
        if value != 0 and value < 20:
            raise ValueError(f"centre_posts={value} is too few posts to find the stream's centre; use 0 (off) or 20 "
                             "or more (e.g. 100)")
        return value

    @field_validator("cluster_neighbours", "cluster_graph")
    @classmethod
    def _check_neighbours(cls, value: int, info) -> int:
        if not 0 <= value <= 100:
            raise ValueError(f"{info.field_name}={value} must lie between 0 (off) and 100 (e.g. 5)")
        return value

    @field_validator("min_trend_posts", "min_trend_authors", "min_authors")
    @classmethod
    def _check_count(cls, value: int, info) -> int:
        if value < 2:
            raise ValueError(f"{info.field_name}={value}: one post or author cannot make a trend; use 2 or more")
        return value

    @field_validator("birth_z", "link_z", "merge_z", "young_merge_z", "burst_z")
    @classmethod
    def _check_z(cls, value: float, info) -> float:
        if not 0 <= value <= 20:
            raise ValueError(f"{info.field_name}={value} is not a sensible z-score; use a value between 0 and 20")
        return value

    @field_validator("min_growth")
    @classmethod
    def _check_growth(cls, value: float) -> float:
        if value < 1:
            raise ValueError(f"min_growth={value} would flag shrinking trends; use 1.0 or more (e.g. 3.0)")
        return value

    @field_validator("baseline_quantile")
    @classmethod
    def _check_quantile(cls, value: float) -> float:
        if not 0 <= value <= 0.9:
            raise ValueError(f"baseline_quantile={value} must lie between 0 and 0.9 (e.g. 0.25)")
        return value

    @field_validator("fading_ratio")
    @classmethod
    def _check_ratio(cls, value: float) -> float:
        if not 0 < value < 1:
            raise ValueError(f"fading_ratio={value} must lie strictly between 0 and 1 (e.g. 0.3)")
        return value

    @model_validator(mode="after")
    def _check_order(self) -> TrendSettings:
        if self.merge_z < self.link_z:
            raise ValueError(f"merge_z={self.merge_z} is below link_z={self.link_z}: trends would merge more easily "
                             "than posts join them; set merge_z >= link_z")
        if self.young_merge_z > self.merge_z:
            raise ValueError(f"young_merge_z={self.young_merge_z} is above merge_z={self.merge_z}: young pieces of a "
                             "burst would merge less easily than old trends; set young_merge_z <= merge_z")
        if self.birth_z < self.link_z:
            raise ValueError(f"birth_z={self.birth_z} is below link_z={self.link_z}: loose groups would be born that "
                             "no post could join; set birth_z >= link_z")
        if self.min_trend_posts < self.min_trend_authors:
            raise ValueError(f"min_trend_posts={self.min_trend_posts} is below min_trend_authors="
                             f"{self.min_trend_authors}; raise min_trend_posts")
        return self

    def span(self, name: str) -> timedelta:
        """A duration setting as a timedelta, e.g. `settings.span("baseline_span")`."""
        return parse_duration(getattr(self, name))
