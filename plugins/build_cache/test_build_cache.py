import copy
import datetime as dt
from types import SimpleNamespace

import smartypants
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from typogrify.filters import typogrify

from build_cache.build_cache import (
    ArticleList,
    TypogrifyMemo,
    cache_key,
    freeze_urls,
    index_article_lists,
)


def settings(tmp_path, **changes):
    plugins = tmp_path / "plugins"
    (plugins / "a_plugin").mkdir(parents=True, exist_ok=True)
    return {**copy.deepcopy(DEFAULT_CONFIG), "PLUGIN_PATHS": [str(plugins)], **changes}


def test_the_key_changes_with_any_setting_or_plugin_code(tmp_path):
    code = tmp_path / "plugins" / "a_plugin" / "__init__.py"
    base = settings(tmp_path)
    code.write_text("VALUE = 1\n")
    key = cache_key(base)
    assert cache_key(copy.deepcopy(base)) == key
    # Whether to cache is not what the cache depends on.
    assert cache_key({**base, "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}) == key
    assert cache_key({**base, "MARKDOWN": {"output_format": "xhtml"}}) != key
    assert cache_key({**base, "TAG_URL": "topics/{slug}/"}) != key
    code.write_text("VALUE = 2\n")
    assert cache_key(base) != key


def test_typogrify_results_are_reused_by_text_and_options(tmp_path):
    calls = []

    def counting_typogrify(text, *args, **kwargs):
        calls.append(text)
        return typogrify(text, *args, **kwargs)

    memo = TypogrifyMemo(counting_typogrify)
    text = '"NASA" -- and ... more'
    assert memo(text, []) == typogrify(text, [])
    assert memo(text, []) == typogrify(text, []) and len(calls) == 1
    assert memo(text, [], caps=False) == typogrify(text, [], caps=False)
    default = smartypants.Attr.default
    try:  # Pelican sets the dash style this way before each call
        smartypants.Attr.default = smartypants.Attr.set2
        assert memo(text, []) == typogrify(text, [])
    finally:
        smartypants.Attr.default = default
    assert len(calls) == 3

    memo.save(tmp_path / "typogrify.pickle")
    later = TypogrifyMemo(counting_typogrify)
    later.load(tmp_path / "typogrify.pickle")
    assert later(text, []) == typogrify(text, []) and len(calls) == 3
    later.save(tmp_path / "typogrify.pickle")  # keeps only what this build used
    last = TypogrifyMemo(counting_typogrify)
    last.load(tmp_path / "typogrify.pickle")
    assert len(last.previous) == 1


def test_an_unreadable_typogrify_cache_is_ignored(tmp_path):
    (tmp_path / "broken.pickle").write_bytes(b"not a pickle")
    memo = TypogrifyMemo(typogrify)
    memo.load(tmp_path / "broken.pickle")
    assert memo.previous == {}


def test_urls_are_computed_once_and_stay_the_same():
    settings = copy.deepcopy(DEFAULT_CONFIG)
    article = Article(
        "<p>x</p>",
        {"title": "T", "date": dt.datetime(2021, 5, 7), "slug": "t"},
        settings=settings,
    )
    url = article.url
    assert url == "t.html"
    freeze_urls([SimpleNamespace(articles=[article])])
    assert article.override_url == url == article.url
    article.slug = "changed"  # no longer read: the URL is final
    assert article.url == url


def test_article_lists_answer_in_by_identity():
    first, second, other = object(), object(), object()
    generator = SimpleNamespace(
        tags={"t": [first, second]}, categories=[("c", [second])], authors=[]
    )
    index_article_lists(generator)
    assert isinstance(generator.tags["t"], ArticleList)
    assert generator.tags["t"] == [first, second]
    assert first in generator.tags["t"] and other not in generator.tags["t"]
    [(category, articles)] = generator.categories
    assert category == "c" and second in articles and first not in articles
    assert [a for a in [other, second, first] if a in generator.tags["t"]] == [
        second,
        first,
    ]
