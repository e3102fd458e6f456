"""Small datasets shipped with skbig, so examples and the demo need no network."""

from ._sms_spam import load_sms_spam

__all__ = ["load_sms_spam"]
