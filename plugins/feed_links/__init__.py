from .feed_links import register

__all__ = ["register"]
