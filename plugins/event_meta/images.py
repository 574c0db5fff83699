"""The two pictures the site needs, drawn by the build from the workshop data
with Pillow: the social card (link previews) and the touch icon (home
screens). No image files are committed; next year's data redraws them."""

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (1200, 630)
ICON_SIZE = 180
BACKGROUND, ACCENT, TEXT = "#0b3d6e", "#ffb15c", "#ffffff"


def _font(size):
    return ImageFont.load_default(size)


def social_card(event):
    """1200×630: the short name big, the full name, the day, time and format."""
    image = Image.new("RGB", CARD_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 110, 96, 520), fill=ACCENT)
    draw.text((130, 100), event.short_name, font=_font(110), fill=TEXT)
    draw.text((130, 260), event.name, font=_font(46), fill=TEXT)
    draw.text((130, 325), event.tagline, font=_font(46), fill=TEXT)
    day = f"{event.start:%A} {event.start.day} {event.start:%B %Y}"
    # Pillow's built-in font has no en dash.
    span = f"{event.start:%H:%M} to {event.end:%H:%M} {event.start.tzname()}"
    draw.text((130, 430), f"{day} · {span}", font=_font(40), fill=ACCENT)
    utc = f"{event.utc_start:%H:%M} to {event.utc_end:%H:%M} UTC"
    draw.text((130, 480), f"{utc} · {event.attendance}", font=_font(40), fill=ACCENT)
    return image


def touch_icon(event):
    """180×180: the short name's first word on the site's colours."""
    image = Image.new("RGB", (ICON_SIZE, ICON_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    word = event.short_name.split()[0][:5]
    draw.rectangle((0, 150, ICON_SIZE, 162), fill=ACCENT)
    draw.text((ICON_SIZE / 2, 78), word, font=_font(56), fill=TEXT, anchor="mm")
    return image


# PNG encoding (optimize=True) is most of the cost of a development rebuild:
# the same pixels are encoded once per process.
_encoded = {}


def save_png(image, path):
    """Write a PNG that is the same for the same picture (no timestamps)."""
    key = (image.size, hashlib.blake2b(image.tobytes(), digest_size=16).digest())
    if key not in _encoded:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        if len(_encoded) > 8:
            _encoded.clear()
        _encoded[key] = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encoded[key])
