"""Mutation testing of the modules where a silent bug reaches visitors, with mutmut (README, "Mutation testing").

    python scripts/mutation.py              # run mutmut (minutes to an hour on 2 cores), then print the table
    python scripts/mutation.py --report     # print the table of the last run only

mutmut copies the project into mutants/, mutates one function at a time and runs only the tests (listed in
pyproject.toml, [tool.mutmut]) that reach that function. A mutant a test fails on is killed; one no test notices
survived. A survivor either gets a test (tests/test_mutants.py) or, when it changes nothing anyone could observe,
is listed in EQUIVALENT below with why. The score is killed / (mutants - equivalent), per module.
Not part of .ci/run: too slow.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = [sys.executable, "-m", "mutmut"]

# What is mutated (mutmut name patterns: whole modules, in model.py only the translations' pairing) and
# the tests run against it. No browser tests; the 20 KB hostile pages measure time, not output.
SKIP = "not browser and not lighthouse and not actionlint and not hostile_page_of_20_kb"
TARGETS = {
    "text.py": (
        ["microsite.text.*"],
        [
            "tests/test_text.py",
            "tests/test_what_visitors_see.py",
            "tests/test_generated_text.py",
            "tests/test_languages.py",
            "tests/test_mutants.py",
        ],
    ),
    "urls.py": (
        ["microsite.urls.*"],
        [
            "tests/test_urls.py",
            "tests/test_publish.py",
            "tests/test_what_visitors_see.py",
            "tests/test_golden.py",
            "tests/test_mutants.py",
        ],
    ),
    "feeds.py": (
        ["microsite.feeds.*"],
        [
            "tests/test_publish.py",
            "tests/test_generated_text.py",
            "tests/test_what_visitors_see.py",
            "tests/test_event_data.py",
            "tests/test_golden.py",
            "tests/test_mutants.py",
        ],
    ),
    "commands/translations.py": (
        ["microsite.commands.translations.*"],
        [
            "tests/test_translations.py",
            "tests/test_translation_blocks.py",
            "tests/test_catalog_safety.py",
            "tests/test_golden.py",
            "tests/test_mutants.py",
            "tests/test_mutants_translations_report.py",
        ],
    ),
    "translation_state.py": (
        ["microsite.translation_state.*"],
        [
            "tests/test_translations.py",
            "tests/test_translation_blocks.py",
            "tests/test_what_visitors_see.py",
            "tests/test_catalog_safety.py",
            "tests/test_languages.py",
            "tests/test_golden.py",
            "tests/test_mutants.py",
            "tests/test_mutants_translation_state.py",
        ],
    ),
    "model.py (pairing)": (
        [
            "microsite.model.x__pair_pages__*",
            "microsite.model.x__pair_name__*",
            "microsite.model.xǁPageǁis_fallback__*",
            "microsite.model.xǁSiteǁcounterparts__*",
            "microsite.model.xǁSiteǁalternates__*",
        ],
        [
            "tests/test_translations.py",
            "tests/test_what_visitors_see.py",
            "tests/test_new.py",
            "tests/test_catalog_safety.py",
            "tests/test_golden.py",
            "tests/test_mutants.py",
            "tests/test_mutants_pairing.py",
            "tests/test_preview.py",  # only the preview pairs again with what the previous build paired
        ],
    ),
    # markup.py: not test_allow_scripts.py (mutmut cannot select its escaped test ids; test_mutants_markup.py runs
    # its checks under plain ids), nor the slow test_inputs_safety.py and test_fast_paths.py.
    "markup.py": (
        ["microsite.markup.*"],
        [
            "tests/test_content.py",
            "tests/test_golden.py",
            "tests/test_new.py",  # a broken link's hint from a page in a folder
            "tests/test_mutants.py",
            "tests/test_mutants_markup.py",
        ],
    ),
    "writer.py": (
        ["microsite.writer.*"],
        ["tests/test_output_guard.py", "tests/test_atomic.py", "tests/test_mutants.py"],
    ),
    # commands/deploy.py, its guard only: the functions that decide whether deploy may push and where (names, the
    # source and default branches, the remote's branch, uncommitted inputs, the local and tracking branches, the new
    # commit's parent, the published address) and the undo when a push fails. The whole module (992 mutants, each
    # running git repositories and builds) takes hours on two busy cores; the guard is what stands between a user
    # and a harmed repository or a site published at the wrong address.
    "commands/deploy.py (guard)": (
        [
            f"microsite.commands.deploy.x_{name}__*"
            for name in (
                "_check_names",
                "_refuse_source_branch",
                "_default_branches",
                "_remote_branch",
                "_uncommitted_inputs",
                "_unread",
                "_check_parent",
                "_check_tracking_ref",
                "published_address",
                "_bring_local_branch_up",
                "_restore",
            )
        ],
        ["tests/test_deploy_safety.py", "tests/test_mutants_deploy.py"],
    ),
}
RESULTS = ROOT / "mutants" / "results-by-module.json"

# Survivors that change nothing observable, by mutant name, with why. A change to a module renumbers its
# mutants: rerun, and check each name below still shows the change its reason describes (`mutmut show NAME`).
EQUIVALENT = {
    "microsite.text.x_french_spacing_text__mutmut_36": "`and` -> `or` before the thousands rule: the rule's own regex needs a digit, space, digit; only speed changes",
    "microsite.text.x_french_spacing_text__mutmut_59": "closing-guillemet rule run on text without »: its regex needs a », so nothing changes",
    "microsite.text.x_french_spacing_html__mutmut_13": "loop over tags too (step 1): every tag starts with < and is skipped as text; a text part read as a tag must start with a < that has no > after it, so it is the last part and nothing follows it",
    "microsite.text.x_french_spacing_html__mutmut_65": "step >= 0 instead of step > 0: step is -1 or 1, never 0",
    "microsite.text.x_french_spacing_html__mutmut_7": "foreign_depth starts at 1: it is read only while inside a foreign element, and entering one sets it to 1",
    "microsite.urls.x_resolve_relative__mutmut_2": "always dirname(path) + '/': for a path ending in / that is the path itself",
    "microsite.urls.x_resolve_relative__mutmut_5": "same as _2 (the / test never true): dirname(path) + '/' equals a path ending in /",
    "microsite.urls.xǁUrlsǁpath__mutmut_13": "'XX' added to quote()'s safe characters: letters are never quoted anyway",
    "microsite.urls.xǁUrlsǁhome__mutmut_7": "page_url_path(lang, None) instead of (lang, ''): both slugs are falsy, both give LANG/",
    "microsite.feeds.x_calendar__mutmut_39": "DTSTAMP as a naive datetime (tzinfo None): icalendar writes a DTSTAMP in UTC either way (20230414T000000Z), as RFC 5545 requires",
    "microsite.feeds.x_calendar__mutmut_42": "as _39 (no tzinfo given)",
    "microsite.feeds.x_calendar__mutmut_45": '"version" for "VERSION": icalendar upper-cases property names, the same bytes',
    "microsite.feeds.x_calendar__mutmut_48": '"prodid": as _45',
    "microsite.feeds.x_calendar__mutmut_54": '"calscale": as _45',
    "microsite.feeds.x_calendar__mutmut_58": '"method": as _45',
    "microsite.feeds.x_calendar__mutmut_71": '"uid": as _45',
    "microsite.feeds.x_calendar__mutmut_77": '"dtstamp": as _45',
    "microsite.feeds.x_calendar__mutmut_83": '"dtstart": as _45',
    "microsite.feeds.x_calendar__mutmut_89": '"dtend": as _45',
    "microsite.feeds.x_calendar__mutmut_94": '"summary": as _45',
    "microsite.feeds.x_calendar__mutmut_96": '"description": as _45',
    "microsite.feeds.x_calendar__mutmut_98": '"location": as _45',
    "microsite.feeds.x_calendar__mutmut_106": 'parameter "language" for "LANGUAGE": icalendar upper-cases parameter names too, the same bytes',
    "microsite.feeds.x_calendar__mutmut_112": '"url": as _45',
    "microsite.feeds.x_calendar__mutmut_123": '"transp": as _45',
    "microsite.feeds.x_calendar__mutmut_128": "to_ical(sorted=None): None is false like False, properties in the order they were added",
    "microsite.feeds.x_calendar__mutmut_132": 'decode("UTF-8"): the same codec as "utf-8"',
    "microsite.feeds.x_escape__mutmut_2": "quote=None also escapes \" and ' in XML character data: an XML reader gets the same text",
    "microsite.feeds.x_escape__mutmut_4": "quote=True by default: as _2",
    "microsite.feeds.x_escape__mutmut_5": "quote=True: as _2",
    "microsite.feeds.x_event_json_ld__mutmut_105": "ensure_ascii=None: non-ASCII letters written as \\u escapes, which a JSON reader decodes to the same text",
    "microsite.feeds.x_event_json_ld__mutmut_106": "indent=None: the same JSON data on one line",
    "microsite.feeds.x_event_json_ld__mutmut_107": "sort_keys=None: false like the default, byte-identical output",
    "microsite.feeds.x_event_json_ld__mutmut_109": "ensure_ascii left to its default (True): as _105",
    "microsite.feeds.x_event_json_ld__mutmut_110": "indent left to its default: as _106",
    "microsite.feeds.x_event_json_ld__mutmut_111": "sort_keys left to its default (False): byte-identical output",
    "microsite.feeds.x_event_json_ld__mutmut_112": "ensure_ascii=True: as _105",
    "microsite.feeds.x_event_json_ld__mutmut_113": "indent=3: the same JSON data, indented otherwise",
    "microsite.feeds.x_event_json_ld__mutmut_114": "sort_keys=True: the same JSON object, its keys in another order",
    "microsite.feeds.x_event_json_ld__mutmut_129": "\\u003C instead of \\u003c: JSON's \\u escapes take either case, both decode to <",
    "microsite.feeds.x_event_json_ld__mutmut_132": "\\u003E instead of \\u003e: as _129, for >",
    # translation_state.py
    "microsite.translation_state.x_strict_problems__mutmut_30": "detail shown even when empty: every row that is not ok has a detail (why stale, which text, what count)",
    "microsite.translation_state.x_strict_problems__mutmut_31": "the empty-detail branch again: never taken, as _30",
    "microsite.translation_state.x_strict_problems__mutmut_8": "the hint for a data text that lacks a language is never used: such a row always carries its located error (schema.fallback_problem), reported instead",
    "microsite.translation_state.x_strict_problems__mutmut_9": "as _8",
    "microsite.translation_state.x_strict_problems__mutmut_10": "as _8",
    "microsite.translation_state.x_strict_problems__mutmut_11": "as _8",
    "microsite.translation_state.x_template_messages__mutmut_38": "ties between one msgid's contexts ordered otherwise: only the count and the first msgid are shown",
    "microsite.translation_state.x_template_messages__mutmut_39": "no context sorted as 'XXXX' instead of '': as _38",
    "microsite.translation_state.x_report__mutmut_4": "a real page's path rebuilt as content/pages/NAME.LANG.md: that is the path it was read from",
    "microsite.translation_state.x_report__mutmut_13": "stale_detail worked out for every page, but read only for a stale one: only slower (it raises nothing, a damaged record is caught)",
    "microsite.translation_state.x_report__mutmut_21": "'XXXX' under the stale key for a page that is not stale: that key is read only for a stale page",
    "microsite.translation_state.xǁStateǁ__format____mutmut_4": "format() without the spec: nothing formats a State with a spec (the report pads with ljust), and an empty spec gives the same",
    "microsite.translation_state.x_page_blocks__mutmut_12": "`and`: differs only for a language the site lacks (no page), which translations --diff (--lang) and the workbench (404) refuse before",
    "microsite.translation_state.x__rows__mutmut_34": "to_translation.get(None) for a row with no confirmed block: its keys are block indices, never None, so None as before",
    "microsite.translation_state.x__with_extra_blocks__mutmut_16": "index <= extra: an extra block's index is one no row holds, so never equal",
    "microsite.translation_state.x_save_blocks__mutmut_13": "records.get(name, None): --confirm sets the page's record before saving its blocks, so the name is always there",
    "microsite.translation_state.x_save_blocks__mutmut_15": "records.get(name): as _13",
    "microsite.translation_state.x_save_blocks__mutmut_47": "the temporary file named .YAML.TMP: it is renamed over the record at once",
    "microsite.translation_state.x_save_blocks__mutmut_56": "sort_keys=None: false like False",
    "microsite.translation_state.x_save_blocks__mutmut_63": "default_flow_style left to PyYAML's default, False",
    "microsite.translation_state.x_save_blocks__mutmut_69": "encoding 'UTF-8' instead of 'utf-8': the same codec",
    "microsite.translation_state.x_load_blocks__mutmut_95": "getattr() with no default for a block's line: every mapping the YAML loader returns is a LocatedDict, which has one",
    "microsite.translation_state.x_load_blocks__mutmut_102": "a recorded block's line None instead of 0: nothing shows it (a removed block is placed by today's lines, "
    "the others by today's block)",
    "microsite.translation_state.x_load_blocks__mutmut_110": "line 1 instead of 0: as _102",
    "microsite.translation_state.x_save_records__mutmut_16": "sort_keys=None: the mapping is sorted before it is written, so the order is the same",
    "microsite.translation_state.x_save_records__mutmut_20": "sort_keys left to its default (True): as _16",
    "microsite.translation_state.x_save_records__mutmut_23": "sort_keys=True: as _16",
    "microsite.translation_state.x_save_records__mutmut_21": "default_flow_style left to PyYAML's default, False",
    "microsite.translation_state.x_save_records__mutmut_30": "the temporary file named .YAML.TMP: it is renamed over the records at once",
    "microsite.translation_state.x_save_records__mutmut_32": "encoding=None (the locale's): on POSIX, under a locale that is not UTF-8 a page's file name must be ASCII "
    "(the build refuses others), so the records are ASCII either way; a Windows code page would differ",
    "microsite.translation_state.x_save_records__mutmut_34": "encoding left out: as _32",
    "microsite.translation_state.x_save_records__mutmut_36": "encoding 'UTF-8' instead of 'utf-8': the same codec",
    "microsite.model.x__pair_pages__mutmut_27": "`and` -> `or` in the set of page-named templates: a name with / or without .html never equals NAME.html",
    "microsite.model.x__pair_pages__mutmut_28": "nested templates (partials/...) join that set: a page's NAME.html has no /, so never matches them",
    "microsite.model.x__pair_name__mutmut_60": "a fallback page's `updated` None instead of the build date: fallbacks are in no feed and no page shows it",
    # markup.py
    "microsite.markup.xǁLinkContextǁ_broken__mutmut_10": 'index <= 0 instead of < 0: "(href" found at 0 puts href at 1, which find(href) gives too',
    "microsite.markup.xǁLinkContextǁ_broken__mutmut_11": "index < 1: as _10",
    "microsite.markup.xǁLinkContextǁ_broken__mutmut_17": "count() from None instead of 0: the same start",
    "microsite.markup.xǁLinkContextǁ_broken__mutmut_34": "rfind() from None instead of 0: the same start",
    "microsite.markup.x__resolved_tag__mutmut_13": "html.escape's quote left to its default, which is True",
    "microsite.markup.x__resolved_tag__mutmut_35": "a tag's own rel never seen: a second rel=noopener is added after it, and parsers keep the first",
    "microsite.markup.x__resolved_tag__mutmut_36": "\\sREL: as _35 (and an uppercase REL= is kept as first either way)",
    "microsite.markup.xǁLinkContextǁresolve__mutmut_3": "an empty path goes on: resolved from the page itself, which exists, so the href is returned unchanged",
    "microsite.markup.xǁLinkContextǁresolve__mutmut_50": "X stripped too from a resolved path: it starts with a language code, static/ or a root file, never X",
    "microsite.markup.xǁLinkContextǁ_page_by_file__mutmut_35": "get_close_matches with its default n=3 instead of 1: only the first, best match is shown",
    "microsite.markup.xǁLinkContextǁ_page_by_file__mutmut_36": "n=2: as _35",
    "microsite.markup.xǁ_LinkProcessorǁrun__mutmut_14": "get(None) for elements that are no link or image: None, so they are skipped as before",
    "microsite.markup.xǁ_LinkProcessorǁrun__mutmut_16": "`and`: every <a> and <img> Markdown builds has its href or src (raw HTML is not in the tree)",
    "microsite.markup.xǁ_RawHtmlLinksǁrun__mutmut_18": "None appended instead of the index: only the list's length is read",
    "microsite.markup.x__resolved_tag__mutmut_39": "rstrip(None) keeps the / of <a ... /> before the added rel: the sanitiser's HTML parser drops it",
    "microsite.markup.x__resolved_tag__mutmut_40": "lstrip: nothing stripped (a tag starts with <): as _39",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_2": "the link processor registered as None: no other processor has that name; names only replace or remove",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_11": "another name: as _2",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_12": "another name: as _2",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_15": "the raw-HTML processor named None: as _2",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_24": "another name: as _2",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_25": "another name: as _2",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_7": "_LinkProcessor(None, ...): a treeprocessor's md is never read by ours",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_13": "priority 2 instead of 1: no treeprocessor sits between (unescape is 0, toc 5), the order is the same",
    "microsite.markup.xǁ_LinkExtensionǁextendMarkdown__mutmut_26": "priority 36 instead of 35: no postprocessor sits between (raw_html is 30), the order is the same",
    # The two shortcuts exist for speed and give the same HTML as Markdown itself (test_mutants_markup.py compares
    # them on every kind of inline pattern and heading): a mutant that only turns one off changes only the time.
    "microsite.markup.xǁ_GatedInlineProcessorǁ_InlineProcessor__handleInline__mutmut_3": "the gate never skips (AtomicStrings never reach it): Markdown's own loop, same HTML, only slower",
    "microsite.markup.xǁ_GatedInlineProcessorǁ_InlineProcessor__handleInline__mutmut_9": "patterns retried from the first on a match's inner text: those before it find nothing more there (the same "
    "HTML on nested emphasis, links, code), only slower",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_9": "every element taken for a heading: the page's root has children, so never plain: the extension's own ids",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_12": "`or` in the [TOC] test: the root's text is always set, so every page goes through the extension: same ids",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_13": "`or`: the marker is always set: as _12",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_14": "`not in`: the root's text never holds [TOC]: as _12",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_16": "plain = None: never plain, the extension's own ids",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_24": "`in`: no plain heading has the label: as _16",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_33": "base_level == 0: always true here: as _16",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_34": "base_level != 1: always true here: as _16",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_22": "a data-toc-label heading taken as plain: the label names it only in a table of contents no template shows "
    "(the id comes from its words either way) and the sanitiser drops the attribute",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_23": "as _22",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_28": "'XXXX' for a heading with no text: no entity either way",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_29": "`and` between use_anchors and use_permalinks: both false in our toc configuration",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_30": "`and` before use_anchors: as _29 (base_level is 0)",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_41": "the id set as ID: the sanitiser's HTML parser lowercases attribute names, the page says id=",
    "microsite.markup.xǁ_FastHeadingIdsǁrun__mutmut_49": "slugify's separator left to its default, '-', which is ours",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_4": "Markdown's own toc extension for the heading ids: the same ids, only slower",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_5": "fast=False also gets the fast heading ids: only the tests' reference converter uses fast=False",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_10": "Markdown's default output format (XHTML, <br />): the sanitiser rewrites it as HTML, byte for byte the same",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_21": "output_format 'HTML': as _10",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_36": "`or`: fast_inline is never true without a gate, so the condition is the same",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_37": "the gated inline processor never registered: Markdown's own, same HTML, only slower",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_39": "the gated processor under another name, beside Markdown's own: the second finds the text processed "
    "and changes nothing; only slower",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_48": "another name: as _39",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_49": "another name: as _39",
    "microsite.markup.xǁMarkdownConverterǁ_start__mutmut_50": "priority 21 instead of 20: no treeprocessor sits between (prettify is 10), the order is the same",
    "microsite.markup.xǁMarkdownConverterǁconvert__mutmut_7": "the time limit over 100 001 instead of 100 000 characters: microseconds, the same to the tenth shown",
    "microsite.markup.xǁMarkdownConverterǁconvert__mutmut_38": "the context left '' instead of None after a conversion: the next one sets it before anything reads it",
    "microsite.markup.x_refuse_runaway_brackets__mutmut_6": "worst starts at (1, 0): a page refused has a scan far longer than 1, which replaces it",
    "microsite.markup.x_refuse_runaway_brackets__mutmut_7": "worst starts at (0, 1): as _6",
    "microsite.markup.x_refuse_runaway_brackets__mutmut_36": "count() from None instead of 0: the same start",
    "microsite.markup.x_refuse_runaway_brackets__mutmut_46": "rfind() from None instead of 0: the same start",
    "microsite.writer.x_check_output__mutmut_26": 'replace() without its count 1: the refusal\'s message holds "write the site there" once',
    "microsite.writer.x_check_output__mutmut_29": "replace() with count 2: as _26",
    "microsite.writer.x__tracked__mutmut_8": "timeout left out: as _4",
    "microsite.writer.x__tracked__mutmut_23": "check=True: a failing git raises CalledProcessError, caught as a SubprocessError: False either way",
    "microsite.writer.x__find_git__mutmut_8": "followlinks left to its default, False",
    "microsite.writer.x__tracked__mutmut_5": "check=None instead of False: both leave the exit code to be read",
    "microsite.writer.x__tracked__mutmut_4": "no timeout on git ls-files: differs only for a git hung a minute",
    "microsite.writer.x__tracked__mutmut_17": "ls-files without -z (XX-zXX is taken as one more path, matching nothing): only whether it prints counts",
    "microsite.writer.x__tracked__mutmut_22": "timeout 61 instead of 60 seconds: as _4",
    "microsite.writer.x__make_world_readable__mutmut_3": "umask(1) instead of umask(0) to read the mask: it is set back at once, before any file is made",
    "microsite.writer.x__replaceable__mutmut_2": "True for an output that is no folder: never reached, a file as output is refused as no folder before",
    "microsite.writer.x__delete__mutmut_4": "is_dir(follow_symlinks=None): None is false like False",
    "microsite.writer.x_recover__mutmut_13": "rsplit('-') without a count: the last part is the same",
    "microsite.writer.x_recover__mutmut_16": "rsplit('-', 2): the last part is the same",
    "microsite.writer.xǁSiteWriterǁ__init____mutmut_1": "SiteWriter.out set to None: nothing reads it",
    "microsite.writer.xǁSiteWriterǁwrite__mutmut_6": "newline=None: on POSIX \\n is written as \\n either way (os.linesep)",
    "microsite.writer.xǁSiteWriterǁwrite__mutmut_9": "newline left to its default: as _6",
    "microsite.writer.xǁSiteWriterǁwrite__mutmut_11": "encoding 'UTF-8' instead of 'utf-8': the same codec",
    "microsite.writer.x__find_git__mutmut_5": "followlinks=None: false like False",
    # commands/translations.py
    "microsite.commands.translations.x__previous_source_line__mutmut_1": "None instead of 0 before the first block: only whether it is 0 is read, and None is as false",
    # commands/deploy.py (its guard: see TARGETS)
    "microsite.commands.deploy.x__unread__mutmut_5": "rstrip(None) keeps the / that ends an ignored folder's name: one more empty part, which is no junk name",
    "microsite.commands.deploy.x__unread__mutmut_6": "lstrip('/'): as _5 (git's paths never start with /)",
    "microsite.commands.deploy.x__bring_local_branch_up__mutmut_17": "check=None instead of False: both leave the exit code to be read",
    "microsite.commands.deploy.x__bring_local_branch_up__mutmut_70": "`or`: with no remote tip a local branch is refused above, and with neither, local != tip is false",
    "microsite.commands.deploy.x__bring_local_branch_up__mutmut_86": "update-ref without the old value: differs only if another git moved the branch meanwhile",
    "microsite.commands.deploy.x__push__mutmut_9": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__push__mutmut_13": "no -- before the remote: a remote that starts with - is refused before (_check_names)",
    "microsite.commands.deploy.x__restore__mutmut_1": "`or`: the branch's new commit is None only if someone deleted the branch between the commit and the push",
    "microsite.commands.deploy.x__restore__mutmut_14": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__restore__mutmut_17": "check left to True: update-ref with the old value fails only if another git moved the branch meanwhile",
    "microsite.commands.deploy.x__restore__mutmut_18": "check=True: as _17",
    "microsite.commands.deploy.x__push_reason__mutmut_3": "no remote: line gives None instead of '': both falsy, the reason alone",
    "microsite.commands.deploy.x__last_line__mutmut_4": "lines[-1] even when git printed nothing: git says why on stderr whenever it fails, so there is a line",
    "microsite.commands.deploy.x__kept_cname__mutmut_8": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__kept_cname__mutmut_17": "git show's output read even when it failed: it printed nothing on stdout, so None either way",
    "microsite.commands.deploy.x__push_reason__mutmut_34": "found[2] or found[2]: git's --porcelain follows every refused ref's [status] with its (reason)",
    "microsite.commands.deploy.x_published_address__mutmut_11": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x_published_address__mutmut_14": "`git config NAME` without --get: reading one name is what plain `git config NAME` does too",
    "microsite.commands.deploy.x__check_parent__mutmut_14": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__check_parent__mutmut_20": "no -- after the revision: rev-list is given a commit id or a ref, never a path",
    "microsite.commands.deploy.x__check_parent__mutmut_21": "check left to True: rev-list fails only when the branch ghp-import has just committed to is gone, which nothing between the two can do",
    "microsite.commands.deploy.x__check_parent__mutmut_30": "check=True: as _21",
    "microsite.commands.deploy.x__check_parent__mutmut_28": "`new and ref`: ref names the branch that new was read from, the same commit",
    "microsite.commands.deploy.x__check_parent__mutmut_32": "`and` in `new is None and new == previous`: a missing new commit leaves rev-list no commit to list, and a new commit equal to the previous one is not its own parent, so the parents test is true in both cases",
    "microsite.commands.deploy.x__default_branches__mutmut_9": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__default_branches__mutmut_12": "symbolic-ref without --quiet: it prints the same on stdout; only its error for a plain ref goes to stderr",
    "microsite.commands.deploy.x__remote_branch__mutmut_9": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__remote_branch__mutmut_13": "no -- before the remote: a remote that starts with - is refused before (_check_names)",
    "microsite.commands.deploy.x__remote_branch__mutmut_43": "rpartition: each line ls-remote prints holds one tab, so both split it alike",
    "microsite.commands.deploy.x__remote_branch__mutmut_64": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__remote_branch__mutmut_67": "fetch without --quiet: its progress goes to stderr, whose last line on a failure is still git's reason",
    "microsite.commands.deploy.x__remote_branch__mutmut_68": "fetch without --no-tags: a refspec fetched into FETCH_HEAD alone follows no tags (tried: a tagged tip brings no tag)",
    "microsite.commands.deploy.x__remote_branch__mutmut_69": "no -- before the remote: as _13",
    "microsite.commands.deploy.x__refuse_source_branch__mutmut_10": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__refuse_source_branch__mutmut_13": "symbolic-ref without --quiet: on a detached HEAD it says why on stderr, stdout stays empty",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_11": "status -z without --porcelain=v1: -z alone implies that format",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_15": "no -- before the input folders: their names (content, templates, ...) never read as options",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_19": "XX--porcelain=v1XX: a word without a leading - is one more path, matching nothing, and -z implies the format: as _11",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_27": "XX--XX: one more path matching nothing; the input folders' names are paths either way: as _15",
    "microsite.commands.deploy.x__refuse_source_branch__mutmut_73": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__check_names__mutmut_39": "check-ref-format run outside the project: a plain name reads the same anywhere, and @{-N}, which it expands from a repository's history, is refused either way (its expansion is not what was typed)",
    "microsite.commands.deploy.x__check_names__mutmut_43": "check=None: as x__bring_local_branch_up__mutmut_17",
    "microsite.commands.deploy.x__check_names__mutmut_62": "a branch name starting with - is not refused here: git check-ref-format --branch refuses it already",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_39": "entry[4:]: an ignored path loses the first letter of its input folder's name (content, static, ...), which is never a junk name either way",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_44": "'XXRCXX': X is no status letter of git's, so the same letters count",
    "microsite.commands.deploy.x__uncommitted_inputs__mutmut_48": "next() without a default: git always writes a rename's old name after its new one, so there is one",
    "microsite.commands.deploy.x__check_parent__mutmut_39": "`or` before calling _restore: _restore itself does nothing unless the new commit is set and differs from the previous one",
}

STATUSES = ("killed", "timeout", "survived", "no tests", "suspicious", "skipped", "segfault")


def run_module(module: str, children: int, only: list[str] | None = None, tests: list[str] | None = None) -> None:
    """Run mutmut over one module with its own tests, in a fresh process, and keep its mutants' results (with
    `only`, just the mutants those patterns name: the module's other results are kept)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--mutmut-one",
            module,
            "--children",
            str(children),
            *[f"--only={pattern}" for pattern in only or []],
            *[f"--tests={test}" for test in tests or []],
        ],
        cwd=ROOT,
        env=env,
    )
    patterns = only or TARGETS[module][0]
    found = {n: s for n, s in results().items() if any(fnmatchcase(n, p) for p in patterns) and s != "not checked"}
    kept = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    if not only:
        kept = {n: s for n, s in kept.items() if module_of(n) != module}
    RESULTS.write_text(json.dumps({**kept, **found}, indent=1, sort_keys=True), encoding="utf-8")


