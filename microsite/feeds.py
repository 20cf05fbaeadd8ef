"""What search engines, feed readers, social cards and calendars read: sitemap, robots.txt, Atom, iCalendar, JSON-LD.

Everything is built from the model and the URL builder, never written by hand, and carries no build timestamp
(two builds of the same content are byte-identical).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from urllib.parse import urlsplit

import icalendar

from . import i18n
from .card import Card
from .model import Event, Page, Site, Speaker
from .text import slugify
from .urls import Urls, feed_path

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def is_past(event: Event, today: dt.date) -> bool:
    """True once the event's day is over: the site then says it took place instead of offering a calendar."""
    return event.date < today


def escape(text: str) -> str:
    """XML character data."""
    return html.escape(text, quote=False)


def quoteattr(value: str) -> str:
    """An XML attribute value in double quotes."""
    return '"' + html.escape(value) + '"'


def page_alternates(site: Site, page: Page, urls: Urls) -> list[dict[str, str]]:
    """hreflang alternates: every real translation plus x-default; none for a fallback page."""
    if page.is_fallback:
        return []
    real = site.alternates(page)
    links = [{"hreflang": p.lang, "href": urls.page(p, absolute=True)} for p in real]
    default = urls.root(absolute=True) if page.is_home else urls.page(real[0], absolute=True)
    return links + [{"hreflang": "x-default", "href": default}]


def root_alternates(site: Site, urls: Urls) -> list[dict[str, str]]:
    """hreflang alternates of the multilingual landing page at the root: those of the home pages."""
    home = site.page("index", site.config.default_language)
    assert home is not None  # every language has a home page, a fallback at worst (model._pair_pages)
    return page_alternates(site, home, urls)


def sitemap(site: Site, urls: Urls, others: list[str]) -> str:
    """sitemap.xml: the files that are not pages but are listed (`others`, by address: "" is the multilingual
    landing, with the home pages' alternates), then every real page with its hreflang alternates (fallbacks are
    not announced)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    entries = [(urls.path(path, absolute=True), root_alternates(site, urls) if path == "" else []) for path in others]
    entries += [(urls.page(p, absolute=True), page_alternates(site, p, urls)) for p in site.pages if not p.is_fallback]
    for loc, alternates in entries:
        lines.append(f"  <url>\n    <loc>{escape(loc)}</loc>")
        lines += [
            f'    <xhtml:link rel="alternate" hreflang={quoteattr(a["hreflang"])} href={quoteattr(a["href"])}/>'
            for a in alternates
        ]
        lines.append("  </url>")
    return "\n".join(lines + ["</urlset>", ""])


def robots(urls: Urls) -> str:
    """robots.txt allowing everything and naming the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.path('sitemap.xml', absolute=True)}\n"


def _timestamp(day: dt.date, event: Event) -> str:
    """An RFC 3339 time for a date: midnight where the event takes place."""
    return dt.datetime.combine(day, dt.time(), event.zone).isoformat()


def atom_feed(site: Site, urls: Urls, lang: str) -> str:
    """An Atom feed of one language's pages: title, summary, link and updated date of each."""
    pages = sorted(
        (p for p in site.pages_in(lang) if not p.is_fallback), key=lambda p: (-p.updated.toordinal(), p.name)
    )
    updated = max((p.updated for p in pages), default=site.event.date)
    feed_url = urls.path(feed_path(lang), absolute=True)
    title = site.config.title[lang]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang="{lang}">',
        f"  <title>{escape(title)}</title>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f'  <link rel="alternate" type="text/html" hreflang="{lang}" href={quoteattr(urls.home(lang, True))}/>',
        f"  <id>{escape(feed_url)}</id>",
        f"  <updated>{_timestamp(updated, site.event)}</updated>",
        f"  <author><name>{escape(title)}</name></author>",
    ]
    for page in pages:
        url = urls.page(page, absolute=True)
        lines += [
            "  <entry>",
            f"    <title>{escape(page.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <id>{escape(url)}</id>",
            f"    <updated>{_timestamp(page.updated, site.event)}</updated>",
        ]
        if page.summary:
            lines.append(f"    <summary>{escape(page.summary)}</summary>")
        lines.append("  </entry>")
    return "\n".join(lines + ["</feed>", ""])


