"""microsite: a static site generator for one bilingual conference microsite.

The pipeline reads top to bottom: config -> content -> model -> render -> output.
"""

__version__ = "0.1.0"
