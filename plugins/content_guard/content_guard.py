"""Guard the site against what organisers type: plain-text metadata arrives as
text, and two pieces of content never share one address.

Titles and summaries are plain text, but Pelican hands them to typogrify and to
templates as HTML, so `<script>` in a title would run. The reader escapes them
first; typogrify then adds its entities and spans to safe text.

Pelican 4.12 warns when two posts share a slug, then stops with an exception
while writing the second one (FileOverwriteFailedError); before 4.12 it silently
overwrote one. This plugin reports each clash as one error naming both source
files and leaves the later file out, so a development build goes on and shows
the rest of the site, while a production build (fatal on errors) stops.
"""

import logging
from html import escape
from pathlib import Path

from pelican import signals
from pelican.readers import MarkdownReader

logger = logging.getLogger(__name__)


def drop_duplicates(items, taken, base_path):
    """Keep the first item for each save_as; log and drop the others."""
    kept = []
    for item in sorted(items, key=lambda item: item.source_path):
        first = taken.setdefault(item.save_as, item)
        if first is item:
            kept.append(item)
            continue
        logger.error(
            "%s: its address /%s is already used by %s; give one of them another "
            "Slug: (left out of this build)",
            Path(item.source_path).relative_to(base_path),
            item.url,
            Path(first.source_path).relative_to(base_path),
        )
    return kept


def dedupe(generator, names):
    taken = {}
    for name in names:
        items = getattr(generator, name)
        kept = drop_duplicates(items, taken, generator.path)
        if len(kept) != len(items):
            items[:] = [item for item in items if item in kept]  # keep the order


def dedupe_articles(generator):
    dedupe(generator, ("articles", "hidden_articles", "drafts"))


def dedupe_pages(generator):
    dedupe(generator, ("pages", "hidden_pages", "draft_pages"))


class PlainTextMetadataReader(MarkdownReader):
    """Markdown reader whose plain-text metadata fields come out HTML-escaped."""

    def read(self, source_path):
        content, metadata = super().read(source_path)
        for name in self.settings.get("CONTENT_GUARD_PLAIN_TEXT_FIELDS", ()):
            if isinstance(metadata.get(name), str):
                # quote=False: typogrify still sees the quotes it curls.
                metadata[name] = escape(metadata[name], quote=False)
        return content, metadata


def use_plain_text_reader(readers):
    for extension, reader in readers.reader_classes.items():
        if reader is MarkdownReader:
            readers.reader_classes[extension] = PlainTextMetadataReader


def register():
    signals.readers_init.connect(use_plain_text_reader)
    signals.article_generator_pretaxonomy.connect(dedupe_articles)
    signals.page_generator_finalized.connect(dedupe_pages)
