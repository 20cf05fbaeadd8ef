"""Missing, stale and confirmed translations; strict builds; new pages; catalog round trips."""

import unicodedata

from babel.messages.pofile import read_po

from conftest import run_cli, snapshot, write


def report_states(result):
    """{(name, lang): state} from the report table."""
    states = {}
    for line in result.out.splitlines()[1:]:
        cells = line.split()
        if len(cells) >= 4 and cells[0] in ("page", "catalog"):
            states[(cells[1], cells[2])] = cells[3]
    return states


def test_ok_report_exits_zero(event):
    result = run_cli(event, "translations")
    assert result.code == 0, result.out
    states = report_states(result)
    assert len(states) == 16 and set(states.values()) == {"ok"}


def test_missing_translation_is_reported_and_rendered_as_a_marked_fallback(tiny):
    result = run_cli(tiny, "translations")
    assert result.code == 1
    assert report_states(result)[("notes", "fr")] == "missing"
    build = run_cli(tiny)
    assert build.code == 0
    assert "no fr translation" in build.err and "content/pages/notes.vi.md" in build.err
    html = (tiny / "site" / "fr" / "notes" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and '<div lang="vi">' in html
    assert "Pas encore traduit." in html
    # hreflang never announces the fallback, and the Vietnamese page does not list a French alternate.
    assert 'hreflang="fr" href' not in html.split("<body>")[0]
    vi = (tiny / "site" / "vi" / "notes" / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate" hreflang="fr"' not in vi


def test_editing_the_source_makes_the_translation_stale_until_confirmed(tiny):
    source = tiny / "content" / "pages" / "index.vi.md"
    write(source, source.read_text(encoding="utf-8") + "\nMột câu mới.\n")
    result = run_cli(tiny, "translations")
    assert report_states(result)[("index", "fr")] == "stale"
    build = run_cli(tiny)
    assert build.code == 0 and "index.fr.md: translation is stale" in build.err
    assert "Traduction périmée." in (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    confirmed = run_cli(tiny, "translations", "--confirm", "index")
    assert "confirmed index (fr)" in confirmed.out
    assert report_states(run_cli(tiny, "translations"))[("index", "fr")] == "ok"
    assert "index:" in (tiny / "content" / "translations.yaml").read_text(encoding="utf-8")


def test_confirming_an_unknown_page_is_an_error(tiny):
    result = run_cli(tiny, "translations", "--confirm", "nowhere")
    assert result.code == 1 and "there is no page 'nowhere'" in result.err


def test_strict_build_refuses_missing_stale_and_untranslated(tiny):
    assert run_cli(tiny).code == 0  # a good site to keep
    before = snapshot(tiny / "site")
    source = tiny / "content" / "pages" / "talks" / "da-nang.vi.md"
    write(source, source.read_text(encoding="utf-8") + "\nThêm.\n")
    po = tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Entrer"', 'msgstr ""'), encoding="utf-8")
    result = run_cli(tiny, "--strict")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert any("content/pages/notes.fr.md" in line and "missing" in line for line in lines)
    assert any("content/pages/talks/da-nang.fr.md" in line and "stale" in line for line in lines)
    assert any("locales/fr/LC_MESSAGES/messages.po" in line and "untranslated" in line for line in lines)
    assert snapshot(tiny / "site") == before


def test_strict_build_refuses_fuzzy_strings(event):
    po = event / "locales" / "vi" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8").replace('msgid "Key ideas"', '#, fuzzy\nmsgid "Key ideas"')
    po.write_text(text, encoding="utf-8")
    result = run_cli(event, "--strict")
    assert result.code == 1 and "fuzzy" in result.err


def test_new_page_creates_both_languages_and_refuses_to_overwrite(tiny):
    result = run_cli(tiny, "new", "talks/lyon")
    assert result.code == 0
    for lang in ("vi", "fr"):
        page = tiny / "content" / "pages" / "talks" / f"lyon.{lang}.md"
        assert page.read_text(encoding="utf-8").startswith("---\n")
    again = run_cli(tiny, "new", "talks/lyon")
    assert again.code == 1 and "already exists" in again.err


def test_extract_and_update_round_trip(tiny):
    template = tiny / "templates" / "page.html"
    write(template, '{% extends "base.html" %}\n{% block main %}{{ _("A brand new string") }}{% endblock %}\n')
    assert run_cli(tiny, "i18n", "extract").code == 0
    assert 'msgid "A brand new string"' in (tiny / "locales" / "messages.pot").read_text(encoding="utf-8")
    assert run_cli(tiny, "i18n", "update").code == 0
    for lang in ("vi", "fr"):
        with (tiny / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
            catalog = read_po(fp)
        message = catalog["A brand new string"]
        assert message.string == "" and not message.fuzzy
        assert catalog["Date"].string  # existing translations kept
    report = run_cli(tiny, "translations")
    assert report_states(report)[("messages", "fr")] == "untranslated"


def test_update_never_guesses_with_fuzzy_matching(tiny):
    template = tiny / "templates" / "page.html"
    write(template, '{% extends "base.html" %}\n{% block main %}{{ _("Not translated yet!") }}{% endblock %}\n')
    run_cli(tiny, "i18n", "extract")
    run_cli(tiny, "i18n", "update")
    with (tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        message = read_po(fp)["Not translated yet!"]
    assert message.string == "" and not message.fuzzy


def test_compile_writes_mo_files(tiny):
    result = run_cli(tiny, "i18n", "compile")
    assert result.code == 0
    assert (tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_nfd_page_gives_nfc_output(tiny):
    page = tiny / "content" / "pages" / "notes.vi.md"
    page.write_bytes(
        unicodedata.normalize("NFD", page.read_text(encoding="utf-8") + "\nĐà Nẵng và Hải Phòng.\n").encode("utf-8")
    )
    assert run_cli(tiny).code == 0
    html = (tiny / "site" / "vi" / "notes" / "index.html").read_text(encoding="utf-8")
    assert "Đà Nẵng và Hải Phòng." in html and unicodedata.is_normalized("NFC", html)


def test_heading_anchor_keeps_d_of_da_nang(tiny):
    assert run_cli(tiny).code == 0
    assert '<h2 id="da-nang">' in (tiny / "site" / "vi" / "tham-luan" / "da-nang" / "index.html").read_text()


def test_slug_clash_names_both_files(tiny):
    write(tiny / "content" / "pages" / "other.vi.md", "---\ntitle: Khác\nslug: Nótes\n---\nx\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert "content/pages/other.vi.md:3" in result.err and "content/pages/notes.vi.md" in result.err
