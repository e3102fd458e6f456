"""The version of skbig (its own module, so that no module imports the package face)."""

__version__ = "0.1.0"
