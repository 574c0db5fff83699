"""Image files: intrinsic sizes, the <img> checks, and filling in width/height."""

import functools
import html
import os
import re
from dataclasses import dataclass

from lxml import etree
from PIL import Image, UnidentifiedImageError

from .report import issue

# Wider than any screen shows an image (a 4K screen at 1x, a laptop at 2x).
MAX_SHOWN_WIDTH = 2560

# EXIF orientations 5-8 turn the picture by 90 degrees: browsers swap the sides.
_TURNED = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112
_EXIF_IN_HEADER = {"JPEG", "MPO", "WEBP", "TIFF"}
_SVG_UNITS = {
    "": 1,
    "px": 1,
    "pt": 4 / 3,
    "pc": 16,
    "in": 96,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
}
_SVG_LENGTH = re.compile(r"\s*([\d.]+(?:e[+-]?\d+)?)\s*([a-z]*)\s*$", re.I)
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$")


class ImageError(Exception):
    """The file is not an image we can measure; the message says why."""


@dataclass(frozen=True, slots=True)
class ImageFile:
    bytes: int
    width: float | None  # None: unknown (an SVG without width or viewBox)
    height: float | None
    vector: bool


def read_image(path):
    """Size in bytes and pixels of an image file, from its header only."""
    stat = os.stat(path)
    return _read_image(os.fspath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8192)
def _read_image(path, _mtime_ns, size):
    if path.lower().endswith(".svg"):
        return ImageFile(size, *svg_size(path), vector=True)
    try:
        with Image.open(path) as image:  # reads the header only
            width, height = image.size
            # PNG keeps EXIF after the pixels: reading it would decode the file.
            if (
                image.format in _EXIF_IN_HEADER
                and image.getexif().get(_EXIF_ORIENTATION) in _TURNED
            ):
                width, height = height, width
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise ImageError(str(error)) from error
    return ImageFile(size, width, height, vector=False)


def svg_size(path):
    """(width, height) in CSS pixels from the root's width/height/viewBox."""
    try:
        _, root = next(
            etree.iterparse(
                path, events=("start",), no_network=True, resolve_entities=False
            )
        )
    except (etree.XMLSyntaxError, StopIteration, OSError) as error:
        raise ImageError(str(error)) from error
    width, height = (_svg_length(root.get(name)) for name in ("width", "height"))
    try:
        *_, box_width, box_height = map(
            float, re.split(r"[\s,]+", root.get("viewBox").strip())
        )
    except (AttributeError, ValueError):
        return width, height
    if box_width <= 0 or box_height <= 0:
        return width, height
    if width and not height:
        height = width * box_height / box_width
    elif height and not width:
        width = height * box_width / box_height
    elif not width and not height:
        width, height = box_width, box_height
    return width, height


def _svg_length(value):
    match = _SVG_LENGTH.match(value or "")
    if not match or match.group(2).lower() not in _SVG_UNITS:
        return None  # missing, %, em: depends on the page, not the file
    return float(match.group(1)) * _SVG_UNITS[match.group(2).lower()]


def kb(size):
    return f"{size / 1000:,.0f} KB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"


def missing_sizes(declared_width, declared_height, file):
    """The width and height attributes an <img> of this file should have."""
    ratio = file.width / file.height
    if declared_width:
        return declared_width, max(1, round(declared_width / ratio))
    if declared_height:
        return max(1, round(declared_height * ratio)), declared_height
    return round(file.width), round(file.height)


def check_image(img, locate, config):
    """Findings of one <img>. locate(url) returns (ImageFile, None), or (None,
    (code, fields)) for a problem, or (None, None) for an external URL."""
    # dict.fromkeys: a srcset candidate that is also the src is reported once.
    return list(dict.fromkeys(_image_issues(img, locate, config)))


def _image_issues(img, locate, config):
    element, line = img.element, img.line
    if not (img.src or "").strip():
        yield issue("img-no-src", element, line)
        return
    if img.alt is None and not img.decorative:
        yield issue("img-no-alt", element, line)
    sizes = yield from _declared_sizes(img)
    file = yield from _located(img, img.src, locate, config)
    # The size the browser shows: an inline style wins over the attributes.
    shown = [
        img.style_width or (sizes[0] or None),
        img.style_height or (sizes[1] or None),
    ]
    known = False not in sizes or all(shown)  # no unreadable attribute that counts
    if file and file.width and file.height and known:
        yield from _check_sizes(img, file, *shown, config)
    for candidates, in_picture in ((img.srcset, False), (img.sources, True)):
        for url, descriptor in candidates:
            file = yield from _located(img, url, locate, config)
            if known:
                yield from _check_candidate(
                    img, url, descriptor, file, in_picture, shown, config
                )


