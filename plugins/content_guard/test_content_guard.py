import copy
import logging
from html import escape
from types import SimpleNamespace

from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from content_guard.content_guard import PlainTextMetadataReader, dedupe


def item(path, save_as):
    return SimpleNamespace(source_path=f"/site/content/{path}", save_as=save_as,
                           url=save_as.removesuffix("index.html"))  # fmt: skip


def test_the_later_file_of_a_clash_is_reported_and_left_out(caplog):
    first = item("news/2021-04-13-schedule.md", "news/2021/schedule/index.html")
    clash = item("news/2021-05-01-schedule.md", "news/2021/schedule/index.html")
    draft = item("news/2021-06-01-draft.md", "drafts/schedule/index.html")
    generator = SimpleNamespace(
        path="/site/content",
        articles=[clash, first],
        hidden_articles=[],
        drafts=[draft],
    )
    with caplog.at_level(logging.ERROR):
        dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.articles == [first]
    assert generator.drafts == [draft]
    [message] = caplog.messages
    assert message.startswith(
        "news/2021-05-01-schedule.md: its address /news/2021/schedule/ is already "
        "used by news/2021-04-13-schedule.md"
    )


def test_a_hidden_post_cannot_take_a_published_address():
    published = item("news/a.md", "news/2021/a/index.html")
    hidden = item("news/b.md", "news/2021/a/index.html")
    generator = SimpleNamespace(
        path="/site/content", articles=[published], hidden_articles=[hidden], drafts=[]
    )
    dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.hidden_articles == []


def test_drafts_written_nowhere_do_not_clash(caplog):
    # Production writes no drafts (DRAFT_SAVE_AS = ""): no address, no clash.
    drafts = [item("news/a.md", ""), item("news/b.md", "")]
    generator = SimpleNamespace(
        path="/site/content", articles=[], hidden_articles=[], drafts=list(drafts)
    )
    with caplog.at_level(logging.ERROR):
        dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.drafts == drafts and not caplog.messages


MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}
# What Python-Markdown keeps between documents if not reset: footnotes,
# reference links, abbreviations, heading ids, metadata.
FILES = {
    "a.md": "Title: A <b>\nTags: x, y\n\n# Intro\n\nAn HTML note[^1] and [a][r].\n\n"
    "[^1]: First.\n[r]: /a/\n*[HTML]: Hyper Text Markup Language\n",
    "b.md": "Title: B\n\n# Intro\n\n# Intro\n\nMore HTML[^1], [a][r].\n\n[^1]: Two.\n",
    "c.md": "Title: C\nSummary: No body.\n",
}


def test_one_reader_reads_every_file_as_a_fresh_one_would(tmp_path):
    settings = {
        **copy.deepcopy(DEFAULT_CONFIG),
        "MARKDOWN": MARKDOWN,
        "CONTENT_GUARD_PLAIN_TEXT_FIELDS": ["title"],
    }
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    reader = PlainTextMetadataReader(settings)
    for name in [*FILES, *reversed(FILES)]:
        content, metadata = reader.read(str(tmp_path / name))
        fresh = MarkdownReader(copy.deepcopy(settings)).read(str(tmp_path / name))
        assert content == fresh[0]
        assert metadata == {**fresh[1], "title": escape(fresh[1]["title"])}
    assert metadata["title"] == "A &lt;b&gt;"
