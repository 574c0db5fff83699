"""Image checks, reading image sizes, and filling in missing sizes."""

import os
import re

import pytest
from pelican.plugins.sitecheck.images import fill_image_sizes, read_image
from PIL import Image
from sitecheck_helpers import GENERIC, findings, html, in_output, table

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {}></svg>'
P400 = '<img src="/images/photo-400.png" alt="A" width="400" height="300"'


@pytest.fixture
def images(site):
    site("images/photo-400.png", (400, 300))
    site("images/photo-800.png", (800, 600))
    site("images/square.png", (400, 400))
    site("images/small.png", (40, 30))
    site("images/banner.png", (1000, 1))
    site("images/thin.png", (1, 1000))
    site("images/tower.gif", (30, 90))
    site("images/photo.webp", (64, 48))
    site("images/fake.png", "not an image")
    site("images/broken.svg", "<svg width='10'")
    site("images/logo.svg", SVG.format('viewBox="0 0 400 200"'))
    return site


def checked(site, body, **settings):
    site("index.html", html(body))
    return [(f.code, f.element, f.fix) for f in findings(site.root, **settings)]


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/images/photo-400.png" alt="" width="400" height="300">',
        '<img src="/images/photo-800.png" alt="A" width="400" height="300">',
        '<img src="/images/photo-800.png" alt="A" width="800" height="600">',
        '<img src="/images/photo-400.png" alt="A" width="225" height="169">',
        '<img src="/images/photo-400.png" aria-hidden="true" width="400" height="300">',
        f'{P400} srcset="/images/photo-400.png 400w, /images/photo-800.png 800w">',
        f'{P400} srcset="/images/photo-400.png, /images/photo-800.png 2x">',
        '<img src="/images/logo.svg" alt="Logo" width="100" height="50">',
        '<img src="/images/logo.svg" alt="Logo" width="1000" height="500">',
        f'<picture><source srcset="/images/square.png 400w">{P400}></picture>',
        '<img src="https://cdn.example/x.png" alt="External: not measured">',
        # Inline CSS sizes are what the browser shows; unitless ones are invalid.
        '<img src="/images/photo-400.png" alt="A" style="width:400px;height:300px">',
        f'{P400} style="width: 600; height: 1">',
        # Off by 1 px of rounding; a large image within 1 %, and at exactly 1 %.
        '<img src="/images/small.png" alt="A" width="40" height="31">',
        '<img src="/images/photo-400.png" alt="A" width="400" height="302">',
        '<img src="/images/photo-400.png" alt="A" width="400" height="303">',
    ],
)
def test_images_that_pass(images, img):
    assert checked(images, img) == []


