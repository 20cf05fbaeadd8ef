"""The translators' workbench, served by the preview under its base path at `_translate/` and never written to
site/: the state of every page and catalog in every language, a page's source and translation side by side block
by block (what changed since the translation was confirmed, word by word), the catalogs' unfinished strings, and
a Confirm button that records a confirmation as `translations --confirm` does.

The pages are pure functions of a built Site (overview, page_view, catalog_view), rendered from the preview's
current site on each request, so they follow every rebuild; the livereload script that the preview adds to every
HTML response reloads them after each one. They work without JavaScript: plain links and one form.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from babel.messages.catalog import Message
from markupsafe import Markup, escape
from tornado import web

from .. import i18n
from ..blocks import Block, Change, Words
from ..errors import ContentError
from ..model import Site
from ..translation_state import BlockRow, BlockState, PageBlocks, Row, State, page_blocks, report, template_messages
from .translations import confirm

if TYPE_CHECKING:
    from .preview import Preview

PREFIX = "_translate/"  # under the preview's base path; the build never writes it
WAIT_FOR_REBUILD = 5.0  # seconds a confirmation waits for the watcher's rebuild before showing the page again

_STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fff; }
main, header, nav { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b4f9c; }
a:focus-visible, button:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.skip { position: absolute; left: -100vw; top: .5rem; background: #fff; padding: .25rem .5rem; }
.skip:focus { left: 1rem; }   /* over the page, never moving it: a click elsewhere must land where it aimed */
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }
th, td { border: 1px solid #c8c8cc; padding: .4rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f3; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0 0; }
.where { font-size: .85rem; color: #4a4a4f; margin: 0; }
code { font-family: ui-monospace, monospace; }
del { background: #ffc9c4; color: #6b0a05; text-decoration-thickness: 2px; }
ins { background: #b5ecc0; color: #0b3d17; text-decoration-thickness: 2px; }
.state { font-weight: 600; }
.state-ok { color: #176b2c; }
.state-stale, .state-changed, .state-added, .state-removed, .state-fuzzy, .state-untranslated { color: #8a3b00; }
.state-missing, .state-invalid { color: #a0170e; }
del::before, del::after, ins::before, ins::after { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
del::before { content: " [removed: "; }
ins::before { content: " [added: "; }
del::after, ins::after { content: "] "; }
.notice { border-left: 6px solid #a0170e; background: #fff4f2; padding: .5rem 1rem; }
tr.changed td, tr.added td, tr.removed td { background: #fff8e6; }
.none { font-style: italic; color: #4a4a4f; margin: 0; }
button { font: inherit; padding: .4rem 1rem; border: 2px solid #0b4f9c; border-radius: 6px; background: #0b4f9c;
         color: #fff; cursor: pointer; }
"""


