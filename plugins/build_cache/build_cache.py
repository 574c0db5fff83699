"""Faster builds and rebuilds, never wrong ones.

The first three work while Pelican's content cache is on (`invoke livereload`);
the last two in every build.

- Pelican's content cache (CACHE_CONTENT, LOAD_CONTENT_CACHE) keeps what the
  Markdown reader returned for each source file, checked against that file
  only. Yet the reader's output depends on the settings (MARKDOWN, and the tags
  it returns keep a copy of all settings for their URLs), on the plugins and on
  the libraries. The cache is used only while all of those are unchanged;
  otherwise this build reads everything again and writes a fresh cache.
- Pelican typogrifies content, titles and summaries after its cache, so a warm
  cache still typogrifies every post, a quarter of a rebuild. Typogrify's results
  are kept next to the content cache, by their input text and options.
- Jinja compiles every template anew in each build, and once per generator.
  With the cache on, compiled templates are kept too (Jinja checks each
  against its source).
- A post's `url` is worked out anew each time a template asks for it (Pelican
  copies its metadata for every call), and every page links many posts. Once
  all generators have read their content, URLs are final: each is stored where
  Pelican keeps a `URL:` from the post's metadata.
- Pelican writes each tag page after testing every post of the site for
  membership in the tag's list (and so for categories and authors): quadratic.
  The lists get a constant-time membership test.
"""

import hashlib
import json
import logging
import os
import pickle
import sys
from importlib import metadata
from pathlib import Path

import smartypants
import typogrify.filters
from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.contents import Article, Page

logger = logging.getLogger(__name__)

KEY_FILE = "build-cache-key"
TYPOGRIFY_FILE = "typogrify-cache.pickle"
TEMPLATES_FOLDER = "jinja"
# Whether to cache is not what the cached data depends on (and this plugin
# switches LOAD_CONTENT_CACHE off when the key has changed).
_NOT_IN_KEY = {"CACHE_CONTENT", "LOAD_CONTENT_CACHE"}
# The generators' lists of Article and Page objects.
_CONTENT_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)
_key_of_this_build = {}  # "key": the cache key, while caching is on


def cache_key(settings):
    """A digest of everything the content cache depends on besides the source
    files: every setting, the code of the local plugins, the installed
    libraries and Python. A setting whose repr changes from run to run only
    makes the cache useless, never wrong."""
    digest = hashlib.sha256(sys.version.encode())
    kept = {name: value for name, value in settings.items() if name not in _NOT_IN_KEY}
    digest.update(json.dumps(kept, sort_keys=True, default=repr).encode())
    libraries = sorted(f"{d.name}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(libraries).encode())
    for folder in settings.get("PLUGIN_PATHS", ()):
        for source in sorted(Path(folder).rglob("*.py")):
            digest.update(os.fsencode(source.relative_to(folder)))
            digest.update(source.read_bytes())
    return digest.hexdigest()


class TypogrifyMemo:
    """typogrify(), remembering its results by input text and options. Only the
    results used in a build are saved, so the file does not grow forever."""

    def __init__(self, typogrify):
        self.typogrify = typogrify
        self.previous, self.used = {}, {}

    def __call__(self, text, *args, **kwargs):
        digest = hashlib.blake2b(text.encode(), digest_size=16)
        # Pelican sets smartypants' dash style globally before each call.
        options = (args, sorted(kwargs.items()), smartypants.Attr.default)
        digest.update(repr(options).encode())
        key = digest.digest()
        result = self.used.get(key) or self.previous.get(key)
        if result is None:
            result = self.typogrify(text, *args, **kwargs)
        self.used[key] = result
        return result

    def load(self, path):
        try:
            with open(path, "rb") as file:
                self.previous = pickle.load(file)
        except (OSError, EOFError, ValueError, TypeError, AttributeError,
                pickle.UnpicklingError) as error:  # fmt: skip
            logger.debug("build_cache: no typogrify cache (%s)", error)
            self.previous = {}

    def save(self, path):
        with open(path, "wb") as file:
            pickle.dump(self.used, file, protocol=pickle.HIGHEST_PROTOCOL)
        self.previous, self.used = self.used, {}


def _cache_file(settings, name):
    return Path(settings["CACHE_PATH"]) / name


def check_cache_key(pelican):
    """initialized: use the content cache only if its key still matches."""
    settings = pelican.settings
    _key_of_this_build.clear()
    if not (settings["CACHE_CONTENT"] or settings["LOAD_CONTENT_CACHE"]):
        return
    key_file = _cache_file(settings, KEY_FILE)
    key = cache_key(settings)
    try:
        current = key_file.read_text() == key
    except OSError:
        current = False
    if not current:
        if settings["LOAD_CONTENT_CACHE"]:
            logger.info("build_cache: settings, plugins or libraries changed: "
                        "reading all content again")  # fmt: skip
        settings["LOAD_CONTENT_CACHE"] = False
        # A build stopped halfway must not leave a new key beside old caches.
        key_file.unlink(missing_ok=True)
    _key_of_this_build["key"] = key
    if settings["TYPOGRIFY"]:
        memo = _install_typogrify_memo()
        if settings["LOAD_CONTENT_CACHE"]:
            memo.load(_cache_file(settings, TYPOGRIFY_FILE))


def _install_typogrify_memo():
    # Pelican imports typogrify.filters.typogrify anew for every file it reads.
    if not isinstance(typogrify.filters.typogrify, TypogrifyMemo):
        typogrify.filters.typogrify = TypogrifyMemo(typogrify.filters.typogrify)
    return typogrify.filters.typogrify


def save_caches(generators):
    """all_generators_finalized: Pelican has saved its caches; save ours and
    the key that vouches for them all."""
    key = _key_of_this_build.get("key")
    settings = generators[0].settings if generators else {}
    if not key or not settings.get("CACHE_CONTENT"):
        return
    folder = Path(settings["CACHE_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(typogrify.filters.typogrify, TypogrifyMemo):
        typogrify.filters.typogrify.save(folder / TYPOGRIFY_FILE)
    (folder / KEY_FILE).write_text(key)


def cache_templates(generator):
    """generator_init: keep compiled templates while caching is on."""
    if _key_of_this_build.get("key") and hasattr(generator, "env"):
        folder = _cache_file(generator.settings, TEMPLATES_FOLDER)
        folder.mkdir(parents=True, exist_ok=True)
        generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def freeze_urls(generators):
    """all_generators_finalized: compute each Article's and Page's URL once."""
    for generator in generators:
        for name in _CONTENT_LISTS:
            for content in getattr(generator, name, ()):
                if isinstance(content, (Article, Page)):
                    content.override_url = content.url


class ArticleList(list):
    """A list of posts whose `in` takes constant time. Posts compare by
    identity (Content defines no __eq__); the list is final when made."""

    def __init__(self, articles):
        super().__init__(articles)
        self._ids = {id(article) for article in self}

    def __contains__(self, article):
        return id(article) in self._ids


def index_article_lists(generator):
    """article_generator_finalized: before tag, category and author pages."""
    for tag, articles in generator.tags.items():
        generator.tags[tag] = ArticleList(articles)
    for name in ("categories", "authors"):
        pairs = getattr(generator, name)
        setattr(generator, name, [(key, ArticleList(value)) for key, value in pairs])


def register():
    signals.initialized.connect(check_cache_key)
    signals.generator_init.connect(cache_templates)
    signals.all_generators_finalized.connect(save_caches)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.article_generator_finalized.connect(index_article_lists)
