"""The incremental engine: what makes a rebuild cheap, kept apart so that a build reads without it.

- `store.py`: the build cache, an SQLite file in .cache/ of signed values;
- `record.py`: the build record (what the last good build read and wrote) and the no-change shortcut;
- `salt.py`: the hash of the generator's own code, in every key;
- `keys.py`: what each output file depends on;
- `memo.py`: parsed files and converted Markdown, remembered.

The core imports it only through `engine.py`; the command line reads `record.py` directly for the no-change
build, which answers before Jinja, Markdown and Babel are loaded (so this file imports nothing).
"""
