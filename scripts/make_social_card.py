"""Draw the site's social-card image (Open Graph, 1200×630) from event.yaml.

The project ships no third-party images; this script makes the one picture that
link previews need. Run it again after changing the event's name or date:
    .venv/bin/python scripts/make_social_card.py
"""

from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "content" / "images" / "social-card.png"
SIZE = (1200, 630)
BACKGROUND, ACCENT, TEXT = "#0b5fa5", "#ffb15c", "#ffffff"


def draw_card(event):
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, medium = ImageFont.load_default(96), ImageFont.load_default(44)
    draw.rectangle((80, 120, 96, 510), fill=ACCENT)
    draw.text((130, 110), event["short_name"], font=big, fill=TEXT)
    draw.text((130, 250), event["name"], font=medium, fill=TEXT)
    draw.text((130, 320), event["tagline"], font=medium, fill=TEXT)
    day = event["date"].strftime("%A %-d %B %Y")
    draw.text((130, 430), f"{day} · {event['attendance']}", font=medium, fill=ACCENT)
    return image


def main():
    event = yaml.safe_load((ROOT / "content/data/event.yaml").read_text("utf-8"))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    draw_card(event).save(OUTPUT, optimize=True)
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
