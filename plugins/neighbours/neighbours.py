"""Give each announcement its chronological neighbours: `prev_article` (earlier)
and `next_article` (later), for the links at the end of a post."""

from pelican import signals


def link_neighbours(articles):
    """Set prev_article/next_article on articles sorted newest first; O(n)."""
    by_date = sorted(articles, key=lambda article: article.date)
    for earlier, later in zip(by_date, by_date[1:], strict=False):
        later.prev_article = earlier
        earlier.next_article = later
    if by_date:
        by_date[0].prev_article = None
        by_date[-1].next_article = None


def add_neighbours(generator):
    link_neighbours(generator.articles)


def register():
    signals.article_generator_finalized.connect(add_neighbours)
