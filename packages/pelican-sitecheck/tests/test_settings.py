"""SITECHECK_* settings as the README's table gives them: defaults, the paths
under CACHE_PATH, and a mistyped setting stopping the build with its name."""

import pytest
from pelican.plugins.sitecheck.settings import Config, SettingsError, unknown_settings


def test_no_file_is_written_unless_a_setting_asks_for_it():
    default = Config.from_settings({})
    assert default.report_path is None


def test_a_misspelt_setting_gets_a_near_match():
    assert unknown_settings(
        {"SITECHECK_HTTP_LINK_ALLOWED": [], "SITECHECK_STRICT": True, "SITEURL": ""}
    ) == [
        "SITECHECK_HTTP_LINK_ALLOWED is not a sitecheck setting: did you mean"
        " SITECHECK_HTTP_LINKS_ALLOWED?"
    ]
    assert unknown_settings({"SITECHECK_SITE_URLS": ()}) == [
        "SITECHECK_SITE_URLS is not a sitecheck setting: did you mean"
        " SITECHECK_INTERNAL_URLS?"
    ]


def test_the_sites_own_addresses():
    config = Config.from_settings(
        {
            "SITEURL": "https://example.org/haet/",
            "FEED_DOMAIN": "https://feeds.example",
            "SITECHECK_INTERNAL_URLS": ["https://old.example", "/relative"],
        }
    )
    assert config.site_urls == (
        "https://example.org/haet/",
        "https://feeds.example",
        "https://old.example",
    )
    assert config.base_path == "/haet"
    local = Config.from_settings({"SITEURL": ""})  # a development build
    assert (local.site_urls, local.base_path) == ((), "")


def test_settings_of_the_right_type_are_taken():
    config = Config.from_settings(
        {
            "SITECHECK_STRICT": True,
            "SITECHECK_IMAGE_MAX_BYTES": 300_000,
            "SITECHECK_IMAGE_MAX_SCALE": 3,
            "SITECHECK_IGNORE_PAGES": ["google*.html"],
            "SITECHECK_LEVELS": {
                "img-no-size": "ignore",
                "insecure-link": "error",
                "img-heavy": "warning",
            },
        }
    )
    assert config.strict is True
    assert (config.image_max_bytes, config.image_max_scale) == (300_000, 3)
    assert config.ignore_pages == ("google*.html",)  # a list is kept as a tuple
    assert config.levels == {
        "img-no-size": "ignore",
        "insecure-link": "error",
        "img-heavy": "warning",
    }
    assert (config.enabled, config.image_ratio_tolerance) == (True, 0.01)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "SITECHECK_ENABLED",
            "yes",
            "must be True or False, not 'yes' (default: True)",
        ),
        (
            "SITECHECK_IMAGE_MAX_BYTES",
            "200KB",
            "must be a whole number, not '200KB' (default: 200000)",
        ),
        (
            "SITECHECK_IMAGE_MAX_BYTES",
            True,
            "must be a whole number, not True (default: 200000)",
        ),
        (
            "SITECHECK_IMAGE_MAX_BYTES",
            2.5e5,
            "must be a whole number, not 250000.0 (default: 200000)",
        ),
        ("SITECHECK_IMAGE_MAX_SCALE", "2", "must be a number, not '2' (default: 2.0)"),
        (
            "SITECHECK_EXTERNAL_EXCLUDE",
            "^https://x/",
            "must be a list, not '^https://x/' (default: ())",
        ),
        (
            "SITECHECK_LEVELS",
            ["img-no-size"],
            "must be a dict, not ['img-no-size'] (default: {})",
        ),
        ("SITECHECK_REPORT_PATH", 1, "must be a path or None, not 1 (default: None)"),
        (
            "SITECHECK_HTTP_LINKS_ALLOWED",
            ["(http"],
            ": '(http' is not a regular expression (missing ), unterminated"
            " subpattern at position 0)",
        ),
    ],
)
def test_a_mistyped_setting_names_itself(name, value, message):
    with pytest.raises(SettingsError) as raised:
        Config.from_settings({name: value})
    assert str(raised.value) == f"{name} {message}".replace(" :", ":")


@pytest.mark.parametrize(
    "levels", [{"broken-links": "error"}, {"broken-link": "fatal"}, {"x": "ignore"}]
)
def test_levels_must_map_a_check_code_to_a_level(levels):
    ((code, level),) = levels.items()
    with pytest.raises(SettingsError) as raised:
        Config.from_settings({"SITECHECK_LEVELS": levels})
    assert str(raised.value) == (
        f"SITECHECK_LEVELS: {code!r}: {level!r} must map a check code (see the"
        " README) to 'error', 'warning' or 'ignore'"
    )