def _declared_sizes(img):
    """Yield an issue for each width/height that is not a number of pixels;
    return [width, height]: a number, None if absent, False if unreadable."""
    sizes = []
    for name in ("width", "height"):
        value = getattr(img, name)
        if value is not None and not (value.strip().isdigit() and int(value) > 0):
            number = re.sub(r"[^0-9].*", "", value.strip()) or "N"
            yield issue(
                "img-bad-size",
                img.element,
                img.line,
                name=name,
                value=value,
                number=number,
            )
            sizes.append(False)
        else:
            sizes.append(int(value) if value else None)
    return sizes


def _located(img, url, locate, config):
    file, problem = locate(url)
    element = img.element if url == img.src else f'<img srcset="... {url} ...">'
    if problem:
        yield issue(problem[0], element, img.line, **problem[1])
    elif file and file.width and file.width > MAX_SHOWN_WIDTH:
        yield issue(
            "img-huge",
            element,
            img.line,
            dims=_dims(file),
            size=kb(file.bytes),
            largest=MAX_SHOWN_WIDTH,
        )
    elif file and file.bytes > config.image_max_bytes:
        budget = kb(config.image_max_bytes)
        yield issue("img-heavy", element, img.line, size=kb(file.bytes), budget=budget)
    return file


def _check_sizes(img, file, width, height, config):
    element, line = img.element, img.line
    if file.width > MAX_SHOWN_WIDTH and not (width or height):
        return  # img-huge says what to do first: shrink it
    if width is None or height is None:
        given = width or height
        width, height = missing_sizes(width, height, file)
        yield issue("img-no-size", element, line, width=width, height=height)
        if not given:
            return  # shown at the file's own size
    # Every message takes what it needs from these.
    facts = {
        "width": width,
        "height": height,
        "dims": _dims(file),
        "fixed": missing_sizes(width, None, file)[1],
        "largest": round(config.image_max_scale * width),
    }
    if _ratio_differs(width, height, file, config):
        yield issue("img-distorted", element, line, **facts)
    if file.vector:
        return
    if file.width < width:
        yield issue("img-blurry", element, line, **facts)
    elif file.width > config.image_max_scale * width:
        yield issue("img-oversized", element, line, **facts)


def _check_candidate(img, url, descriptor, file, in_picture, sizes, config):  # noqa: PLR0917
    element, line = f'<img srcset="... {url} ...">', img.line
    match = _DESCRIPTOR.match(descriptor or "1x")
    if not match:
        yield issue("srcset-descriptor", element, line, descriptor=descriptor)
    if not (match and file and file.width and file.height) or file.vector:
        return
    value, unit = float(match.group(1)), match.group(2)
    width, height = sizes
    facts = {
        "descriptor": descriptor,
        "actual": round(file.width),
        "dims": _dims(file),
        "width": width,
        "height": height,
        "needed": round((width or 0) * value),
    }
    if unit == "w" and abs(file.width - value) > 1:
        yield issue("srcset-width", element, line, **facts)
    if in_picture or width is None or height is None:
        return  # <picture> sources may be cropped differently (art direction)
    if _ratio_differs(width, height, file, config):
        yield issue("srcset-shape", element, line, **facts)
    if unit == "x" and file.width < width * value - 1:
        yield issue("srcset-small", element, line, **facts)


def _ratio_differs(width, height, file, config):
    expected = width * file.height / file.width
    difference = abs(height - expected)
    return difference / expected > config.image_ratio_tolerance and difference > 1


def _dims(file):
    return f"{round(file.width)}x{round(file.height)}"


# --- Filling in width/height in content -------------------------------------

_IMG_TAG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def fill_image_sizes(content, find_file):
    """Add width/height to every <img> of an HTML fragment that lacks them,
    from the file find_file(src) returns (None: leave the tag alone)."""
    if "<img" not in content.lower():
        return content

    def fill(match):
        tag = match.group()
        attributes = {
            name.lower(): html.unescape(value.strip("\"'"))
            for name, value in _ATTRIBUTE.findall(tag[4:-1])
        }
        if "width" in attributes and "height" in attributes:
            return tag
        path = find_file(attributes.get("src", ""))
        if path is None:
            return tag
        try:
            file = read_image(path)
        except (ImageError, OSError):
            return tag  # the output check reports it
        declared = [attributes.get(name, "") for name in ("width", "height")]
        if not (file.width and file.height) or not all(
            value.isdigit() or not value for value in declared
        ):
            return tag
        width, height = missing_sizes(*(int(v) if v else None for v in declared), file)
        added = "".join(
            f' {name}="{value}"'
            for name, value in (("width", width), ("height", height))
            if name not in attributes
        )
        closing = "/>" if tag.endswith("/>") else ">"
        return (
            tag[: -len(closing)].rstrip()
            + added
            + (" " if closing == "/>" else "")
            + closing
        )

    return _IMG_TAG.sub(fill, content)
