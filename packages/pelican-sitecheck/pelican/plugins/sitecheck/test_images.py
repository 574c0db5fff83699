"""Image checks: files, alt text, width/height, ratios, scale and byte budgets."""

import dataclasses
import re

import pytest
from pelican.plugins.sitecheck._testing import html
from pelican.plugins.sitecheck.images import fill_image_sizes, read_image
from pelican.plugins.sitecheck.internal import check_site
from pelican.plugins.sitecheck.plugin import fill_written_pages
from PIL import Image

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {}></svg>'


def findings_for(output, config, body):
    output("index.html", html(body))
    found, _ = check_site(output.root, config)
    return sorted((f.code, f.element, f.fix) for f in found)


@pytest.fixture
def images(output):
    output("images/photo-400.png", (400, 300))
    output("images/photo-800.png", (800, 600))
    output("images/square.png", (400, 400))
    output("images/logo.svg", SVG.format('viewBox="0 0 400 200"'))
    return output


def test_read_image_sizes(tmp_path):
    Image.new("RGB", (640, 480)).save(tmp_path / "a.png")
    plain = read_image(tmp_path / "a.png")
    size = (tmp_path / "a.png").stat().st_size
    assert (plain.width, plain.height, plain.bytes) == (640, 480, size)
    # A phone photo stored landscape with "rotate 90°" in EXIF shows portrait.
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (640, 480)).save(tmp_path / "turned.jpg", exif=exif)
    turned = read_image(tmp_path / "turned.jpg")
    assert (turned.width, turned.height, turned.vector) == (480, 640, False)


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        ('width="120" height="60"', (120, 60)),
        ('width="90pt" height="45pt"', (120, 60)),
        ('viewBox="0 0 400 200"', (400, 200)),
        ('width="100" viewBox="0,0,400,200"', (100, 50)),
        ('width="100%" height="100%" viewBox="0 0 40 20"', (40, 20)),
        ("", (None, None)),
    ],
)
def test_svg_sizes(tmp_path, attributes, size):
    path = tmp_path / "logo.svg"
    path.write_text(SVG.format(attributes))
    file = read_image(path)
    assert ((file.width, file.height), file.vector) == (size, True)


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/images/photo-400.png" alt="" width="400" height="300">',
        '<img src="/images/photo-800.png" alt="A" width="400" height="300">',
        '<img src="/images/photo-400.png" alt="A" width="225" height="169">',
        '<img src="/images/photo-400.png" aria-hidden="true" width="400" height="300">',
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
        ' srcset="/images/photo-400.png 400w, /images/photo-800.png 800w">',
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
        ' srcset="/images/photo-400.png, /images/photo-800.png 2x">',
        '<img src="/images/logo.svg" alt="Logo" width="100" height="50">',
        '<img src="/images/logo.svg" alt="Logo" width="1000" height="500">',
        '<picture><source srcset="/images/square.png 400w">'
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"></picture>',
        '<img src="https://cdn.example/x.png" alt="External: not measured">',
    ],
)
def test_images_that_pass(images, config, img):
    assert findings_for(images, config, img) == []


@pytest.mark.parametrize(
    ("img", "code", "fix"),
    [
        ('<img src="/images/photo-400.png" width="400" height="300">', "img-no-alt",
         'add alt="what it shows" (alt="" if only decorative)'),
        ('<img alt="A">', "img-no-src", "add a src"),
        ('<img src="/images/photo-400.png" alt="A">', "img-no-size",
         'add width="400" height="300"'),
        ('<img src="/images/photo-400.png" alt="A" width="200">', "img-no-size",
         'add width="200" height="150"'),
        ('<img src="/images/logo.svg" alt="A">', "img-no-size",
         'add width="400" height="200"'),
        ('<img src="/images/photo-400.png" alt="A" width="400" height="400">',
         "img-distorted", 'set height="300" for width="400"'),
        ('<img src="/images/logo.svg" alt="A" width="100" height="100">',
         "img-distorted", 'set height="50" for width="100"'),
        ('<img src="/images/photo-400.png" alt="A" width="600" height="450">',
         "img-blurry", "use a file at least 600 px wide"),
        ('<img src="/images/photo-800.png" alt="A" width="225" height="169">',
         "img-oversized", "resize it to 225-450 px wide"),
        ('<img src="/images/photo-400.png" alt="A" width="400px" height="300">',
         "img-bad-size", 'write width="400" (CSS pixels, no unit)'),
        ('<img src="/images/phtoo-400.png" alt="A" width="400" height="300">',
         "img-missing", "link to /images/photo-400.png"),
        ('<img src="http://cdn.example/x.png" alt="A">', "mixed-content",
         "use https://"),
    ],
)  # fmt: skip
def test_image_failures(images, config, img, code, fix):
    src = re.search(r'src="([^"]*)"', img)
    element = f'<img src="{src.group(1) if src else ""}">'
    assert findings_for(images, config, img) == [(code, element, fix)]


