"""The fix for a link to a missing path: a URL that exists, only when it is
plausibly the one meant; else None (the finding gives the generic fix).

Plausible, in this order: the same path in other letter case (/AIMS/ for
/aims/); the same file name with another extension of the same kind
(photo.jpeg for photo.jpg); a near spelling in the same folder, of the same
kind, whose numbers are the same (cfp/ for cpf/: a letter added, dropped,
changed or swapped per 8 letters; but never figure-12.png for figure-13.png,
another post's image); the same name in the nearest other folder. Never
the page that has the link.
"""

import os
import re

_KINDS = {
    "": "page",
    ".html": "page",
    ".htm": "page",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".gif": "image",
    ".webp": "image",
    ".avif": "image",
    ".svg": "image",
}
_NUMBERS = re.compile(r"\d+")


def kind(url):
    """ "page", "image", or the extension itself (".vtt" matches only ".vtt")."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    extension = "" if url.endswith("/") else os.path.splitext(name)[1].lower()
    return _KINDS.get(extension, extension)


class Suggestions:
    """Plausible targets among the output's public URLs, cached by path."""

    def __init__(self, files):
        self.urls = sorted(name.removesuffix("index.html") for name in files)
        self._cache = {}

    def best(self, path, page_url):
        """The most plausible URL for missing `path`, not `page_url`; or None."""
        if path not in self._cache:
            self._cache[path] = self._candidates(path)
        return next((url for url in self._cache[path] if url != page_url), None)

    def _candidates(self, path):
        wanted = path.rstrip("/").lower()
        same_kind = [url for url in self.urls if kind(url) == kind(path)]
        found = [url for url in same_kind if url.rstrip("/").lower() == wanted]
        if kind(path) != "page":
            stem = os.path.splitext(wanted)[0]
            found += [u for u in same_kind if os.path.splitext(u.lower())[0] == stem]
        folder, _, name = wanted.rpartition("/")
        found += _near_spellings(same_kind, folder, name)
        found += _nearest_folder(same_kind, folder, name)
        return list(dict.fromkeys(found))


def _near_spellings(urls, folder, name):
    """At most two URLs in `folder` a few typos from `name`, same numbers."""
    near = []
    for url in urls:
        other_folder, _, other = url.rstrip("/").lower().rpartition("/")
        if other_folder != folder or other == name:
            continue
        if _NUMBERS.findall(other) != _NUMBERS.findall(name):
            continue
        distance = typos(name, other)
        if distance <= max(1, len(name) // 8):
            near.append((distance, url))
    return [url for _, url in sorted(near)[:2]]


def _nearest_folder(urls, folder, name):
    """The URL of `name` in the nearest other folder, if no other is as near."""
    segments = folder.split("/")
    elsewhere = []
    for url in urls:
        other_folder, _, other = url.rstrip("/").lower().rpartition("/")
        if other == name and name and other_folder != folder:
            shared = _common(segments, other_folder.split("/"))
            distance = len(segments) + other_folder.count("/") + 1 - 2 * shared
            elsewhere.append((distance, url))
    elsewhere.sort()
    if elsewhere and (len(elsewhere) == 1 or elsewhere[0][0] < elsewhere[1][0]):
        return [elsewhere[0][1]]
    return []


def typos(a, b):
    """Edits from a to b: letters added, dropped, changed or swapped."""
    previous, row = None, list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if previous and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous[j - 2] + 1)
            current.append(cost)
        previous, row = row, current
    return row[-1]


def _common(a, b):
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count
