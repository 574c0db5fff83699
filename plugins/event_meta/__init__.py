from .event_meta import register

__all__ = ["register"]
