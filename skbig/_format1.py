"""Reading model files of format 1, written by skbig 0.1.0.

Format 1 named skbig's types by the modules that defined them then
(``skbig._classifier.MLPClassifier``, ``skbig._compat.ClassifierLabelEncoder``,
``skbig._persist.NetworkRef``) and held scikeras' target encoders. Some of those
modules have moved; the file's skops schema is renamed to the current ones before
skops reads it, and the estimators turn the old state into the new on loading.
``tests/test_format1.py`` loads files written by that release.
"""

import io
import json
import zipfile

#: Where format-1 files name modules that have moved or been renamed since.
MODULES = {
    "skbig._compat": "skbig._scikeras",
    "skbig._persist": "skbig._network.state",
    "skbig._classifier": "skbig",
    "skbig._regressor": "skbig",
    "skbig._text": "skbig",
}

#: The types a format-1 file may hold besides format 2's, by their current names.
TRUSTED = (
    "skbig._scikeras.ClassifierLabelEncoder",
    "skbig._scikeras.StandardizedTargetEncoder",
    "skbig._network.state.NetworkRef",
    "scikeras.utils.transformers.RegressorTargetEncoder",
    "scikeras.utils.transformers.TargetReshaper",
)


def upgraded_name(name):
    """A type's format-1 qualified name as it is called now."""
    module, _, name = name.rpartition(".")
    return f"{MODULES.get(module, module)}.{name}"


def upgraded(data):
    """The skops bytes ``data`` of a format-1 file, naming today's modules."""

    def rename(node):
        if isinstance(node, dict):
            module = node.get("__module__")
            if module in MODULES:
                node["__module__"] = MODULES[module]
            for value in node.values():
                rename(value)
        elif isinstance(node, list):
            for value in node:
                rename(value)

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "schema.json":
                schema = json.loads(content)
                rename(schema)
                content = json.dumps(schema).encode()
            target.writestr(info, content)
    return buffer.getvalue()
