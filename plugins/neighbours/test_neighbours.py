import datetime as dt
from types import SimpleNamespace

from neighbours.neighbours import link_neighbours


def test_neighbours_follow_dates_whatever_the_input_order():
    posts = [SimpleNamespace(date=dt.datetime(2021, 1, day)) for day in (3, 1, 2)]
    link_neighbours(posts)
    third, first, second = posts
    assert first.prev_article is None and first.next_article is second
    assert second.prev_article is first and second.next_article is third
    assert third.prev_article is second and third.next_article is None


def test_no_articles():
    link_neighbours([])