def _document(title: str, heading: str, body: Markup, base_path: str, notice: str) -> str:
    """A whole workbench page: English chrome (it is a tool), content blocks carry their own language."""
    home = escape(base_path + PREFIX)
    if notice:
        body = Markup('<p class="notice" role="status">{}</p>\n').format(notice) + body
    return str(
        Markup("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · translators' workbench</title>
<style>{style}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header><nav aria-label="Workbench"><p><a href="{home}">All translations</a> ·
<a href="{site}">The site</a></p></nav></header>
<main id="main">
<h1>{heading}</h1>
{body}
</main>
</body>
</html>
""").format(title=title, heading=heading, style=Markup(_STYLE), home=home, site=escape(base_path), body=body)
    )


def page_url(base_path: str, name: str, lang: str) -> str:
    """The address of a page's side-by-side view."""
    return f"{base_path}{PREFIX}pages/{quote(lang, safe='')}/{quote(name)}"


def catalog_url(base_path: str, lang: str) -> str:
    """The address of a language's catalog view."""
    return f"{base_path}{PREFIX}catalogs/{quote(lang, safe='')}"


# --- the overview -------------------------------------------------------------------------------------------------


def overview(site: Site, base_path: str, notice: str = "") -> str:
    """Every translated page and every catalog in every language, with its state; each links to its view."""
    config = site.config
    rows = report(site)
    pages = [r for r in rows if r.kind == "page" and r.lang != config.default_language]
    catalogs = [r for r in rows if r.kind == "catalog"]
    page_rows = Markup("").join(
        Markup(
            '<tr><th scope="row"><a href="{url}">{name}</a></th><td>{lang}</td><td>{state}</td><td>{detail}</td>'
            "<td><code>{path}</code></td></tr>\n"
        ).format(
            url=page_url(base_path, r.name, r.lang),
            name=r.name,
            lang=r.lang,
            state=_state(r.state),
            detail=_page_detail(site, r),
            path=r.path,
        )
        for r in pages
    )
    catalog_rows = Markup("").join(
        Markup(
            '<tr><th scope="row"><a href="{url}">{lang}</a></th><td>{state}</td><td>{detail}</td>'
            "<td><code>{path}</code></td></tr>\n"
        ).format(url=catalog_url(base_path, r.lang), lang=r.lang, state=_state(r.state), detail=r.detail, path=r.path)
        for r in catalogs
    )
    body = Markup("""<p>Source language: <strong>{source}</strong>. Each translation is compared with the source
page as it was when the translation was last confirmed.</p>
<h2 id="pages">Pages</h2>
<table aria-labelledby="pages">
<thead><tr><th scope="col">Page</th><th scope="col">Language</th><th scope="col">State</th>
<th scope="col">What to do</th><th scope="col">File</th></tr></thead>
<tbody>
{page_rows}</tbody>
</table>
<h2 id="catalogs">Interface catalogs</h2>
<table aria-labelledby="catalogs">
<thead><tr><th scope="col">Language</th><th scope="col">State</th><th scope="col">Detail</th>
<th scope="col">File</th></tr></thead>
<tbody>
{catalog_rows}</tbody>
</table>
""").format(source=config.default_language, page_rows=page_rows, catalog_rows=catalog_rows)
    return _document("Translations", "Translations", body, base_path, notice)


def _state(state: State | BlockState) -> Markup:
    """A state as a word with its class (the colour repeats the word, never replaces it)."""
    return Markup('<span class="state state-{0}">{0}</span>').format(str(state))


def _page_detail(site: Site, row: Row) -> str:
    """What the overview says of a page: for a stale one, how many blocks changed."""
    if row.state != State.STALE:
        return row.detail or ("up to date" if row.state == State.OK else "")
    try:
        return page_blocks(site, row.name, row.lang).summary
    except ContentError as exc:  # a damaged block record: still stale, and the file is named
        return f"{exc.path}: {exc.message}"


# --- one page, side by side ---------------------------------------------------------------------------------------


def page_view(site: Site, name: str, lang: str, base_path: str, token: str, notice: str = "") -> str:
    """Page `name`: the source's blocks on the left, the translation's on the right, aligned; changed blocks
    with their word diff, missing blocks marked, each block with its file and line; a Confirm form when stale.
    A notice, when given, comes first (the preview's: its last rebuild failed)."""
    blocks = page_blocks(site, name, lang)
    source_lang = site.config.default_language
    rows = Markup("").join(_block_row(blocks, row, source_lang) for row in blocks.rows)
    translation_file = (
        Markup("<code>{}</code>").format(blocks.translation_path)
        if blocks.translation_path
        else Markup("none yet: create <code>content/pages/{}.{}.md</code>").format(name, lang)
    )
    body = Markup("""<p>State: {state} — {summary}.</p>
<p>Source ({source_lang}): <code>{source_path}</code><br>Translation ({lang}): {translation_file}</p>
{confirm}<table aria-describedby="legend">
<caption id="legend">Blocks in page order. Changed source words: <del>removed</del> <ins>added</ins>.</caption>
<thead><tr><th scope="col">Block</th><th scope="col">Source ({source_lang})</th>
<th scope="col">Translation ({lang})</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
""").format(
        state=_state(blocks.state),
        summary=blocks.summary,
        source_lang=source_lang,
        lang=lang,
        source_path=blocks.source_path,
        translation_file=translation_file,
        rows=rows,
        confirm=_confirm_form(blocks, base_path, token),
    )
    title = f"{name} ({lang})"
    return _document(title, title, body, base_path, notice)


def _confirm_form(blocks: PageBlocks, base_path: str, token: str) -> Markup:
    """The Confirm button of a stale translation (a translation that is ok or missing has nothing to confirm)."""
    if blocks.state != State.STALE or blocks.translation_path is None:
        return Markup("")
    return Markup("""<form method="post" action="{action}">
<input type="hidden" name="token" value="{token}">
<input type="hidden" name="page" value="{name}">
<input type="hidden" name="lang" value="{lang}">
<p>Once the translation says what the source says:
<button type="submit">Confirm the {lang} translation of {name}</button></p>
</form>
""").format(action=base_path + PREFIX + "confirm", token=token, name=blocks.name, lang=blocks.lang)


def _block_row(blocks: PageBlocks, row: BlockRow, source_lang: str) -> Markup:
    """One aligned row: the block's kind and state, the source side, the translation side."""
    block = row.source or row.confirmed or row.translation
    assert block is not None  # every row shows a block on one side at least
    kind = block.kind.replace("field:", "field ")
    return Markup(
        '<tr class="{state}"><th scope="row">{kind}<br>{label}</th><td>{source}</td><td>{translation}</td></tr>\n'
    ).format(
        state=str(row.state),
        kind=kind,
        label=_state(row.state),
        source=_source_cell(blocks, row, source_lang),
        translation=_translation_cell(blocks, row),
    )


def _source_cell(blocks: PageBlocks, row: BlockRow, source_lang: str) -> Markup:
    """The source side of a row: today's block (its word diff when it changed), or the removed block."""
    if row.state == BlockState.EXTRA:
        return Markup('<p class="none">no source block: this block of the translation has no counterpart</p>')
    if row.source is None:  # removed: where it stood is the confirmed block, which has no line of today's file
        return Markup(
            '<p class="where">removed from <code>{path}</code>: delete it from the translation</p>'
            '<div class="text" lang="{lang}">{words}</div>'
        ).format(path=blocks.source_path, lang=source_lang, words=_words(row.words))
    text = _words(row.words) if row.words else escape(row.source.text)
    return Markup('{where}<div class="text" lang="{lang}">{text}</div>').format(
        where=_where(blocks.source_path, row.source), lang=source_lang, text=text
    )


def _translation_cell(blocks: PageBlocks, row: BlockRow) -> Markup:
    """The translation side of a row: its block with file and line, or what is missing."""
    if blocks.translation_path is None:
        return Markup('<p class="none">missing: no translation of this page yet</p>')
    if row.translation is None:
        todo = "translate this block" if row.state == BlockState.ADDED else "no block of the translation corresponds"
        return Markup('<p class="none">missing: {}</p>').format(todo)
    return Markup('{where}<div class="text" lang="{lang}">{text}</div>').format(
        where=_where(blocks.translation_path, row.translation), lang=blocks.lang, text=row.translation.text
    )


def _where(path: str, block: Block) -> Markup:
    """path:line, to open in an editor."""
    return Markup('<p class="where"><code>{}:{}</code></p>').format(path, block.line)


def _words(parts: Iterable[Words]) -> Markup:
    """A word diff as text with <del> and <ins>, spaced as written (a replacement reads old then new)."""
    shown: list[Markup] = []
    previous: Change | None = None
    for k, part in enumerate(parts):
        space = " " if part.spaced and k and not (part.change == Change.ADDED and previous == Change.REMOVED) else ""
        tag = {Change.REMOVED: "del", Change.ADDED: "ins"}.get(part.change)
        text = escape(part.text) if tag is None else Markup("<{0}>{1}</{0}>").format(Markup(tag), part.text)
        shown.append(Markup("{}{}").format(space, text))
        previous = part.change
    return Markup("").join(shown)


# --- the catalogs -------------------------------------------------------------------------------------------------


def catalog_view(site: Site, lang: str, base_path: str, notice: str = "") -> str:
    """A language's interface catalog: its untranslated and fuzzy strings, with where the templates use them."""
    config = site.config
    row = next(r for r in report(site) if r.kind == "catalog" and r.lang == lang)
    intro = Markup(
        "<p>State: {state} — {detail}.</p><p>File: <code>{path}</code> (open it in a PO editor such as "
        "Poedit, or in a text editor).</p>\n"
    ).format(state=_state(row.state), detail=row.detail, path=row.path)
    try:
        catalog = i18n.read_catalog(config.locales_dir, lang, config.project)
    except ContentError as exc:
        body = intro + Markup("<p>{}</p>").format(str(exc))
        return _document(f"Catalog ({lang})", f"Interface catalog ({lang})", body, base_path, notice)
    messages = [m for m in catalog if m.id]
    fuzzy = [m for m in messages if m.fuzzy]
    untranslated = [m for m in messages if not m.fuzzy and not all(_strings(m))]
    absent = [msgid for context, msgid in template_messages(config) if catalog.get(msgid, context=context) is None]
    body = (
        intro
        + _message_table("fuzzy", "Fuzzy: to review, then remove the fuzzy mark", fuzzy, lang)
        + _message_table("untranslated", "Untranslated: msgstr to fill in", untranslated, lang)
    )
    if absent:
        body += Markup(
            "<h2>Used by the templates but not in the catalog</h2><p>Run <code>python build.py i18n "
            "extract</code>, then <code>i18n update</code>, to add them:</p><ul>{}</ul>"
        ).format(Markup("").join(Markup('<li lang="en">{}</li>').format(msgid) for msgid in absent))
    return _document(f"Catalog ({lang})", f"Interface catalog ({lang})", body, base_path, notice)


def _strings(message: Message) -> list[str]:
    """Every form of a message's translation."""
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]


def _message_table(key: str, title: str, messages: list[Message], lang: str) -> Markup:
    """A table of msgids (English, as the templates write them), their translation and their locations."""
    if not messages:
        return Markup('<h2 id="{}">{}</h2><p>None.</p>\n').format(key, title)
    rows = Markup("").join(
        Markup(
            '<tr><th scope="row" lang="en">{msgid}</th><td lang="{lang}">{msgstr}</td><td>{where}</td></tr>\n'
        ).format(
            msgid=m.id if isinstance(m.id, str) else " / ".join(m.id),
            lang=lang,
            msgstr=" / ".join(s for s in _strings(m) if s),
            where=Markup("<br>").join(Markup("<code>{}</code>").format(f"{f}:{n}" if n else f) for f, n in m.locations),
        )
        for m in messages
    )
    return Markup("""<h2 id="{key}">{title}</h2>
<table aria-labelledby="{key}">
<thead><tr><th scope="col">msgid</th><th scope="col">msgstr</th><th scope="col">Used in</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
""").format(key=key, title=title, rows=rows)


# --- serving it -----------------------------------------------------------------------------------------------------


class _Workbench(web.RequestHandler):
    """Shared by the workbench's handlers: the preview's current site, under the preview's current base path."""

    def initialize(self, preview: Preview, token: str) -> None:
        self.preview = preview
        self.token = token

    def site(self, base: str) -> Site:
        """The preview's site, or 404 when the address is not under its base path (it may have changed)."""
        if "/" + base != self.preview.base_path:
            raise web.HTTPError(404)
        if self.preview.site is None:
            raise web.HTTPError(503, reason="the preview has not built the site yet")
        return self.preview.site

    def notice(self) -> str:
        """What to say first while the last rebuild failed: the workbench shows the last good build meanwhile."""
        if self.preview.error is None:
            return ""
        return (
            "The last rebuild failed (the site's pages show why): this is the state as of the last good build. "
            "Fix the file and save; this page reloads by itself."
        )

    def show(self, html: str) -> None:
        """Answer with a workbench page, never cached (it changes with every rebuild)."""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(html)

    def refuse(self, why: str) -> None:
        """403 with one line saying why."""
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"refused: {why}\n")


