"""Which file to edit for each output file: the content file behind a page,
the content files a listing page shows, the file copied as it is, else the
theme. The plugin fills it from a build's signals; the command reads the
content as Pelican does (read_content); without settings, each output file
names itself (of_output)."""

import logging
import os
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Sources:
    output: str
    project: str = "."  # content file paths are relative to it
    theme: str = "theme"  # what findings outside any content file name
    pages: dict = field(default_factory=dict)  # page -> content file (None: a list)
    contents: dict = field(default_factory=dict)  # page -> fn() -> content HTML
    static: dict = field(default_factory=dict)  # copied as it is -> its file
    listed: dict = field(default_factory=dict)  # listing page -> content files
    drafts: set = field(default_factory=set)  # output pages of drafts
    # Folders drafts are written to: pages there (a list of drafts for
    # previews) may link to drafts.
    draft_folders: tuple = ()
    # Feeds; every style sheet and sitemap*.xml of the output is checked too
    # (a sitemap plugin writes at `finalized`, before this one).
    feeds: list = field(default_factory=list)
    _texts: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of_settings(cls, settings, output):
        project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
        templates = os.path.join(settings.get("THEME", "theme"), "templates")
        theme = _display(templates, project)
        if os.path.isabs(theme):  # an installed theme: never a site-packages path
            theme = f"theme {os.path.basename(os.path.dirname(theme))}"
        folders = [
            (settings.get(name) or "").split("{")[0].rpartition("/")[0]
            for name in ("DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS")
        ]
        drafts = tuple(folder + "/" for folder in folders if folder)
        return cls(output, project, theme, draft_folders=drafts)

    @classmethod
    def of_output(cls, output):
        """Without settings, each finding names the output file and its line."""
        sources = cls(output, theme=os.path.join(output, "(theme)"))
        for folder, _, names in os.walk(output):
            for name in names:
                path = os.path.join(folder, name)
                if name.endswith((".html", ".htm", ".xml", ".css")):
                    sources.add_static(sources.page(path), path)
                if name.endswith(".xml"):
                    sources.feeds.append(sources.page(path))
        return sources

    def page(self, path):
        """An output file's path as findings name it: relative to the output."""
        return os.path.relpath(path, self.output).replace(os.sep, "/")

    def add_content(self, path, content, siteurl=None):
        """An article's or page's output file, and the SITEURL its links were
        written for (by default the one Pelican's writer set for it)."""
        page = self.page(path)
        siteurl = content.get_siteurl() if siteurl is None else siteurl
        self.pages[page] = _display(content.source_path, self.project)
        self.contents[page] = lambda: content.get_content(siteurl)
        if getattr(content, "status", "published") == "draft":
            self.drafts.add(page)

    def add_listing(self, path, listed):
        """An index, tag or archive page (the theme's) and what it lists."""
        page = self.page(path)
        self.pages[page] = None
        self.listed[page] = [_display(c.source_path, self.project) for c in listed]

    def add_static(self, save_as, source_path):
        page = save_as.replace(os.sep, "/")
        self.static[page] = _display(source_path, self.project)
        if page.endswith((".html", ".htm")):
            self.pages[page] = self.static[page]

    def preview(self, page):
        """Whether `page` is not for visitors: a draft, or in the drafts' folder."""
        return page in self.drafts or page.startswith(self.draft_folders)

    def text(self, source):
        """A content file's text; "" if it cannot be read."""
        if source not in self._texts:
            try:
                path = os.path.join(self.project, source)
                with open(path, encoding="utf-8") as file:
                    self._texts[source] = file.read()
            except (OSError, UnicodeDecodeError):
                self._texts[source] = ""
        return self._texts[source]


def read_content(settings, output):
    """The Sources of a site built before: its content read as Pelican reads
    it, written nowhere (for the command); of_output if it cannot be read."""
    from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator
    from pelican.utils import get_relative_path, path_to_url

    context = {
        **settings,
        "generated_content": {},
        "static_links": set(),
        "static_content": {},
        "localsiteurl": settings["SITEURL"],
    }
    readers = logging.getLogger("pelican")
    level = readers.level
    readers.setLevel(logging.CRITICAL + 1)  # the build said what they say
    try:
        articles, pages, static = generators = [
            kind(context, settings, settings["PATH"], settings["THEME"], output)
            for kind in (ArticlesGenerator, PagesGenerator, StaticGenerator)
        ]
        for generator in generators:
            generator.generate_context()
    except Exception as error:  # noqa: BLE001 - the check goes on without sources
        logger.warning(
            "sitecheck: cannot read the content (%s): findings name the output files",
            error,
        )
        return Sources.of_output(output)
    finally:
        readers.setLevel(level)
    sources = Sources.of_settings(settings, output)
    for content in [
        *articles.articles,
        *articles.translations,
        *articles.drafts,
        *articles.drafts_translations,
        *pages.pages,
        *pages.translations,
        *pages.hidden_pages,
        *pages.draft_pages,
    ]:
        siteurl = settings["SITEURL"]
        if settings["RELATIVE_URLS"]:  # as Pelican's writer sets it for the page
            siteurl = path_to_url(get_relative_path(content.save_as))
        sources.add_content(os.path.join(output, content.save_as), content, siteurl)
    for static_file in static.staticfiles:
        sources.add_static(static_file.save_as, static_file.source_path)
    for folder, _, names in os.walk(output):
        for path in (os.path.join(folder, name) for name in names):
            page = sources.page(path)
            if page.endswith((".html", ".htm")) and page not in sources.pages:
                sources.add_listing(path, articles.articles)  # any article's
            elif page.endswith(".xml") and not page.rpartition("/")[2].startswith(
                "sitemap"
            ):
                sources.feeds.append(page)
    return sources


def _display(source, project):
    """A path as the organiser knows it: content/news/..., relative to the project."""
    relative = os.path.relpath(os.path.abspath(source), project)
    return source if relative.startswith("..") else relative.replace(os.sep, "/")
