"""microsite: a static site generator for multilingual event microsites.

The pipeline reads top to bottom: config -> content -> model -> render -> output.
"""

__version__ = "0.1.0"
