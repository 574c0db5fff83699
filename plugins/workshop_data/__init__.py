from .workshop_data import register

__all__ = ["register"]
