from .findings import (
    PublicationBlocked,
    annotation,
    current_findings,
    describe,
    finding_from_exception,
    location,
    register,
    start_build,
    summary_table,
)

__all__ = [
    "PublicationBlocked",
    "annotation",
    "current_findings",
    "describe",
    "finding_from_exception",
    "location",
    "register",
    "start_build",
    "summary_table",
]
