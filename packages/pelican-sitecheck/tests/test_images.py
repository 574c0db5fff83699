"""Image checks: files, alt text, width/height, ratios, scale and byte budgets."""

import dataclasses
import os
import re

import pytest
from pelican.plugins.sitecheck.images import fill_image_sizes, read_image
from pelican.plugins.sitecheck.internal import check_site
from pelican.plugins.sitecheck.plugin import fill_written_pages
from PIL import Image
from sitecheck_helpers import html

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
        (
            '<img src="/images/photo-400.png" width="400" height="300">',
            "img-no-alt",
            'add alt="what it shows" (alt="" if only decorative)',
        ),
        ('<img alt="A">', "img-no-src", "add a src"),
        (
            '<img src="/images/photo-400.png" alt="A">',
            "img-no-size",
            'add width="400" height="300"',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="200">',
            "img-no-size",
            'add width="200" height="150"',
        ),
        (
            '<img src="/images/logo.svg" alt="A">',
            "img-no-size",
            'add width="400" height="200"',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="400" height="400">',
            "img-distorted",
            'set height="300" for width="400"',
        ),
        (
            '<img src="/images/logo.svg" alt="A" width="100" height="100">',
            "img-distorted",
            'set height="50" for width="100"',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="600" height="450">',
            "img-blurry",
            "use a file at least 600 px wide",
        ),
        (
            '<img src="/images/photo-800.png" alt="A" width="225" height="169">',
            "img-oversized",
            "resize it to 225-450 px wide",
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="400px" height="300">',
            "img-bad-size",
            'write width="400" (CSS pixels, no unit)',
        ),
        (
            '<img src="/images/phtoo-400.png" alt="A" width="400" height="300">',
            "img-missing",
            "link to /images/photo-400.png",
        ),
        (
            '<img src="http://cdn.example/x.png" alt="A">',
            "mixed-content",
            "use https://",
        ),
    ],
)
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


def test_a_photo_far_wider_than_any_screen_is_one_finding_shrink_it(images, config):
    images("images/camera.png", (6000, 4000))
    found = findings_for(images, config, '<img src="/images/camera.png" alt="A">')
    assert found == [
        (
            "img-huge",
            '<img src="/images/camera.png">',
            "resize it to at most 2560 px wide, then compress it (quality 80)",
        )
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
    assert found[-1][1] == "the page's images"
    # The budgets are the most allowed: a page of exactly that many passes.
    both = size + (images.root / "images/photo-400.png").stat().st_size
    config = dataclasses.replace(
        config, image_max_bytes=size, page_images_max_bytes=both
    )
    assert (
        findings_for(images, config, body.format("big") + body.format("photo-400"))
        == []
    )


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
        (
            '<img src="/images/photo-400.png" alt="A" style="width: 600px;'
            ' height: 450px;">',
            "img-blurry",
            "use a file at least 600 px wide",
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
            ' style="width:600px; height:450px">',
            "img-blurry",
            "use a file at least 600 px wide",
        ),
        (
            '<img src="/images/photo-800.png" alt="A" style="width: 200px; height:'
            ' 150px">',
            "img-oversized",
            "resize it to 200-400 px wide",
        ),
        (
            '<img src="/images/photo-400.png" alt="A" style="width: 400px; height:'
            ' 400px">',
            "img-distorted",
            'set height="300" for width="400"',
        ),
    ],
)
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


def details_for(output, config, body):
    """(code, output line, message, fix) of each finding on a page of `body`."""
    output("index.html", html(body))
    found, _ = check_site(output.root, config)
    return sorted((f.code, f.page_line, f.message, f.fix) for f in found)


@pytest.mark.parametrize(
    ("attributes", "size"),
    [
        # Only the root's own width/height count, not those of its shapes.
        ('width="120" height="60"><rect width="10" height="5"/', (120, 60)),
        ('height="50" viewBox="0 0 400 200"', (100, 50)),
        # An icon drawn on a 1 x 1 box, scaled by its width or height.
        ('width="24" viewBox="0 0 1 1"', (24, 24)),
        ('height="24" viewBox="0 0 1 1"', (24, 24)),
        # An empty viewBox says nothing about the missing side.
        ('width="100" viewBox="0 0 0 50"', (100, None)),
        ('height="100" viewBox="0 0 50 0"', (None, 100)),
    ],
)
def test_svg_sizes_from_the_root_and_its_view_box(tmp_path, attributes, size):
    path = tmp_path / "icon.svg"
    path.write_text(SVG.format(attributes))
    file = read_image(path)
    assert (file.width, file.height) == size


