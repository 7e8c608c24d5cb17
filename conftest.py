"""Root pytest configuration: what doctest collection must not import."""

collect_ignore = ["src/unskew/__main__.py"]