# The attributes of an <img> | its one finding | the fix. Images in /images/.
IMAGE_FINDINGS = """
src="/images/photo-400.png" width="400" height="300" | img-no-alt | \
add alt="what it shows" (alt="" if only decorative)
alt="A" | img-no-src | add a src
src="/images/photo-400.png" alt="A" | img-no-size | add width="400" height="300"
src="/images/photo-400.png" alt="A" width="200" | img-no-size | \
add width="200" height="150"
src="/images/photo-400.png" alt="A" height="150" | img-no-size | \
add width="200" height="150"
src="/images/logo.svg" alt="A" | img-no-size | add width="400" height="200"
src="/images/banner.png" alt="A" height="1" | img-no-size | \
add width="1000" height="1"
src="/images/tower.gif" alt="A" | img-no-size | add width="30" height="90"
src="/images/photo.webp" alt="A" | img-no-size | add width="64" height="48"
src="/images/photo-400.png" alt="A" width="400" srcset="/images/photo-800.png 2x" \
| img-no-size | add width="400" height="300"
src="/images/photo-400.png" alt="A" width="400" height="400" | img-distorted | \
set height="300" for width="400"
src="/images/photo-400.png" alt="A" width="400" height="304" | img-distorted | \
set height="300" for width="400"
src="/images/small.png" alt="A" width="40" height="32" | img-distorted | \
set height="30" for width="40"
src="/images/logo.svg" alt="A" width="100" height="100" | img-distorted | \
set height="50" for width="100"
src="/images/photo-400.png" alt="A" style="width: 400px; height: 400px" | \
img-distorted | set height="300" for width="400"
src="/images/photo-400.png" alt="A" width="600" height="450" | img-blurry | \
use a file at least 600 px wide
# reST's :width: 600px becomes an inline style, over the attributes too.
src="/images/photo-400.png" alt="A" style="width: 600px; height: 450px;" | \
img-blurry | use a file at least 600 px wide
src="/images/photo-400.png" alt="A" width="400" height="300" \
style="width:600px; height:450px" | img-blurry | use a file at least 600 px wide
src="/images/photo-800.png" alt="A" width="225" height="169" | img-oversized | \
resize it to 225-450 px wide
src="/images/photo-800.png" alt="A" width="399" height="299" | img-oversized | \
resize it to 399-798 px wide
src="/images/photo-800.png" alt="A" style="width: 200px; height: 150px" | \
img-oversized | resize it to 200-400 px wide
src="/images/photo-400.png" alt="A" width="400px" height="300" | img-bad-size | \
write width="400" (CSS pixels, no unit)
src="/images/photo-400.png" alt="A" width="0" height="300" | img-bad-size | \
write width="0" (CSS pixels, no unit)
src="/images/photo-400.png" alt="A" width="big" height="300" | img-bad-size | \
write width="N" (CSS pixels, no unit)
# A bad size is reported without stopping the check or asking for more.
src="/images/photo-400.png" alt="A" width="400px" height="300" \
srcset="/images/photo-800.png 2x" | img-bad-size | \
write width="400" (CSS pixels, no unit)
src="/images/phtoo-400.png" alt="A" width="400" height="300" | img-missing | \
link to /images/photo-400.png
src="/images/photo-401.png" alt="A" width="400" height="300" | img-missing | -
src="/images/fake.png" alt="A" width="10" height="10" | img-unreadable | \
save it as PNG, JPEG, WebP or SVG
src="http://cdn.example/x.png" alt="A" | mixed-content | use https://
"""


@pytest.mark.parametrize(("attributes", "code", "fix"), table(IMAGE_FINDINGS))
def test_image_findings_and_their_fix(images, attributes, code, fix):
    src = re.search(r'^src="([^"]*)"', attributes)
    element = f'<img src="{src[1] if src else ""}">'
    fix = GENERIC if fix == "-" else fix
    assert checked(images, f"<img {attributes}>") == [(code, element, fix)]


SRCSET = """
/images/photo-800.png 400w | srcset-width | file is 800 px wide, srcset says 400w | \
write "800w"
/images/photo-400.png 2x | srcset-small | file is 400x300, too small for 2x at 400 px \
| use a file 800 px wide
/images/square.png 1x | srcset-shape | 400x400 file, not the shape of width/height \
400x300 | crop it to the same aspect ratio
/images/photo-800.png big | srcset-descriptor | srcset descriptor "big" is not like \
"2x" or "640w" | write "640w" or "2x"
/images/phot-800.png 2x | img-missing | image not found: nothing at \
/images/phot-800.png in the output | link to /images/photo-800.png
"""


@pytest.mark.parametrize(("srcset", "code", "message", "fix"), table(SRCSET))
def test_srcset_findings(images, srcset, code, message, fix):
    images("index.html", html(f'<p>\n{P400} srcset="{srcset}"></p>'))
    url = srcset.split()[0]
    element = f'<img srcset="... {url} ...">'
    assert [(f.code, f.element, f.message, f.fix) for f in findings(images.root)] == [
        (code, element, message, fix)
    ]
    assert in_output(images.root) == {element: (5, message)}


# One pixel off is rounding, as for the ratio; two is a wrong file.
ROUNDING = "801 800w - | 802 800w srcset-width | 799 2x - | 798 2x srcset-small"