def calendar(site: Site, urls: Urls, lang: str) -> str:
    """An iCalendar file for the session: an all-day event, since the report gives no hour."""
    # All-day: a DATE is the same day wherever the calendar is read (RFC 5545, 3.3.4), so no time zone is written.
    event = site.event
    host = urlsplit(urls.base_url).netloc
    uid = f"{slugify(event.title[site.config.default_language])}-{event.date:%Y%m%d}@{host}"
    place = f"{event.city[lang]}, {i18n.country_name(event.country, lang)}"
    when = i18n.format_event_date(
        event.date, lang, event.part_of_day[lang] if event.part_of_day else None, "full", site.config.dates
    )
    # The conference first: the date phrase may start with a lowercase part of day (chiều, l'après-midi).
    description = f"{event.conference[lang]}\n{when[:1].upper() + when[1:]}\n{urls.home(lang, absolute=True)}"
    stamp = dt.datetime.combine(event.date, dt.time(), dt.timezone.utc)  # fixed: rebuilding changes nothing
    calendar = icalendar.Calendar()
    for name, value in [
        ("VERSION", "2.0"),
        ("PRODID", "-//microsite//event microsite//" + lang.upper()),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ]:
        calendar.add(name, value)
    entry = icalendar.Event()
    entry.add("UID", uid)
    entry.add("DTSTAMP", stamp)
    entry.add("DTSTART", event.date)
    entry.add("DTEND", event.date + dt.timedelta(days=1))
    for name, text in [("SUMMARY", event.title[lang]), ("DESCRIPTION", description), ("LOCATION", place)]:
        entry.add(name, text, parameters={"LANGUAGE": lang})
    entry.add("URL", urls.home(lang, absolute=True))
    entry.add("TRANSP", "TRANSPARENT")
    calendar.add_component(entry)
    # In the order written here (icalendar sorts properties by default): readers do not care, diffs do.
    written: bytes = calendar.to_ical(sorted=False)
    return written.decode("utf-8")


def event_json_ld(site: Site, urls: Urls, lang: str) -> str:
    """schema.org Event data for a home page, as JSON safe to embed in a <script> element."""
    event = site.event

    def person(speaker: Speaker) -> dict[str, object]:
        data: dict[str, object] = {"@type": "Person", "name": speaker.name, "jobTitle": speaker.role[lang]}
        if speaker.city:
            data["homeLocation"] = {"@type": "Place", "name": speaker.city[lang]}
        return data

    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title[lang],
        "description": site.config.description.get(lang) or event.conference[lang],
        "startDate": event.date.isoformat(),
        "endDate": event.date.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": lang,
        "url": urls.home(lang, absolute=True),
        "location": {
            "@type": "Place",
            "name": event.city[lang],
            "address": {"@type": "PostalAddress", "addressLocality": event.city[lang], "addressCountry": event.country},
        },
        "superEvent": {"@type": "Event", "name": event.conference[lang]},
        # No "organizer": the report names who chaired the session and who spoke, not who organised it.
        "performer": [person(s) for s in site.speakers],
    }
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def social_card(site: Site, urls: Urls, lang: str) -> Card:
    """What a language's social card says: the place and date, the event's title, the conference it was part of,
    and the site's address."""
    event = site.event
    when = i18n.format_date(event.date, lang, "long", site.config.dates)
    parts = urlsplit(urls.base_url)
    return Card(
        kicker=f"{event.city[lang]} · {when}",
        title=event.title[lang],
        subtitle=event.conference[lang],
        footer=(parts.netloc + parts.path).rstrip("/"),
        lang=lang,
        direction="rtl" if i18n.direction(lang) == "rtl" else "ltr",
    )
