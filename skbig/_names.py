"""The one name a public object goes by: ``skbig.<name>``."""


def public(obj):
    """Record ``obj`` as ``skbig.<its name>`` wherever it is defined.

    Pickles, model files and Keras configs then name the package face, never the
    private module behind it, so a module can move without breaking a saved
    model. Set when the class is created, so it holds however the class was
    first imported; ``skbig.__getattr__`` resolves the name on loading.
    """
    obj.__module__ = "skbig"
    return obj
