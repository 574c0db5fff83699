"""What a check learnt about the pages that passed it, for the next build.

A development build rewrites every page, but most come out the same bytes. A
page is checked again only if its bytes changed, or something its checks read
besides the page did: the ids of a page it links to with a #fragment, an image
it shows, the set of files in the output (links to missing files), the
settings or the checker's code. Pages with findings are always checked again.
"""

import dataclasses
import hashlib
import logging
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

import PIL
from lxml import etree

logger = logging.getLogger(__name__)
_CODE = sorted(Path(__file__).parent.glob("*.py"))


@dataclass(frozen=True, slots=True)
class Checked:
    """A page that passed, and what its checks read besides the page itself."""

    digest: bytes  # of the page's bytes
    ids: frozenset  # its fragment targets, for pages that link to it
    fragments: tuple = ()  # (target file, fragment, whether it had that id)
    images: tuple = ()  # (image file, digest of its bytes)


@dataclass
class PageCache:
    """The pages that passed the last check, valid while `key` is unchanged."""

    path: str
    reuse: bool = True  # False: check every page, only save what passed
    key: str = ""
    previous: dict = field(default_factory=dict)  # page -> Checked, last build
    passed: dict = field(default_factory=dict)  # page -> Checked, this build
    reused: int = 0  # pages not checked again

    def load(self, config, files, dirs):
        """Read the last check's pages, if its key matches this one's."""
        self.key = cache_key(config, files, dirs)
        if not self.reuse:
            return
        try:
            with open(self.path, "rb") as file:
                key, pages = pickle.load(file)
        except (OSError, EOFError, ValueError, TypeError, AttributeError,
                pickle.UnpicklingError) as error:  # fmt: skip
            logger.debug("sitecheck: no page cache %s (%s)", self.path, error)
            return
        if key == self.key:
            self.previous = pages

    def save(self):
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as file:
            pickle.dump((self.key, self.passed), file, pickle.HIGHEST_PROTOCOL)


def digest(data):
    return hashlib.blake2b(data, digest_size=16).digest()


def cache_key(config, files, dirs):
    """A digest of what every page's checks depend on: the settings, the
    checker's code and libraries, and which files and folders the output has."""
    key = hashlib.blake2b(digest_size=16)
    libraries = (sys.version, etree.LXML_VERSION, PIL.__version__)
    key.update(repr((dataclasses.astuple(config), libraries)).encode())
    for source in _CODE:
        key.update(source.read_bytes())
    key.update("\n".join(sorted(files)).encode() + b"\0")
    key.update("\n".join(sorted(dirs)).encode())
    return key.hexdigest()