def test_an_svg_that_is_not_xml_is_unreadable_and_the_finding_says_why(images, config):
    images("images/broken.svg", "<svg width='10'")
    ((code, _, message, fix),) = details_for(
        images, config, '<img src="/images/broken.svg" alt="A" width="10" height="10">'
    )
    assert (code, fix) == ("img-unreadable", "save it as PNG, JPEG, WebP or SVG")
    reason = re.fullmatch(
        r"images/broken\.svg is not a readable image \((.*)\)", message
    )
    assert reason and reason.group(1) not in ("", "None")


@pytest.mark.parametrize(
    ("srcset", "code", "message"),
    [
        (
            "/images/photo-800.png 400w",
            "srcset-width",
            "file is 800 px wide, srcset says 400w",
        ),
        (
            "/images/photo-400.png 2x",
            "srcset-small",
            "file is 400x300, too small for 2x at 400 px",
        ),
        (
            "/images/square.png 1x",
            "srcset-shape",
            "400x400 file, not the shape of width/height 400x300",
        ),
        (
            "/images/photo-800.png big",
            "srcset-descriptor",
            'srcset descriptor "big" is not like "2x" or "640w"',
        ),
    ],
)
def test_srcset_findings_name_the_line_and_the_facts(
    images, config, srcset, code, message
):
    img = (
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
        f' srcset="{srcset}">'
    )
    assert [f[:3] for f in details_for(images, config, img)] == [(code, 4, message)]


@pytest.mark.parametrize(
    ("file", "srcset", "code"),
    [
        # One pixel off is rounding, as for the ratio; two is a wrong file.
        ((801, 601), "/images/c.png 800w", None),
        ((802, 602), "/images/c.png 800w", "srcset-width"),
        ((799, 599), "/images/c.png 2x", None),
        ((798, 598), "/images/c.png 2x", "srcset-small"),
    ],
)
def test_srcset_sizes_allow_one_pixel_of_rounding(images, config, file, srcset, code):
    images("images/c.png", file)
    img = (
        '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
        f' srcset="{srcset}">'
    )
    assert [f[0] for f in details_for(images, config, img)] == [code] * bool(code)


def test_srcset_with_only_one_size_given_asks_for_both(images, config):
    img = (
        '<img src="/images/photo-400.png" alt="A" width="400"'
        ' srcset="/images/photo-800.png 2x">'
    )
    assert [f[0] for f in details_for(images, config, img)] == ["img-no-size"]


def padded_png(output, path, size):
    """A 40x30 PNG of exactly `size` bytes (trailing bytes: a heavy file)."""
    target = output(path, (40, 30))
    with open(target, "ab") as file:
        file.write(b"\0" * (size - target.stat().st_size))
    return target


def test_byte_budgets_in_kb_and_mb(images, config):
    padded_png(images, "images/huge.png", 1_050_001)
    img = '<img src="/images/huge.png" alt="A" width="40" height="30">'
    assert [f[2] for f in details_for(images, config, img)] == [
        "file is 1.1 MB, over the 200 KB image budget",
        "1.1 MB of images, over the 1.0 MB page budget",
    ]
    padded_png(images, "images/huge.png", 100_600)
    config = dataclasses.replace(config, page_images_max_bytes=100_000)
    assert [f[2] for f in details_for(images, config, img)] == [
        "101 KB of images, over the 100 KB page budget"
    ]


