"""`python -m analysis.schema` regenerates docs/codebook.md from the metadata."""

from analysis.schema.codebook import write_codebook

print(write_codebook())
