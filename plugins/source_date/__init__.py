from .source_date import register

__all__ = ["register"]
