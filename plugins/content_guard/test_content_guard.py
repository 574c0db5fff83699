import copy
import logging
import uuid
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pelican.settings import DEFAULT_CONFIG

from content_guard.content_guard import (
    CheckedMarkdownReader,
    ContentError,
    check_metadata,
    date_problem,
    dedupe,
    header_lines,
    unread_files,
)

SOURCE = "content/news/x.md"


def settings(tmp_path, **extra):
    return {**copy.deepcopy(DEFAULT_CONFIG), "PATH": str(tmp_path / "content"), **extra}


def item(path, save_as):
    return SimpleNamespace(
        source_path=f"/site/content/{path}",
        save_as=save_as,
        url=save_as.removesuffix("index.html"),
    )


def test_the_later_file_of_a_clash_is_reported_and_left_out(caplog):
    first = item("news/2021-04-13-schedule.md", "news/2021/schedule/index.html")
    clash = item("news/2021-05-01-schedule.md", "news/2021/schedule/index.html")
    draft = item("news/2021-06-01-draft.md", "drafts/schedule/index.html")
    generator = SimpleNamespace(
        settings={"PATH": "/site/content"},
        articles=[clash, first],
        hidden_articles=[],
        drafts=[draft],
    )
    with caplog.at_level(logging.ERROR):
        dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.articles == [first]
    assert generator.drafts == [draft]
    [record] = caplog.records
    assert record.getMessage().startswith(
        "content/news/2021-05-01-schedule.md: its address /news/2021/schedule/ is "
        "already used by content/news/2021-04-13-schedule.md"
    )
    assert record.finding["source"] == "content/news/2021-05-01-schedule.md"
    assert record.finding["fix"] == "give one of them another Slug:"


def test_a_hidden_post_cannot_take_a_published_address():
    published = item("news/a.md", "news/2021/a/index.html")
    hidden = item("news/b.md", "news/2021/a/index.html")
    generator = SimpleNamespace(
        settings={"PATH": "/site/content"},
        articles=[published],
        hidden_articles=[hidden],
        drafts=[],
    )
    dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.hidden_articles == []


def test_drafts_written_nowhere_do_not_clash(caplog):
    # Production writes no drafts (DRAFT_SAVE_AS = ""): no address, no clash.
    drafts = [item("news/a.md", ""), item("news/b.md", "")]
    generator = SimpleNamespace(
        settings={"PATH": "/site/content"},
        articles=[],
        hidden_articles=[],
        drafts=list(drafts),
    )
    with caplog.at_level(logging.ERROR):
        dedupe(generator, ("articles", "hidden_articles", "drafts"))
    assert generator.drafts == drafts and not caplog.messages


def test_header_lines_follow_python_markdown_meta():
    text = "---\nTitle: A\nTags: a,\n    b\nSummary: s\n\nNot: metadata\n"
    assert header_lines(text) == [
        (2, "Title", "A"),
        (3, "Tags", "a,"),
        (5, "Summary", "s"),
    ]
    assert header_lines("Just text\nTitle: no\n") == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2021-05-07", None),
        ("2021-05-07 13:45", None),
        ("2021-13-45", "'2021-13-45' is not a valid date"),
        ("2021-02-30 10:00", "'2021-02-30 10:00' is not a valid date"),
        ("2021-05-07 25:00", "'2021-05-07 25:00' is not a valid date"),
        ("05/07/2021", "'05/07/2021' is not a date in the form YYYY-MM-DD"),
        ("7 May 2021", "'7 May 2021' is not a date in the form YYYY-MM-DD"),
        ("2021-05-07T13:45", "'2021-05-07T13:45' is not a date in the form"),
    ],
)
def test_dates_must_be_unambiguous(value, problem):
    found = date_problem(value)
    if problem is None:
        assert found is None
    else:
        assert found[0].startswith(problem)


def test_an_ambiguous_date_offers_both_readings():
    assert date_problem("05/07/2021")[1] == (
        "2021-07-05 or 2021-05-07, whichever you meant"
    )
    # 13 cannot be a month: no second reading to offer, only the form.
    assert date_problem("13/05/2021")[1] == "2021-05-13"
    assert date_problem("07/05/2021")[1].startswith("2021-05-07 or 2021-07-05")
    assert date_problem("May 7, 2021")[1] == "2021-05-07 or 2021-05-07 13:45"


