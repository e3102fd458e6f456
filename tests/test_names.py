"""Public objects go by ``skbig.<name>``, resolved lazily by the package face."""

import pickle

import pytest

import skbig


@pytest.mark.parametrize("name", [n for n in skbig.__all__ if n != "__version__"])
def test_public_names_resolve_and_record_the_package_face(name):
    value = getattr(skbig, name)
    assert value is getattr(skbig, name)
    if isinstance(value, type):
        assert value.__module__ == "skbig"
        assert b"skbig._" not in pickle.dumps(value)
        assert pickle.loads(pickle.dumps(value)) is value


def test_unknown_names_raise_attribute_error_and_dir_lists_the_api():
    with pytest.raises(AttributeError, match="no attribute 'MLPClassifer'"):
        skbig.MLPClassifer  # noqa: B018
    assert set(skbig.__all__) <= set(dir(skbig))
    assert {"explain", "datasets"} <= set(dir(skbig))
    assert skbig.explain.explain_text is not None
