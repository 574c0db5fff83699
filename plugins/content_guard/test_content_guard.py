import logging
from types import SimpleNamespace

from content_guard.content_guard import dedupe


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