def test_unknown_keys_name_the_nearest_known_one(tmp_path, caplog):
    text = "Title: A\nStauts: draft\nNav_title: A\nColour: red\n\nText\n"
    config = settings(tmp_path, CONTENT_GUARD_EXTRA_METADATA=["Nav_title"])
    # Pelican's loggers drop a warning they logged before in this process: a
    # source of this test run's own.
    source = f"{tmp_path}/x.md"
    with caplog.at_level(logging.WARNING):
        check_metadata(text, source, config)
    first, second = caplog.records
    assert first.levelno == logging.WARNING
    assert first.finding == {
        "source": source,
        "line": 2,
        "message": "unknown metadata 'Stauts:'",
        "fix": "did you mean Status:?",
    }
    assert second.finding["line"] == 4 and second.finding["fix"].startswith(
        "use one of Title:, Date:"
    )
    assert first.getMessage() == (
        f"{source}:2: unknown metadata 'Stauts:'; fix: did you mean Status:?"
    )


def test_keys_with_a_default_are_known(tmp_path, caplog):
    config = settings(tmp_path, DEFAULT_METADATA={"venue": "virtual"})
    with caplog.at_level(logging.WARNING):
        check_metadata("Title: A\nVenue: Zoom\n\nText\n", f"{tmp_path}/v.md", config)
    assert caplog.records == []


def test_unknown_keys_are_errors_where_the_settings_say(tmp_path, caplog):
    config = settings(tmp_path, CONTENT_GUARD_UNKNOWN_METADATA="error")
    with caplog.at_level(logging.WARNING):
        check_metadata("Title: A\nSumary: s\n\nText\n", f"{tmp_path}/x.md", config)
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


@pytest.mark.parametrize(
    ("text", "line", "message", "fix"),
    [
        ("", None, "the file is empty", "write a Title: line"),
        ("  \n\n", None, "the file is empty", "write a Title: line"),
        ("Date: 2021-05-01\n\nText\n", 1, "no Title: line", "start the file with"),
        ("Text only\n", 1, "no Title: line", "start the file with"),
        (
            "Title: A\nStatus: publised\n",
            2,
            "unknown status 'publised'",
            "write Status: published (one of published, draft, hidden, skip)",
        ),
        (
            "Title: A\nStatus: later\n",
            2,
            "unknown status 'later'",
            "write Status: draft",
        ),
        (
            "Title: A\nModified: 2021/05/01\n",
            2,
            "'2021/05/01' is not a date",
            "write Modified: ",
        ),
    ],
)
def test_files_that_cannot_be_published_as_meant_are_refused(
    tmp_path, text, line, message, fix
):
    with pytest.raises(ContentError) as raised:
        check_metadata(text, SOURCE, settings(tmp_path))
    finding = raised.value.finding
    assert finding["source"] == SOURCE and finding["line"] == line
    assert finding["message"].startswith(message)
    assert finding["fix"].startswith(fix)
    where = SOURCE + (f":{line}" if line else "")
    assert str(raised.value).startswith(f"{where}: {message}")


def test_statuses_are_read_as_pelican_reads_them(tmp_path):
    for status in ("draft", "Hidden", "published", "skip"):
        check_metadata(f"Title: A\nStatus: {status}\n", SOURCE, settings(tmp_path))


def write(root, relative, text="Title: A\n\nText\n"):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_files_pelican_does_not_read_are_named_with_where_they_belong(tmp_path):
    content = tmp_path / "content"
    for name in (
        "news/ok.md",
        "pages/ok.md",
        "news/notes.txt",
        "stray.md",
        "images/readme.txt",
        "news/.draft.md",
        "data/x.yaml",
        "pages/about.rst",
        "README.md",
        "old/.hidden.md",  # ignored by its path
        "old/.#lock.md",  # ignored by its name (an editor's lock file)
    ):
        write(content, name)
    config = settings(
        tmp_path,
        ARTICLE_PATHS=["news"],
        PAGE_PATHS=["pages"],
        STATIC_PATHS=["images"],
        IGNORE_FILES=["**/.*", "README.md", ".#*"],
    )
    expected = [
        ("content/news/notes.txt", "rename it to notes.md"),
        (
            "content/stray.md",
            "move it to content/news/ (posts) or content/pages/ (pages)",
        ),
    ]
    assert unread_files(config, {"md", "rst", "html"}) == expected
    # Folders written with a slash, as Pelican also takes them.
    slashed = {**config, "ARTICLE_PATHS": ["news/"], "PAGE_PATHS": ["pages/"]}
    slashed["STATIC_PATHS"] = ["images/"]
    assert unread_files(slashed, {"md", "rst", "html"}) == expected
    # Without a reST reader, a .rst page is not read either.
    assert ("content/pages/about.rst", "rename it to about.md") in unread_files(
        config, {"md"}
    )