class OverviewHandler(_Workbench):
    """GET BASE/_translate/: every page and catalog in every language."""

    def get(self, base: str) -> None:
        self.show(overview(self.site(base), self.preview.base_path, self.notice()))


class PageHandler(_Workbench):
    """GET BASE/_translate/pages/LANG/NAME: one page side by side."""

    def get(self, base: str, lang: str, name: str) -> None:
        site = self.site(base)
        if lang == site.config.default_language or site.page(name, lang) is None:
            raise web.HTTPError(404)
        self.show(page_view(site, name, lang, self.preview.base_path, self.token, self.notice()))


class CatalogHandler(_Workbench):
    """GET BASE/_translate/catalogs/LANG: one language's unfinished interface strings."""

    def get(self, base: str, lang: str) -> None:
        site = self.site(base)
        if lang not in site.config.languages:
            raise web.HTTPError(404)
        self.show(catalog_view(site, lang, self.preview.base_path, self.notice()))


class ConfirmHandler(_Workbench):
    """POST BASE/_translate/confirm: record a confirmation as `translations --confirm` does, then show the page."""

    async def post(self, base: str) -> None:
        site = self.site(base)
        if not _is_loopback(self.request.remote_ip):
            self.refuse("confirmations are accepted only from this machine (a loopback address)")
            return
        if not _is_loopback_host(self.request.host_name):
            self.refuse(
                f"the address {self.request.host_name!r} is not this machine's loopback address: "
                "open the workbench at 127.0.0.1 or localhost"
            )
            return
        if not hmac.compare_digest(self.get_body_argument("token", "").encode(), self.token.encode()):
            self.refuse("the form's token is missing or out of date: reload the workbench page and confirm again")
            return
        name, lang = self.get_body_argument("page", ""), self.get_body_argument("lang", "")
        if lang == site.config.default_language or site.page(name, lang) is None:
            raise web.HTTPError(404)
        try:
            confirm(site, [name], [lang])
        except ContentError as exc:
            self.set_status(409)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"{exc}\n")
            return
        # The watcher sees translations.yaml change and rebuilds: show the page once it has (or after a while).
        await _until(lambda: self.preview.site is not site, WAIT_FOR_REBUILD)
        self.redirect(page_url(self.preview.base_path, name, lang), status=303)


