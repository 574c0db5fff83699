"""The plugin's settings: every default is here and nowhere else.

Each field `name` is read from the Pelican setting `SITECHECK_NAME` (upper case);
README.md documents them.
"""

import difflib
import re
from dataclasses import MISSING, dataclass, field, fields
from urllib.parse import urlsplit

from .report import CHECKS

PREFIX = "SITECHECK_"


class SettingsError(ValueError):
    """A SITECHECK_* setting has the wrong type; the message names it."""


@dataclass(frozen=True)
class Config:
    enabled: bool = True
    # Errors fail the build (exit status 1): production settings and `invoke check`.
    strict: bool = False
    # Other addresses that serve this site, besides SITEURL and FEED_DOMAIN.
    internal_urls: tuple = ()
    # Output pages not to check (fnmatch patterns, e.g. "google*.html").
    ignore_pages: tuple = ()
    # Regular expressions for http:// links known to have no https:// version:
    # not reported as insecure links (http:// resources always are).
    http_links_allowed: tuple = ()
    image_max_bytes: int = 200_000
    page_images_max_bytes: int = 1_000_000
    # Declared and intrinsic width/height ratios may differ by this fraction.
    image_ratio_tolerance: float = 0.01
    # A raster file wider than this many times its declared width wastes bytes.
    image_max_scale: float = 2.0
    # Add missing <img> width/height to the written pages, after the check.
    fill_image_sizes: bool = False
    # {check code: "error" | "warning" | "ignore"}: codes are in report.CHECKS.
    levels: dict = field(default_factory=dict)
    external_timeout: float = 10.0
    # Each retry waits twice as long as the one before (1 s, 2 s, ...).
    external_retries: int = 2
    # Regular expressions; a URL matching any of them is not requested.
    external_exclude: tuple = ()
    # Not SITECHECK_ settings: the site's own addresses (SITEURL, FEED_DOMAIN,
    # internal_urls) and SITEURL's path, which root-relative links start with.
    site_urls: tuple = field(default=(), repr=False)
    base_path: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings):
        """Read SITECHECK_* from Pelican settings; raise SettingsError, one
        line naming the setting, if a value is wrong."""
        values = {}
        for spec in fields(cls):
            name = PREFIX + spec.name.upper()
            if spec.name in ("site_urls", "base_path") or name not in settings:
                continue
            default = spec.default if spec.default_factory is MISSING else {}
            values[spec.name] = _checked(name, settings[name], default)
        _check_levels(values.get("levels", {}))
        for name in ("http_links_allowed", "external_exclude"):
            _check_patterns(PREFIX + name.upper(), values.get(name, ()))
        site_urls = (
            settings.get("SITEURL", ""),
            settings.get("FEED_DOMAIN", ""),
            *values.get("internal_urls", ()),
        )
        values["site_urls"] = tuple(url for url in site_urls if urlsplit(url).netloc)
        values["base_path"] = urlsplit(settings.get("SITEURL", "")).path.rstrip("/")
        return cls(**values)


def unknown_settings(settings):
    """["SITECHECK_X is not a setting (SITECHECK_Y?)"] for misspelt names."""
    known = [PREFIX + spec.name.upper() for spec in fields(Config) if spec.repr]
    problems = []
    for name in sorted(n for n in settings if n.startswith(PREFIX)):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "see the README"
            problems.append(f"{name} is not a sitecheck setting: {hint}")
    return problems


# The type of a default: (the types a setting may have, how to say so).
_KINDS = {
    bool: (bool, "True or False"),
    int: (int, "a whole number"),
    float: ((int, float), "a number"),
    tuple: ((list, tuple), "a list"),
    dict: (dict, "a dict"),
}


def _checked(name, value, default):
    accepted, described = _KINDS[type(default)]
    # True is an int to Python, not a number to an organiser.
    if not isinstance(value, accepted) or (
        isinstance(value, bool) and not isinstance(default, bool)
    ):
        raise SettingsError(
            f"{name} must be {described}, not {value!r} (default: {default!r})"
        )
    return tuple(value) if isinstance(default, tuple) else value


def _check_levels(levels):
    for code, level in levels.items():
        if code not in CHECKS or level not in ("error", "warning", "ignore"):
            raise SettingsError(
                f"SITECHECK_LEVELS: {code!r}: {level!r} must map a check code"
                " (see the README) to 'error', 'warning' or 'ignore'"
            )


def _check_patterns(name, patterns):
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            raise SettingsError(
                f"{name}: {pattern!r} is not a regular expression ({error})"
            ) from None
