"""Problem categories: the codebook, keyword rules over a title and a text classifier, manual overrides, LOCO scores.

The public entry point is `analysis.categorize.assign`; the modules here load scikit-learn only inside functions.
"""