class SlashHandler(_Workbench):
    """BASE/_translate (no slash): to BASE/_translate/ (only under the base path: //host/_translate must not
    redirect to another site)."""

    def get(self, base: str) -> None:
        self.site(base)
        self.redirect(self.preview.base_path + PREFIX, permanent=False)


def handlers(preview: Preview) -> list[tuple[str, type, dict[str, Any]]]:
    """The workbench's routes, to place before the preview's catch-all static route; one random token per server
    protects the confirm form against requests made by other sites."""
    options = {"preview": preview, "token": secrets.token_urlsafe(32)}
    return [
        (r"/(.*?)_translate/", OverviewHandler, options),
        (r"/(.*?)_translate/pages/([^/]+)/(.+)", PageHandler, options),
        (r"/(.*?)_translate/catalogs/([^/]+)", CatalogHandler, options),
        (r"/(.*?)_translate/confirm", ConfirmHandler, options),
        (r"/(.*?)_translate", SlashHandler, options),
    ]


def _is_loopback(ip: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (an IPv4 loopback address mapped into IPv6 included)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


def _is_loopback_host(host: str) -> bool:
    """True when the request names this machine by a loopback name, so a page of another site whose name was made
    to resolve to 127.0.0.1 (DNS rebinding) cannot post to the workbench."""
    return host == "localhost" or _is_loopback(host.strip("[]"))


async def _until(condition: Any, seconds: float) -> None:
    """Wait, without blocking the server, until condition() is true or the time is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:
        await asyncio.sleep(0.05)