def mutmut_one(module: str, children: int, only: list[str] | None = None, tests: list[str] | None = None) -> None:
    """Inside the fresh process: point mutmut's configuration at one module and its tests, then run it. (mutmut
    resets every result when the test selection changes, hence one process and one saved result file per module.)"""
    from mutmut import configuration

    patterns, tests = TARGETS[module][0], tests or TARGETS[module][1]
    # mutmut leaves a module it did not mutate newer than its source, then takes it for already mutated.
    (ROOT / "mutants" / "microsite" / module.split()[0]).unlink(missing_ok=True)
    # Which test reaches which function is measured afresh for each module (stats kept from the previous module,
    # run with other code mutated, would be stale when the two modules share their test list).
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    config = configuration.config()
    config.only_mutate = ["microsite/" + module.split()[0]]
    config.pytest_add_cli_args_test_selection = [*tests, "-k", SKIP]
    from mutmut.__main__ import cli

    cli.main(["run", "--max-children", str(children), *(only or patterns)], standalone_mode=False)


def results() -> dict[str, str]:
    """Every mutant's status from the last run: mutant name -> killed, survived, no tests, timeout..."""
    shown = subprocess.run(
        [*MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    found = {}
    for line in shown.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def module_of(name: str) -> str | None:
    """The TARGETS row a mutant belongs to, or None when it was not part of the run."""
    for module, (patterns, _tests) in TARGETS.items():
        if any(fnmatchcase(name, pattern) for pattern in patterns):
            return module
    return None


def table(found: dict[str, str]) -> tuple[str, list[str]]:
    """The Markdown table of scores per module, and the survivors that are neither killed nor equivalent."""
    rows = ["| module | mutants | killed | equivalent | other survivors | score |", "|---|---:|---:|---:|---:|---:|"]
    open_survivors, total = [], {"all": 0, "killed": 0, "equivalent": 0}
    for module in TARGETS:
        mine = {n: s for n, s in found.items() if module_of(n) == module and s != "not checked"}
        killed = sum(s in ("killed", "timeout") for s in mine.values())
        equivalent = sum(n in EQUIVALENT and s not in ("killed", "timeout") for n, s in mine.items())
        others = [n for n, s in mine.items() if s not in ("killed", "timeout") and n not in EQUIVALENT]
        open_survivors += [f"{n}: {mine[n]}" for n in sorted(others)]
        counted = len(mine) - equivalent
        score = f"{100 * killed / counted:.1f} %" if counted else "-"
        rows.append(f"| {module} | {len(mine)} | {killed} | {equivalent} | {len(others)} | {score} |")
        total["all"] += len(mine)
        total["killed"] += killed
        total["equivalent"] += equivalent
    counted = total["all"] - total["equivalent"]
    score = f"{100 * total['killed'] / counted:.1f} %" if counted else "-"
    rows.append(
        f"| **all** | {total['all']} | {total['killed']} | {total['equivalent']} | {len(open_survivors)} "
        f"| **{score}** |"
    )
    return "\n".join(rows), open_survivors


def main(argv: list[str] | None = None) -> int:
    """Run (unless --report), then print the table, the equivalent survivors and the others."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="only print the table of the last run")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1, help="mutants tested at once")
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"only these (default: all): {', '.join(TARGETS)}")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="rerun only the mutants these names or patterns match (e.g. after adding a test)",
    )
    parser.add_argument(
        "--tests",
        action="append",
        metavar="FILE",
        help="with --only: run these test files instead of the module's (a mutant some tests kill "
        "is killed by the whole list, so a quick recheck may use fewer)",
    )
    parser.add_argument("--mutmut-one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # A run started in the background (nohup ... &) inherits SIGINT ignored, and so would the builds that
    # test_atomic.py interrupts with it: they would finish, and every mutant would seem killed by that test.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.mutmut_one:
        mutmut_one(args.mutmut_one, args.children, args.only, args.tests)
        return 0
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}: choose among {', '.join(TARGETS)}")
    if not args.report:
        for module in args.modules or TARGETS:
            run_module(module, args.children, args.only, args.tests)
    found = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    text, open_survivors = table(found)
    print(text)
    ran = {module_of(n) for n in found}
    stale = sorted(n for n in EQUIVALENT if module_of(n) in ran and found.get(n) not in ("survived", "no tests"))
    print("\nEquivalent survivors (change nothing observable):")
    for name, why in EQUIVALENT.items():
        if name in found and name not in stale:
            print(f"- `{name}`: {why}")
    if stale:
        print("\nListed as equivalent but now killed or gone (update EQUIVALENT):", *stale, sep="\n  ")
    if open_survivors:
        print(
            "\nSurvivors to kill with a test, or to judge equivalent (`mutmut show NAME`):", *open_survivors, sep="\n  "
        )
    return 1 if open_survivors else 0


if __name__ == "__main__":
    sys.exit(main())
