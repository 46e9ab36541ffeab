"""Problem categories: the codebook, a keyword-and-n-gram classifier, manual overrides, leave-one-city-out scores.

The public entry point is `analysis.categories`; the modules here load scikit-learn only inside functions.
"""