@pytest.mark.parametrize(
    ("srcset", "code", "fix"),
    [
        ("/images/photo-800.png 400w", "srcset-width", 'write "800w"'),
        ("/images/photo-400.png 2x", "srcset-small", "use a file 800 px wide"),
        ("/images/square.png 1x", "srcset-shape", "crop it to the same aspect ratio"),
        ("/images/photo-800.png big", "srcset-descriptor", 'write "640w" or "2x"'),
        ("/images/phot-800.png 2x", "img-missing", "link to /images/photo-800.png"),
    ],
)
def test_srcset_failures(images, config, srcset, code, fix):
    img = (
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
        f' srcset="{srcset}">'
    )
    url = srcset.split()[0]
    assert findings_for(images, config, img) == [
        (code, f'<img srcset="... {url} ...">', fix)
    ]


def test_byte_budgets(images, config):
    images("images/big.png", (400, 300))
    size = (images.root / "images/big.png").stat().st_size
    config = dataclasses.replace(
        config, image_max_bytes=size - 1, page_images_max_bytes=size + 10
    )
    body = '<img src="/images/{}.png" alt="A" width="400" height="300">'
    found = findings_for(images, config, body.format("big") + body.format("photo-400"))
    assert [code for code, *_ in found] == [
        "img-heavy",
        "img-heavy",
        "page-images-heavy",
    ]


def test_fill_image_sizes_in_content(tmp_path):
    Image.new("RGB", (800, 600)).save(tmp_path / "photo.png")
    paths = {"{static}/images/photo.png": str(tmp_path / "photo.png")}
    content = (
        '<p><img alt="a" src="{static}/images/photo.png"></p>'
        '<img alt="b > c" src="{static}/images/photo.png" width="400"/>'
        '<img alt="d" src="{static}/images/photo.png" width="10" height="10">'
        '<img alt="e" src="/unknown.png">'
    )
    assert fill_image_sizes(content, paths.get) == (
        '<p><img alt="a" src="{static}/images/photo.png" width="800" height="600"></p>'
        '<img alt="b > c" src="{static}/images/photo.png" width="400" height="300" />'
        '<img alt="d" src="{static}/images/photo.png" width="10" height="10">'
        '<img alt="e" src="/unknown.png">'
    )


@pytest.mark.parametrize(
    ("img", "code", "fix"),
    [
        # Pelican's sample site: reST :width: 600 px becomes an inline style.
        ('<img src="/images/photo-400.png" alt="A" style="width: 600px;'
         ' height: 450px;">', "img-blurry", "use a file at least 600 px wide"),
        ('<img src="/images/photo-400.png" alt="A" width="400" height="300"'
         ' style="width:600px; height:450px">', "img-blurry",
         "use a file at least 600 px wide"),
        ('<img src="/images/photo-800.png" alt="A" style="width: 200px; height:'
         ' 150px">', "img-oversized", "resize it to 200-400 px wide"),
        ('<img src="/images/photo-400.png" alt="A" style="width: 400px; height:'
         ' 400px">', "img-distorted", 'set height="300" for width="400"'),
    ],
)  # fmt: skip
def test_inline_css_sizes_are_what_the_browser_shows(images, config, img, code, fix):
    src = re.search(r'src="([^"]*)"', img).group(1)
    assert findings_for(images, config, img) == [(code, f'<img src="{src}">', fix)]


def test_an_inline_style_with_both_sizes_keeps_the_page_still(images, config):
    img = '<img src="/images/photo-400.png" alt="A" style="width:400px;height:300px">'
    assert findings_for(images, config, img) == []


def test_filling_sizes_in_written_pages_after_the_check(images, config):
    body = '<img src="/images/photo-400.png" alt="A"><img src="/nope.png" alt="B">'
    page = images("index.html", html(body))
    found = findings_for(images, config, body)
    fill_written_pages(str(images.root), config, [str(page)])
    assert [code for code, *_ in found] == ["img-missing", "img-no-size"]
    written = page.read_text()
    assert (
        '<img src="/images/photo-400.png" alt="A" width="400" height="300">' in written
    )
    assert '<img src="/nope.png" alt="B">' in written
