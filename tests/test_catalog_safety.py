"""Catalogs are text, not markup: escaped msgstrs, checked placeholders, complete catalogs under --strict, and
catalog commands that refuse bad inputs in one line instead of a traceback or a silent loss."""

import pytest

from conftest import edit, run_cli, snapshot, write

FR = ("locales", "fr", "LC_MESSAGES", "messages.po")


def french_catalog(project):
    """The tiny site's French catalog."""
    return project.joinpath(*FR)


def add_entry(project, entry: str) -> int:
    """Append an entry to the French catalog; return the line number of its (first) msgstr."""
    po = french_catalog(project)
    text = po.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    lines = (text + entry).split("\n")
    po.write_text(text + entry, encoding="utf-8")
    return next(n for n, line in enumerate(lines, start=1) if n > text.count("\n") and line.startswith("msgstr"))


def use_in_templates(project, expression: str) -> None:
    """Print one more interface string in the footer of every page."""
    edit(project / "templates" / "base.html", "<footer>", "<footer>" + expression + " ")


def strict_clean(project) -> None:
    """Give the tiny site its missing French page, so that --strict passes until a test breaks something."""
    write(project / "content" / "pages" / "notes.fr.md", "---\ntitle: Notes\n---\nTexte.\n")
    assert run_cli(project, "translations", "--confirm", "notes").code == 0
    assert run_cli(project, "--strict").code == 0


def error_lines(result) -> list[str]:
    """The lines of stderr that report an error (never a traceback)."""
    assert "Traceback" not in result.err
    return [line for line in result.err.splitlines() if line.startswith("error:")]


def one_error(result) -> str:
    """The single line a refused command prints."""
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    return lines[0]


# --- 1. a msgstr is text ------------------------------------------------------------------------------------------


