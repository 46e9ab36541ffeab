"""`python -m analysis.tables` regenerates docs/codebook.md from the metadata."""

from analysis.tables.dictionary import write_codebook

print(write_codebook())
