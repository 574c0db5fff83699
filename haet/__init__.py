"""The site's own code, one Pelican plugin (README.md beside this file).

`register()` connects every receiver here, in the order a build needs them;
nothing depends on where "haet" stands in PLUGINS.
"""

from pelican import signals

from . import content, data, event, feeds, findings


def finish_last(pelican):
    """Connected at `initialized`, which Pelican sends after every plugin's
    register(): so `findings.finish` runs after every other `finalized`
    receiver (the site checker's included) has logged what it found."""
    signals.finalized.connect(findings.finish)


def register():
    signals.initialized.connect(findings.install)  # first: records from here on
    signals.initialized.connect(content.refuse_outside_links)
    signals.initialized.connect(data.load_edition)
    signals.initialized.connect(event.stamp_sitemap)
    signals.initialized.connect(finish_last)
    signals.get_generators.connect(event.get_generators)
    signals.readers_init.connect(content.use_checked_reader)
    signals.readers_init.connect(content.remember_extensions)
    signals.generator_init.connect(event.add_jsonld_filter)
    signals.article_generator_pretaxonomy.connect(content.publish_by_day)
    signals.article_generator_pretaxonomy.connect(content.dedupe_articles)
    signals.page_generator_finalized.connect(content.dedupe_pages)
    signals.page_generator_finalized.connect(content.link_pages)  # after dedupe
    signals.all_generators_finalized.connect(content.report_unread_files)
    signals.all_generators_finalized.connect(content.unlink_unpublished)
    signals.feed_generated.connect(feeds.describe_feed)
    signals.feed_generated.connect(feeds.absolutise_feed)