def test_the_extensions_read_are_those_of_enabled_readers(monkeypatch):
    class Enabled:
        enabled = True

    class Disabled:  # e.g. the reST reader without docutils
        enabled = False

    class Plain:  # a reader with no `enabled` of its own
        pass

    from content_guard import content_guard

    monkeypatch.setattr(content_guard, "_reader_extensions", set())
    readers = SimpleNamespace(
        reader_classes={"md": Enabled, "rst": Disabled, "htm": Plain, "txt": None}
    )
    content_guard.remember_extensions(readers)
    assert content_guard._reader_extensions == {"md", "htm"}


def test_the_reader_escapes_titles_and_summaries_and_checks_first(tmp_path):
    config = settings(tmp_path, FORMATTED_FIELDS=[])
    write(
        tmp_path / "content",
        "news/a.md",
        "Title: Tom & Jerry <b>\nSummary: 1 < 2\nTags: x\n\nBody <em>kept</em>\n",
    )
    content, metadata = CheckedMarkdownReader(config).read(
        str(tmp_path / "content/news/a.md")
    )
    assert metadata["title"] == "Tom &amp; Jerry &lt;b&gt;"
    assert metadata["summary"] == "1 &lt; 2"
    assert "<em>kept</em>" in content
    # A summary written in Markdown (FORMATTED_FIELDS) is HTML, not escaped.
    markdown_summary = CheckedMarkdownReader(settings(tmp_path)).read(
        str(tmp_path / "content/news/a.md")
    )[1]["summary"]
    assert markdown_summary == "<p>1 &lt; 2</p>"
    (tmp_path / "content/news/b.md").write_bytes(b"Title: Caf\xe9\n\nText\n")
    with pytest.raises(ContentError, match=r"b\.md:1: not UTF-8 text \(byte 0xe9\)"):
        CheckedMarkdownReader(config).read(str(tmp_path / "content/news/b.md"))


@pytest.fixture
def built_site(tmp_path, caplog):
    """A small site built in this process with only this plugin; its receivers
    are disconnected afterwards (Pelican's signals outlive a build)."""
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    from content_guard import content_guard

    # Pelican drops a warning it logged before in this process: names of this
    # run's own (the pages folder's name is part of each message).
    pages = f"pages-{uuid.uuid4().hex[:8]}"
    content = tmp_path / "content"
    write(
        content,
        "news/a.md",
        "Title: Tom & Jerry <b>\nDate: 2021-05-01\nSlug: a\n\nText\n",
    )
    write(content, "news/b.md", "Title: B\nDate: 2021-05-02\nSlug: a\n\nText\n")
    write(content, "news/c.md", "Title: C\nDate: 05/07/2021\n\nText\n")
    write(content, f"{pages}/p.md", "Title: P\nColor: red\n\nText\n")
    write(content, f"{pages}/d.txt")
    settings = read_settings(
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "PLUGINS": [content_guard],
            "ARTICLE_PATHS": ["news"],
            "PAGE_PATHS": [pages],
            "ARTICLE_URL": "{slug}/",
            "ARTICLE_SAVE_AS": "{slug}/index.html",
            "FORMATTED_FIELDS": [],
            "ARTICLE_TRANSLATION_ID": None,
            "CACHE_CONTENT": False,
            "SITEURL": "",
        }
    )
    with caplog.at_level(logging.WARNING):
        try:
            Pelican(settings).run()
        finally:
            signals.readers_init.disconnect(content_guard.use_checked_reader)
            signals.readers_init.disconnect(content_guard.remember_extensions)
            signals.article_generator_pretaxonomy.disconnect(
                content_guard.dedupe_articles
            )
            signals.page_generator_finalized.disconnect(content_guard.dedupe_pages)
            signals.all_generators_finalized.disconnect(
                content_guard.report_unread_files
            )
    findings = [r.finding for r in caplog.records if hasattr(r, "finding")]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    return tmp_path / "out", findings, errors, pages


def test_a_build_with_the_plugin_reports_each_mistake_once(built_site):
    output, findings, errors, pages = built_site
    by_source = {(f["source"].split("content/")[-1], f["message"]) for f in findings}
    assert by_source == {
        ("news/b.md", "its address /a/ is already used by content/news/a.md"
         " (left out of this build)"),
        ("news/c.md", "'05/07/2021' is not a date in the form YYYY-MM-DD"),
        (f"{pages}/d.txt", "Pelican does not read this file"),
        (f"{pages}/p.md", "unknown metadata 'Color:'"),
    }  # fmt: skip
    # The refused file is reported once with its reason, and left out.
    assert any("c.md:2: '05/07/2021' is not a date" in e for e in errors)
    assert not (output / "c").exists()
    page = BeautifulSoup((output / "a/index.html").read_text(encoding="utf-8"), "lxml")
    assert "Tom & Jerry <b>" in page.select_one("article h1").get_text()  # as text
    assert page.find("b") is None
