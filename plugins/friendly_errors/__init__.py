from .friendly_errors import register

__all__ = ["register"]
