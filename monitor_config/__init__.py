"""The validated YAML watch configuration: categories, watchlists, sources, places, retention."""
from monitor_config.exceptions import ConfigError, ConfigProblem
from monitor_config.loader import DEFAULT_CONFIG, load_config, parse_config
from monitor_config.schema import Category, MonitorConfig, Source, Watchlist

__all__ = [
    "DEFAULT_CONFIG",
    "Category",
    "ConfigError",
    "ConfigProblem",
    "MonitorConfig",
    "Source",
    "Watchlist",
    "load_config",
    "parse_config",
]
