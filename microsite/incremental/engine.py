"""The incremental engine's one entry point for the core: everything the builder and the preview use of it."""

from .keys import (
    PageKey,
    Versions,
    catalog_versions,
    listing_key,
    output_keys,
    page_keys,
    site_version,
    template_versions,
    url_version,
)
from .memo import Conversion, MarkdownMemo, MemoReader
from .record import FILE_NAME, Inputs, forget, read_inputs, save, unchanged_outputs
from .store import BuildCache

__all__ = [
    "FILE_NAME",
    "BuildCache",
    "Conversion",
    "Inputs",
    "MarkdownMemo",
    "MemoReader",
    "PageKey",
    "Versions",
    "catalog_versions",
    "forget",
    "listing_key",
    "output_keys",
    "page_keys",
    "read_inputs",
    "save",
    "site_version",
    "template_versions",
    "unchanged_outputs",
    "url_version",
]