def test_fill_image_sizes_cases(tmp_path):
    Image.new("RGB", (800, 600)).save(tmp_path / "photo.png")
    Image.new("RGB", (80, 60)).save(tmp_path / "XKCD.png")
    (tmp_path / "line.svg").write_text(SVG.format('width="100"'))
    (tmp_path / "free.svg").write_text(SVG.format(""))
    paths = {
        "/photo.png": str(tmp_path / "photo.png"),
        "XKCD.png": str(tmp_path / "XKCD.png"),
        "/line.svg": str(tmp_path / "line.svg"),
        "/free.svg": str(tmp_path / "free.svg"),
    }
    cases = {
        # Only the height given: the width follows the file's ratio.
        '<img src="/photo.png" height="300">': (
            '<img src="/photo.png" height="300" width="400">'
        ),
        # Unquoted attributes, as HTML allows them.
        "<img alt=a src=/photo.png width=400>": (
            '<img alt=a src=/photo.png width=400 height="300">'
        ),
        # A relative src, and a space before the end of the tag.
        '<img src="XKCD.png" alt="" >': (
            '<img src="XKCD.png" alt="" width="80" height="60">'
        ),
        # Left as written: both sizes there, sizes not in pixels, a file
        # whose size is unknown or has one side only, no src.
        '<img src="/photo.png" width="10" height="10" >': None,
        '<img src="/photo.png" width="50%">': None,
        '<img src="/line.svg" alt="A line">': None,
        '<img src="/free.svg" alt="Free size" width="10">': None,
        '<img alt="no src">': None,
    }
    for tag, filled in cases.items():
        assert fill_image_sizes(tag, paths.get) == (filled or tag), tag


def test_filling_written_pages_leaves_an_img_without_src(images, config):
    page = images("index.html", html('<img alt="B">'))
    fill_written_pages(str(images.root), config, [str(page)])
    assert '<img alt="B">' in page.read_text()


@pytest.mark.parametrize(
    ("img", "found"),
    [
        # Zero is no size.
        (
            '<img src="/images/photo-400.png" alt="A" width="0" height="300">',
            [("img-bad-size", 'write width="0" (CSS pixels, no unit)')],
        ),
        # Exactly the file's width, exactly twice it: fine.
        ('<img src="/images/photo-800.png" alt="A" width="800" height="600">', []),
        ('<img src="/images/photo-800.png" alt="A" width="400" height="300">', []),
        (
            '<img src="/images/photo-800.png" alt="A" width="399" height="299">',
            [("img-oversized", "resize it to 399-798 px wide")],
        ),
        # A banner: the height of a narrow one is at least a pixel.
        (
            '<img src="/images/banner.png" alt="A" width="100">',
            [
                ("img-no-size", 'add width="100" height="1"'),
                ("img-oversized", "resize it to 100-200 px wide"),
            ],
        ),
        (
            '<img src="/images/banner.png" alt="A" height="1">',
            [("img-no-size", 'add width="1000" height="1"')],
        ),
        (
            '<img src="/images/tower.gif" alt="A">',
            [("img-no-size", 'add width="30" height="90"')],
        ),
        (
            '<img src="/images/photo.webp" alt="A">',
            [("img-no-size", 'add width="64" height="48"')],
        ),
        (
            '<img src="/images/fake.png" alt="A" width="10" height="10">',
            [("img-unreadable", "save it as PNG, JPEG, WebP or SVG")],
        ),
    ],
)
def test_image_sizes_at_the_edges(images, config, img, found):
    images("images/banner.png", (1000, 1))
    images("images/tower.gif", (30, 90))
    images("images/photo.webp", (64, 48))
    images("images/fake.png", "not an image")
    assert [(code, fix) for code, _, fix in findings_for(images, config, img)] == found


@pytest.mark.parametrize(
    ("size", "code"),
    [
        # Off by 1 px of rounding: fine; by 2 px on a small image: distorted.
        ('width="40" height="31"', None),
        ('width="40" height="32"', "img-distorted"),
        # A large image within the tolerance (1 %), and at exactly 1 %.
        ('width="400" height="302"', None),
        ('width="400" height="303"', None),
        ('width="400" height="304"', "img-distorted"),
    ],
)
def test_ratio_tolerance_and_rounding(images, config, size, code):
    images("images/small.png", (40, 30))
    src = "small" if 'width="40"' in size else "photo-400"
    found = details_for(images, config, f'<img src="/images/{src}.png" alt="A" {size}>')
    assert [f[0] for f in found] == [code] * bool(code)


