from .neighbours import register

__all__ = ["register"]