@pytest.mark.parametrize("case", ROUNDING.split(" | "))
def test_srcset_sizes_allow_one_pixel_of_rounding(images, case):
    width, descriptor, code = case.split()
    images("images/c.png", (int(width), int(width) * 3 // 4))
    srcset, code = f"/images/c.png {descriptor}", None if code == "-" else code
    found = checked(images, f'{P400} srcset="{srcset}">')
    assert [c for c, *_ in found] == [code] * bool(code)


def test_candidates_are_checked_when_a_size_is_missing(images):
    img = '<img src="/images/photo-400.png" alt="A" width="400" srcset="/x.png big">'
    found = " ".join(code for code, *_ in checked(images, img))
    assert found == "img-missing img-no-size srcset-descriptor"


def test_findings_name_the_line_and_the_facts(images):
    body = (
        '<p>\n<img src="/images/banner.png" alt="A" width="100">\n'
        '<img src="/images/photo-400.png" alt="A" width="400" height="300px">\n'
        '<img src="/images/broken.svg" alt="A" width="10" height="10"></p>'
    )
    images("index.html", html(body))
    found = {f.code: f for f in findings(images.root)}
    assert " ".join(found) == "img-bad-size img-no-size img-oversized img-unreadable"
    # A banner: the height of a narrow one is at least a pixel.
    assert found["img-no-size"].fix == 'add width="100" height="1"'
    assert found["img-oversized"].fix == "resize it to 100-200 px wide"
    bad = found["img-bad-size"].message
    assert bad == 'height="300px" is not a whole number of pixels'
    reason = re.fullmatch(
        r"images/broken\.svg is not a readable image \((.*)\)",
        found["img-unreadable"].message,
    )
    assert reason and reason[1] not in ("", "None")
    lines = {element: line for element, (line, _) in in_output(images.root).items()}
    assert lines == {
        '<img src="/images/banner.png">': 5,
        '<img src="/images/photo-400.png">': 6,
        '<img src="/images/broken.svg">': 7,
    }


def test_scale_and_ratio_tolerance_settings(images):
    body = (
        '<img src="/images/photo-800.png" alt="A" width="300" height="225">'
        '<img src="/images/photo-400.png" alt="A" width="400" height="310">'
    )
    assert [code for code, *_ in checked(images, body)] == [
        "img-distorted",
        "img-oversized",
    ]
    settings = {"SITECHECK_IMAGE_MAX_SCALE": 3, "SITECHECK_IMAGE_RATIO_TOLERANCE": 0.05}
    assert checked(images, body, **settings) == []


def test_a_thin_image_is_at_least_a_pixel_wide(images):
    found = checked(images, '<img src="/images/thin.png" alt="A" height="100">')
    assert 'add width="1" height="100"' in [fix for *_, fix in found]


def test_a_photo_far_wider_than_any_screen_is_one_finding_shrink_it(images):
    images("images/camera.png", (6000, 4000))
    ((code, _, fix),) = checked(images, '<img src="/images/camera.png" alt="A">')
    assert (code, fix) == ("img-huge", f"resize it to at most 2560 px wide, {QUALITY}")


def padded_png(site, path, size):
    """A 40x30 PNG of exactly `size` bytes (trailing bytes: a heavy file)."""
    target = site(path, (40, 30))
    with open(target, "ab") as file:
        file.write(b"\0" * (size - target.stat().st_size))


def test_byte_budgets(images):
    padded_png(images, "images/a.png", 150_000)
    padded_png(images, "images/b.png", 100_600)
    img = '<img src="/images/{}.png" alt="A" width="40" height="30">'
    body = img.format("a") + img.format("b")
    # The budgets are the most allowed: exactly that many bytes pass.
    exact = {"SITECHECK_IMAGE_MAX_BYTES": 150_000}
    assert checked(images, body, **exact, SITECHECK_PAGE_IMAGES_MAX_BYTES=250_600) == []
    budgets = {"SITECHECK_IMAGE_MAX_BYTES": 100_000}
    found = findings(images.root, **budgets, SITECHECK_PAGE_IMAGES_MAX_BYTES=250_599)
    assert [(f.code, f.element, f.message) for f in found] == table(HEAVY)
    assert {f.fix for f in found} == {HEAVY_FIX, "use smaller or fewer images"}
    padded_png(images, "images/a.png", 1_050_001)
    assert [f.message for f in findings(images.root)] == [
        "file is 1.1 MB, over the 200 KB image budget",
        "1.2 MB of images, over the 1.0 MB page budget",
    ]


QUALITY = "then compress it (quality 80)"
HEAVY_FIX = "resize it to the size it is shown at; compress it (quality 80)"
HEAVY = """
img-heavy | <img src="/images/a.png"> | file is 150 KB, over the 100 KB image budget
img-heavy | <img src="/images/b.png"> | file is 101 KB, over the 100 KB image budget
page-images-heavy | the page's images | 251 KB of images, over the 251 KB page budget
"""


def test_read_image_sizes_exif_rotation_and_replaced_files(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # a phone photo stored landscape, "rotate 90°": portrait
    Image.new("RGB", (640, 480)).save(tmp_path / "turned.jpg", exif=exif)
    turned = read_image(tmp_path / "turned.jpg")
    assert (turned.width, turned.height, turned.vector) == (480, 640, False)
    path = tmp_path / "photo.png"
    for size, mtime in (((40, 30), 1_600_000_000), ((30, 40), 1_700_000_000)):
        Image.new("RGB", size).save(path)
        with open(path, "ab") as file:  # the same number of bytes each time
            file.write(b"\0" * (4000 - path.stat().st_size))
        os.utime(path, (mtime, mtime))
        file = read_image(path)
        assert (file.width, file.height, file.bytes, file.vector) == (
            *size,
            4000,
            False,
        )


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="120" height="60"', (120, 60)),
        ('width="90pt" height="45pt"', (120, 60)),
        ('viewBox="0 0 400 200"', (400, 200)),
        ('width="100" viewBox="0,0,400,200"', (100, 50)),
        ('height="50" viewBox="0 0 400 200"', (100, 50)),
        ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
        ("", (None, None)),
        # Only the root's own width/height count, not those of its shapes.
        ('width="120" height="60"><rect width="10" height="5"/', (120, 60)),
        # An icon drawn on a 1 x 1 box, scaled by its width or height.
        ('width="24" viewBox="0 0 1 1"', (24, 24)),
        ('height="24" viewBox="0 0 1 1"', (24, 24)),
        # An empty viewBox says nothing about the missing side.
        ('width="100" viewBox="0 0 0 50"', (100, None)),
        ('height="100" viewBox="0 0 50 0"', (None, 100)),
    ],
)
def test_svg_sizes(tmp_path, attributes, size):
    path = tmp_path / "logo.svg"
    path.write_text(SVG.format(attributes))
    file = read_image(path)
    assert ((file.width, file.height), file.vector) == (size, True)


# An <img> | the same, filled from the file; "-": left as written.
FILLED = """
<p><img alt="a" src="{static}/photo.png"></p> | \
<p><img alt="a" src="{static}/photo.png" width="800" height="600"></p>
<img alt="b > c" src="/photo.png" width="400"/> | \
<img alt="b > c" src="/photo.png" width="400" height="300" />
# Only the height given: the width follows the file's ratio.
<img src="/photo.png" height="300"> | <img src="/photo.png" height="300" width="400">
# Unquoted attributes, as HTML allows them.
<img alt=a src=/photo.png width=400> | <img alt=a src=/photo.png width=400 height="300">
# A relative src, and a space before the end of the tag.
<img src="XKCD.png" alt="" > | <img src="XKCD.png" alt="" width="80" height="60">
# Left as written: both sizes there, sizes not in pixels, a file whose
# size is unknown or has one side only, no src, an unknown file.
<img src="/photo.png" width="10" height="10" > | -
<img src="/photo.png" width="50%"> | -
<img src="/line.svg" alt="A line"> | -
<img src="/free.svg" alt="Free size" width="10"> | -
<img alt="no src"> | -
<img alt="e" src="/unknown.png"> | -
"""


@pytest.mark.parametrize(("tag", "filled"), table(FILLED))
def test_fill_image_sizes(tmp_path, tag, filled):
    Image.new("RGB", (800, 600)).save(tmp_path / "photo.png")
    Image.new("RGB", (80, 60)).save(tmp_path / "XKCD.png")
    (tmp_path / "line.svg").write_text(SVG.format('width="100"'))
    (tmp_path / "free.svg").write_text(SVG.format(""))
    paths = {
        "{static}/photo.png": tmp_path / "photo.png",
        "/photo.png": tmp_path / "photo.png",
        "XKCD.png": tmp_path / "XKCD.png",
        "/line.svg": tmp_path / "line.svg",
        "/free.svg": tmp_path / "free.svg",
    }
    found = {src: str(path) for src, path in paths.items()}
    assert fill_image_sizes(tag, found.get) == (tag if filled == "-" else filled)