@pytest.mark.parametrize(
    ("img", "code", "fix"),
    [
        (
            '<img src="/images/photo-400.png" alt="A" height="150">',
            "img-no-size",
            'add width="200" height="150"',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="400" height="400">',
            "img-distorted",
            'set height="300" for width="400"',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="600" height="450">',
            "img-blurry",
            "use a file at least 600 px wide",
        ),
        (
            '<img src="/images/photo-800.png" alt="A" width="225" height="169">',
            "img-oversized",
            "resize it to 225-450 px wide",
        ),
        ('<img alt="A">', "img-no-src", "add a src"),
        (
            '<img src="/images/photo-400.png" width="400" height="300">',
            "img-no-alt",
            'add alt="what it shows" (alt="" if only decorative)',
        ),
        (
            '<img src="/images/photo-400.png" alt="A" width="big" height="300">',
            "img-bad-size",
            'write width="N" (CSS pixels, no unit)',
        ),
        (
            '<img src="/images/photo-401.png" alt="A" width="400" height="300">',
            "img-missing",
            "link to a file that exists (in content: a {filename} or"
            " {static} link to the source file)",
        ),
    ],
)
def test_size_findings_name_their_line(images, config, img, code, fix):
    found = details_for(images, config, f"<p>\n{img}</p>")
    assert [(c, line, f) for c, line, _, f in found] == [(code, 5, fix)]


def test_heavy_images_at_and_over_the_budget(images, config):
    size = (images.root / "images/photo-400.png").stat().st_size
    img = '<p>\n<img src="/images/photo-400.png" alt="A" width="400" height="300"></p>'
    assert (
        findings_for(images, dataclasses.replace(config, image_max_bytes=size), img)
        == []
    )
    images("index.html", html(img))
    config = dataclasses.replace(config, image_max_bytes=size - 1)
    found, _ = check_site(images.root, config)
    assert [(f.code, f.element, f.page_line) for f in found] == [
        ("img-heavy", '<img src="/images/photo-400.png">', 5)
    ]


def test_a_bad_size_names_the_value_written(images, config):
    img = '<img src="/images/photo-400.png" alt="A" width="400" height="300px">'
    ((_, _, message, _),) = details_for(images, config, img)
    assert message == 'height="300px" is not a whole number of pixels'


@pytest.mark.parametrize(
    ("img", "codes"),
    [
        # Unitless lengths in a style are invalid CSS: the attributes count.
        (
            '<img src="/images/photo-400.png" alt="A" width="400" height="300"'
            ' style="width: 600; height: 1">',
            [],
        ),
        # Candidates are checked when one size is missing ...
        (
            '<img src="/images/photo-400.png" alt="A" width="400"'
            ' srcset="/images/photo-800.png big">',
            ["img-no-size", "srcset-descriptor"],
        ),
        # ... and a bad size is reported without stopping the check.
        (
            '<img src="/images/photo-400.png" alt="A" width="400px" height="300"'
            ' srcset="/images/photo-800.png 2x">',
            ["img-bad-size"],
        ),
    ],
)
def test_sizes_and_candidates_together(images, config, img, codes):
    assert [f[0] for f in details_for(images, config, img)] == codes


def test_a_thin_image_is_at_least_a_pixel_wide(images, config):
    images("images/thin.png", (1, 1000))
    img = '<img src="/images/thin.png" alt="A" height="100">'
    fixes = [f[3] for f in details_for(images, config, img) if f[0] == "img-no-size"]
    assert fixes == ['add width="1" height="100"']


def test_an_image_replaced_between_builds_is_measured_again(tmp_path):
    path = tmp_path / "photo.png"
    for size, mtime in (((40, 30), 1_600_000_000), ((30, 40), 1_700_000_000)):
        Image.new("RGB", size).save(path)
        with open(path, "ab") as file:  # the same number of bytes each time
            file.write(b"\0" * (4000 - path.stat().st_size))
        os.utime(path, (mtime, mtime))
        file = read_image(path)
        assert (file.width, file.height, file.bytes) == (*size, 4000)