def test_markup_in_a_msgstr_is_printed_as_text(tiny):
    edit(french_catalog(tiny), 'msgstr "Date"', 'msgstr "<img src=x onerror=alert(1)> & co"')
    edit(french_catalog(tiny), 'msgstr "Entrer"', 'msgstr "<script>alert(2)</script>"')
    result = run_cli(tiny)
    assert result.code == 0, result.err
    for page in ("fr/index.html", "fr/notes/index.html", "404.html", "index.html"):
        html = (tiny / "site" / page).read_text(encoding="utf-8")
        assert "<img" not in html and "<script>" not in html, page
    footer = (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in footer
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in (tiny / "site" / "404.html").read_text(encoding="utf-8")


def test_placeholders_fill_an_escaped_msgstr_with_escaped_values(tiny):
    use_in_templates(tiny, '{{ _("Hello %(name)s", name="<b>you</b>") }}')
    add_entry(tiny, 'msgid "Hello %(name)s"\nmsgstr "<i>Bonjour</i> %(name)s, 100%% sûr"\n')
    result = run_cli(tiny)
    assert result.code == 0, result.err
    html = (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "&lt;i&gt;Bonjour&lt;/i&gt; &lt;b&gt;you&lt;/b&gt;, 100% sûr" in html


# --- 2. placeholders are checked against the msgid ----------------------------------------------------------------


@pytest.mark.parametrize(
    "msgstr, problem",
    [
        ("Intervention %(number) sur %(total)s", "has a malformed placeholder '%(number) s'"),
        ("Intervention sur %(total)s", "lacks %(number)s"),
        ("Intervention %(number)s sur %(total)s de %(speaker)s", "has %(speaker)s, which the msgid has not"),
        ("Intervention %(number)d sur %(total)s", "has %(number)d, which the msgid has not"),
        ("Intervention %(number)s sur %(total)s à 100 %", "has a malformed placeholder '%'"),
    ],
)
def test_a_broken_placeholder_is_a_located_error_in_the_catalog(tiny, msgstr, problem):
    use_in_templates(tiny, '{{ _("Contribution %(number)s of %(total)s", number=1, total=2) }}')
    line = add_entry(tiny, f'#, python-format\nmsgid "Contribution %(number)s of %(total)s"\nmsgstr "{msgstr}"\n')
    result = run_cli(tiny)
    errors = error_lines(result)
    assert len(errors) == 1 and result.code == 1
    assert errors[0].startswith(
        f"error: locales/fr/LC_MESSAGES/messages.po:{line}: the translation of 'Contribution %(number)s of %(total)s'"
    ), errors[0]
    assert problem in errors[0]
    assert not (tiny / "site").exists()
    # The report and the compiled catalogs say the same.
    report = run_cli(tiny, "translations")
    assert "invalid" in report.out and f"line {line}" in report.out
    compiled = run_cli(tiny, "i18n", "compile")
    assert compiled.code == 1 and f"messages.po:{line}:" in compiled.err
    assert not (tiny / "locales" / "vi" / "LC_MESSAGES" / "messages.mo").exists()


def test_each_plural_form_is_checked_and_located(tiny):
    use_in_templates(tiny, '{{ ngettext("%(num)s day", "%(num)s days", 2) }}')
    first = add_entry(
        tiny, 'msgid "%(num)s day"\nmsgid_plural "%(num)s days"\nmsgstr[0] "%(num)s jour"\nmsgstr[1] "%(nom)s jours"\n'
    )
    result = run_cli(tiny)
    errors = error_lines(result)
    assert result.code == 1 and len(errors) == 1
    assert f"messages.po:{first + 1}:" in errors[0] and "lacks %(num)s" in errors[0] and "%(nom)s" in errors[0]


def test_correct_placeholders_and_fuzzy_entries_pass_the_check(tiny):
    use_in_templates(
        tiny,
        '{{ _("Contribution %(number)s of %(total)s", number=1, total=2) }} '
        '{{ ngettext("one day", "%(num)s days", 3) }}',
    )
    add_entry(
        tiny,
        '#, python-format\nmsgid "Contribution %(number)s of %(total)s"\n'
        'msgstr "Intervention %(number)s sur %(total)s"\n\n'
        'msgid "one day"\nmsgid_plural "%(num)s days"\nmsgstr[0] "un jour"\nmsgstr[1] "%(num)s jours"\n\n'
        '#, fuzzy\nmsgid "Broken but fuzzy %(x)s"\nmsgstr "Cassé %(x) s"\n',
    )
    result = run_cli(tiny)
    assert result.code == 0, result.err
    html = (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "Intervention 1 sur 2" in html and "3 jours" in html


# --- 3. a catalog that lacks the templates' strings is untranslated -----------------------------------------------


def test_an_empty_catalog_fails_strict(tiny):
    strict_clean(tiny)
    po = french_catalog(tiny)
    header = po.read_text(encoding="utf-8").split("\n\n#:")[0] + "\n"
    po.write_text(header, encoding="utf-8")
    before = snapshot(tiny / "site")
    result = run_cli(tiny, "--strict")
    errors = error_lines(result)
    assert result.code == 1 and len(errors) == 1
    assert errors[0].startswith("error: locales/fr/LC_MESSAGES/messages.po: catalog 'messages' (fr) is untranslated")
    assert "used by the templates but not in the catalog" in errors[0]
    assert snapshot(tiny / "site") == before
    report = run_cli(tiny, "translations")
    assert report.code == 1 and any(
        line.split()[:4] == ["catalog", "messages", "fr", "untranslated"] for line in report.out.splitlines()
    )


def test_a_template_string_absent_from_the_catalogs_fails_strict(tiny):
    strict_clean(tiny)
    use_in_templates(tiny, '{{ _("A string nobody translated") }}')
    result = run_cli(tiny, "--strict")
    errors = error_lines(result)
    assert result.code == 1 and len(errors) == 2  # both languages
    assert all("'A string nobody translated'" in line and "untranslated" in line for line in errors)
    # Once extracted and merged, the string is an empty msgstr: still untranslated, still refused.
    assert run_cli(tiny, "i18n", "extract").code == 0 and run_cli(tiny, "i18n", "update").code == 0
    assert run_cli(tiny, "--strict").code == 1


def test_a_fuzzy_entry_is_never_published_and_fails_strict(tiny):
    strict_clean(tiny)
    edit(french_catalog(tiny), 'msgid "Date"', '#, fuzzy\nmsgid "Date"')
    edit(french_catalog(tiny), 'msgstr "Date"', 'msgstr "Quand"')
    result = run_cli(tiny, "--strict")
    assert result.code == 1 and "(fr) is fuzzy" in result.err
    assert run_cli(tiny).code == 0
    assert "Quand" not in (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")


# --- 4. `i18n update` refuses a bad template ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "pot",
    [
        b"",
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n',
        b"# only a comment\n",
        b"garbage here\nnot a catalog\n",
        b"\xff\xfe\x00\x01binary",
        b'msgid "unclosed\nmsgstr ""\n',
    ],
)
def test_update_refuses_an_empty_or_garbage_template_and_writes_nothing(tiny, pot):
    (tiny / "locales" / "messages.pot").write_bytes(pot)
    before = snapshot(tiny / "locales")
    line = one_error(run_cli(tiny, "i18n", "update"))
    assert line.startswith("error: locales/messages.pot")
    assert snapshot(tiny / "locales") == before


# --- 5. one line instead of a traceback ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [(), ("--strict",), ("i18n", "compile"), ("i18n", "update")])
def test_an_unknown_charset_in_a_catalog_is_one_located_line(tiny, command):
    strict_clean(tiny)  # the strict build reports the catalog as it is (invalid, at its line), not as missing
    po = french_catalog(tiny)
    edit(po, "charset=utf-8", "charset=no-such-codec")
    header = '"Content-Type: text/plain; charset=no-such-codec\\n"'
    line_number = po.read_text(encoding="utf-8").split("\n").index(header) + 1
    before = snapshot(tiny / "locales")
    result = run_cli(tiny, *command)
    assert result.code == 1 and len(error_lines(result)) == 1, result.err
    line = error_lines(result)[0]
    assert line.startswith(f"error: locales/fr/LC_MESSAGES/messages.po:{line_number}: ") and "no-such-codec" in line
    assert "write the translation" not in line
    assert snapshot(tiny / "locales") == before


@pytest.mark.parametrize("command", [(), ("--strict",), ("i18n", "compile"), ("i18n", "update")])
def test_a_plural_form_beyond_the_header_is_one_located_line(tiny, command):
    strict_clean(tiny)
    line_number = (
        add_entry(
            tiny,
            'msgid "one talk"\nmsgid_plural "%(num)s talks"\nmsgstr[0] "un exposé"\n'
            'msgstr[1] "%(num)s exposés"\nmsgstr[7] "sept"',
        )
        + 2
    )
    before = snapshot(tiny / "locales")
    result = run_cli(tiny, *command)
    assert result.code == 1 and len(error_lines(result)) == 1, result.err
    line = error_lines(result)[0]
    assert line.startswith(f"error: locales/fr/LC_MESSAGES/messages.po:{line_number}: "), line
    assert "msgstr[7]" in line and "Plural-Forms" in line and "write the translation" not in line
    assert snapshot(tiny / "locales") == before


def test_babels_complaint_names_the_line_it_concerns(tiny):
    # Babel counts lines from 0: a msgid without a msgstr on line N must be reported at N, not N - 1.
    po = french_catalog(tiny)
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "lonely"\n', encoding="utf-8")
    line_number = po.read_text(encoding="utf-8").split("\n").index('msgid "lonely"') + 1
    line = one_error(run_cli(tiny))
    assert line.startswith(f"error: locales/fr/LC_MESSAGES/messages.po:{line_number}: ") and "'lonely'" in line


def test_a_charset_other_than_utf8_is_refused_too(tiny):
    # The file is read as UTF-8 whatever its header says; compiled as latin-1, Vietnamese would not encode.
    edit(tiny / "locales" / "vi" / "LC_MESSAGES" / "messages.po", "charset=utf-8", "charset=latin-1")
    line = one_error(run_cli(tiny))
    assert line.startswith("error: locales/vi/LC_MESSAGES/messages.po:15: ") and "'latin-1'" in line


@pytest.mark.parametrize(
    "config",
    [
        None,  # missing
        "folder",  # a folder where the file should be
        b"\xff\xfe garbage",  # not UTF-8
        b"garbage without a section\n",  # no [section]
        b"[jinja2: templates/**.html]\n[oops\n",  # a line that is nothing
        b"[no colon here]\n",  # a section that is not [method: pattern]
        b"[jinja2: templates/**.html]\nencoding = nope\n",
        b"[jinja2: templates/**.html]\nx = 1\nx = 2\n",  # a key twice
        b"[nosuchmethod: templates/**.html]\n",
        b"# names no file at all\n",  # would write an empty messages.pot
    ],
)
def test_extract_with_a_missing_or_garbage_babel_cfg_is_one_line_and_keeps_the_template(tiny, config):
    cfg = tiny / "babel.cfg"
    cfg.unlink()
    if config == "folder":
        cfg.mkdir()
    elif config is not None:
        cfg.write_bytes(config)
    before = snapshot(tiny / "locales")
    line = one_error(run_cli(tiny, "i18n", "extract"))
    assert "babel.cfg" in line
    assert snapshot(tiny / "locales") == before


def test_compile_when_a_mo_path_is_a_folder_is_one_line_and_writes_nothing(tiny):
    (tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.mo").mkdir()
    line = one_error(run_cli(tiny, "i18n", "compile"))
    assert line.startswith("error: locales/fr/LC_MESSAGES/messages.mo: ")
    assert not (tiny / "locales" / "vi" / "LC_MESSAGES" / "messages.mo").exists()


def test_debug_still_shows_the_traceback(tiny):
    (tiny / "babel.cfg").unlink()
    result = run_cli(tiny, "--debug", "i18n", "extract")
    assert result.code == 1 and "Traceback" in result.err


# --- 6. the catalog commands write nothing through a link that leads outside the project ----------------------------


def outside_file(project, name="precious.txt"):
    """A file beside the project (not inside it) that no command may change."""
    precious = project.parent / "outside" / name
    write(precious, "someone's precious file\n")
    return precious


@pytest.mark.parametrize(
    "command, link",
    [
        (("i18n", "extract"), "locales/messages.pot"),
        (("i18n", "compile"), "locales/fr/LC_MESSAGES/messages.mo"),
        (("i18n", "compile"), "locales/vi/LC_MESSAGES/messages.mo"),
    ],
)
def test_catalog_commands_never_write_through_a_link_to_a_file_outside(tiny, command, link):
    precious = outside_file(tiny)
    (tiny / link).unlink(missing_ok=True)
    (tiny / link).symlink_to(precious)
    before = snapshot(tiny / "locales")
    line = one_error(run_cli(tiny, *command))
    assert line.startswith(f"error: {link}: a link to {precious}, outside the project; nothing was written")
    assert precious.read_text() == "someone's precious file\n"
    assert snapshot(tiny / "locales") == before


def test_update_never_creates_a_catalog_through_a_dangling_link_to_outside(tiny):
    catalog = tiny / "locales/vi/LC_MESSAGES/messages.po"
    catalog.unlink()
    target = tiny.parent / "outside" / "created.po"
    target.parent.mkdir()
    catalog.symlink_to(target)
    before = snapshot(tiny / "locales")
    line = one_error(run_cli(tiny, "i18n", "update"))
    assert line.startswith("error: locales/vi/LC_MESSAGES/messages.po: a link to") and "nothing was written" in line
    assert not target.exists() and snapshot(tiny / "locales") == before


def test_extract_never_writes_into_a_locales_folder_outside(tiny):
    outside = tiny.parent / "outside-locales"
    (tiny / "locales").rename(outside)
    (tiny / "locales").symlink_to(outside)
    before = snapshot(outside)
    line = one_error(run_cli(tiny, "i18n", "extract"))
    assert line.startswith(f"error: locales: a link to {outside}, outside the project; nothing was written")
    assert snapshot(outside) == before


def test_catalog_commands_still_write_through_links_inside_the_project(tiny):
    real = tiny / "locales/real.pot"
    (tiny / "locales/messages.pot").rename(real)
    (tiny / "locales/messages.pot").symlink_to("real.pot")
    result = run_cli(tiny, "i18n", "extract")
    assert result.code == 0, result.err
    assert (tiny / "locales/messages.pot").is_symlink() and "msgid" in real.read_text(encoding="utf-8")
