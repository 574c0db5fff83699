"""What the published site lets a browser do: only its own files load, no
inline script or event handler, no insecure resource, no tab-napping."""

import re

from sitetools import html_pages, soup

STRICT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


def pages(site):
    for path in html_pages(site):
        yield path, soup(site, str(path.relative_to(site)))


def test_every_page_carries_the_strict_policy(prod_site):
    for path, page in pages(prod_site):
        policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy and policy["content"] == STRICT_POLICY, path
        # The policy must come before anything it governs.
        first_resource = page.head.find(["link", "script"])
        assert first_resource in policy.find_all_next(["link", "script"]), path


def test_headers_file_for_hosts_that_read_it(prod_site):
    headers = (prod_site / "_headers").read_text()
    assert headers.startswith("/*\n")
    assert (
        f"Content-Security-Policy: {STRICT_POLICY}; frame-ancestors 'none'" in headers
    )
    assert "X-Content-Type-Options: nosniff" in headers
    assert "&#39;" not in headers


def test_no_inline_scripts_or_event_handlers(prod_site):
    for path, page in pages(prod_site):
        for script in page.find_all("script"):
            # Data blocks (JSON-LD) are not executed, so the policy allows them.
            assert script.get("src") or script.get("type") == "application/ld+json", (
                path
            )
        handlers = [
            (tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs
            if attr.lower().startswith("on")
        ]  # fmt: skip
        assert handlers == [], path
        assert not page.find_all(attrs={"style": True}), path


def test_no_insecure_resources_and_no_tab_napping(prod_site):
    for path, page in pages(prod_site):
        for tag, attr in (("img", "src"), ("script", "src"), ("link", "href"),
                          ("source", "srcset"), ("iframe", "src")):  # fmt: skip
            for element in page.find_all(tag, attrs={attr: True}):
                assert not element[attr].startswith("http://"), (path, element)
        for link in page.find_all("a", target=True):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", [])), path


def test_contact_addresses_are_not_harvestable_but_readable(prod_site):
    for path, page in pages(prod_site):
        assert not page.find_all("a", href=re.compile("^mailto:")), path
        assert not re.search(r"[\w.]+@[\w-]+\.\w+", page.get_text()), path
    contact = soup(prod_site, "organisers/").find(id="contact").find_next("p")
    assert "ghouthi.bouklihacene (at) imt-atlantique.fr" in " ".join(
        contact.get_text().split()
    )


def test_robots_and_sitemap(prod_site):
    robots = (prod_site / "robots.txt").read_text()
    assert "Sitemap: https://haet2021.github.io/sitemap.xml" in robots
    sitemap = (prod_site / "sitemap.xml").read_text()
    urls = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert "https://haet2021.github.io/" in urls
    assert "https://haet2021.github.io/papers/" in urls
    assert "https://haet2021.github.io/news/2021/schedule/" in urls
    assert not [u for u in urls if re.search(r"drafts|404|_headers|robots", u)]
    assert len(urls) == len(set(urls))


def test_the_theme_escapes_titles_whatever_the_plugins_do(tmp_path):
    """Without content_guard (nothing escapes titles when they are read), a
    title that an organiser typed still arrives as text, never as markup."""
    from sitetools import build_site, copy_project

    project = copy_project(tmp_path / "site")
    settings = project / "pelicanconf.py"
    settings.write_text(
        settings.read_text().replace('    "content_guard",\n', "", 1), "utf-8"
    )
    hostile = '<script>alert(1)</script><b onmouseover="x()">Bold</b>'
    (project / "content/news/2021-05-01-hostile.md").write_text(
        f"Title: {hostile}\nDate: 2021-05-01 10:00\nSlug: hostile\n"
        "Summary: Hostile.\n\nText.\n"
    )
    result = build_site(tmp_path / "out", settings, project / "content", fatal=None)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("news/2021/hostile/", "news/", "news/archive/", ""):
        html = soup(tmp_path / "out", page)
        assert not [s for s in html.find_all("script") if "alert" in s.get_text()]
        assert not html.find_all(attrs={"onmouseover": True}), page
