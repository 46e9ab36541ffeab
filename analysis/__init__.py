"""Rectification notices (整改情况通报) → validated, traceable tables, and cross-city comparisons.

Importing the package is cheap: heavy libraries load inside the functions that need them.
"""

__version__ = "0.1.0"
