"""The rules of docs/architecture.rst ("How skbig is built"), read from the source.

Each module's imports are collected with ``ast`` (top-level and inside functions),
resolved to absolute module names, and checked against the layering: what each part
of skbig may import, the one module that touches scikeras, the package face that no
module imports, and a test module for every module.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skbig"
TESTS = ROOT / "tests"


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, top_level=False):
    """Absolute names of every module ``path`` imports (at the top of the module
    only, with ``top_level``): ``from a import b`` gives ``a.b`` when that is a
    module of skbig, else ``a`` and ``a.b``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in tree.body if top_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.update({full} if full in MODULES else {module, full})
    return found


MODULES = {
    _module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if path.name != "__main__.py"
}
IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _skbig_imports(name):
    return {m for m in IMPORTS[name] if m.split(".")[0] == "skbig"}


def _third_party(name):
    return {m.split(".")[0] for m in IMPORTS[name]}


def test_the_modules_were_found():
    assert {"skbig", "skbig._base", "skbig._scikeras", "skbig._network.build"} <= set(
        MODULES
    )
    assert all(IMPORTS[name] for name in ("skbig._base", "skbig.cli._commands"))


@pytest.mark.parametrize("name", [m for m in MODULES if m != "skbig"])
def test_no_module_imports_the_package_face(name):
    # "from skbig import X" or "from .. import X" with X not a module.
    face = {"skbig"} | {
        f"skbig.{alias}"
        for alias in (
            "MLPClassifier",
            "MLPRegressor",
            "make_text_classifier",
            "save",
            "load",
            "model_info",
            "__version__",
            "TfidfVectorizer",
            "SparseDense",
            "LazyAdam",
            "SparseAdagrad",
            "ModelFileError",
            "ModelVersionWarning",
        )
    }
    assert not (_skbig_imports(name) & face), name


@pytest.mark.parametrize("name", [m for m in MODULES if m.startswith("skbig._network")])
def test_the_network_knows_neither_scikit_learn_nor_scikeras(name):
    assert not (_third_party(name) & {"sklearn", "scikeras", "skops"}), name
    outside = {
        m
        for m in _skbig_imports(name)
        if not m.startswith(("skbig._network", "skbig._runtime", "skbig._names"))
    }
    assert not outside, f"{name} imports {outside}"


def test_only_the_seam_imports_scikeras():
    users = {name for name in MODULES if "scikeras" in _third_party(name)}
    assert users == {"skbig._scikeras"}


ESTIMATORS = (
    "skbig._base",
    "skbig._classifier",
    "skbig._regressor",
    "skbig._text",
    "skbig._factories",
)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_the_estimators_do_not_call_into_the_model_file_module(name):
    assert not any(m.startswith("skbig._model_file") for m in _skbig_imports(name))


@pytest.mark.parametrize(
    "name", [m for m in MODULES if m.startswith("skbig.cli") or m == "skbig.explain"]
)
def test_the_cli_and_explain_use_the_estimators_public_api(name):
    inner = ("skbig._base", "skbig._network", "skbig._metrics", "skbig._scikeras")
    assert not any(m.startswith(inner) for m in _skbig_imports(name)), name


OPTIONAL = {
    "pandas",
    "matplotlib",
    "lime",
    "dask",
    "distributed",
    "pyarrow",
    "onnx",
    "skl2onnx",
    "onnxruntime",
}
#: Modules of an extra, imported only inside the functions that need them.
EXTRA_MODULES = {
    "skbig.dask",
    "skbig.cli._dask",
    "skbig._export._onnx",
    "skbig._export._onnx_text",
    "skbig._export._onnx_chars",
    "skbig._export._onnx_columns",
    "skbig._export._quantize",
}


def test_import_skbig_imports_no_optional_dependency_at_module_level():
    for name, path in MODULES.items():
        if name in EXTRA_MODULES:
            continue
        imported = _imports(path, top_level=True)
        assert not ({module.split(".")[0] for module in imported} & OPTIONAL), name
        assert not (imported & EXTRA_MODULES), name


@pytest.mark.slow
def test_import_skbig_loads_no_optional_dependency():
    # TensorFlow itself imports matplotlib and pandas (and pandas pyarrow) when
    # they are installed, whatever skbig does.
    extras = sorted(OPTIONAL - {"matplotlib", "pandas", "pyarrow"})
    code = (
        "import sys, skbig\n"
        f"print(sorted(set({extras!r}) & {{m.split('.')[0] for m in sys.modules}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", list(MODULES))
def test_no_module_is_over_400_lines(name):
    assert len(MODULES[name].read_text().splitlines()) <= 400, name


def _test_module_for(name):
    parts = name.split(".")
    if parts[:2] == ["skbig", "cli"]:
        return "test_cli.py"
    if parts[:2] == ["skbig", "datasets"]:
        return "test_datasets.py"
    return f"test_{parts[-1].lstrip('_')}.py"


@pytest.mark.parametrize(
    "name",
    [m for m in MODULES if not MODULES[m].name == "__init__.py" or m == "skbig.cli"],
)
def test_every_module_has_a_test_module(name):
    assert (TESTS / _test_module_for(name)).exists(), name


HEAVY = {"tensorflow", "keras", "scikeras"}


def _starts_runtime(node, package):
    """Whether an import statement imports ``skbig._runtime`` (or from it)."""
    if not isinstance(node, ast.ImportFrom) or not node.level:
        return False
    base = package.split(".")
    base = ".".join([*base[: len(base) - node.level + 1], node.module or ""]).strip(".")
    if base == "skbig._runtime":
        return True
    return base == "skbig" and any(a.name == "_runtime" for a in node.names)


@pytest.mark.parametrize("name", list(MODULES))
def test_tensorflow_is_imported_only_after_the_runtime(name):
    # The package face is lazy, so whichever module imports TensorFlow first
    # must have let skbig._runtime start it quietly: its own earlier import,
    # or its package's __init__ (which Python runs before the module).
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    parts = name.split(".")
    ancestors = [".".join(parts[:i]) for i in range(2, len(parts))]  # not "skbig"
    started = any(
        _starts_runtime(node, ancestor)
        for ancestor in ancestors
        for node in ast.parse(MODULES[ancestor].read_text()).body
    )
    for node in ast.parse(path.read_text()).body:
        started = started or _starts_runtime(node, package)
        if isinstance(node, ast.Import):
            heavy = {alias.name.split(".")[0] for alias in node.names} & HEAVY
        elif isinstance(node, ast.ImportFrom) and not node.level:
            heavy = {node.module.split(".")[0]} & HEAVY
        else:
            continue
        if heavy and name != "skbig._runtime":
            assert started, f"{name} imports {heavy} before skbig._runtime"


def _python(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )  # fmt: skip


def test_import_skbig_and_its_command_line_parser_do_not_start_tensorflow():
    # Nor scikit-learn: the label checks the command line imports load it only when
    # they run (a top-level import in skbig._labels once loaded it at start).
    code = (
        "import sys, skbig\n"
        "from skbig.cli import build_parser\n"
        "build_parser().format_help()\n"
        "started = {'tensorflow', 'keras', 'scikeras', 'sklearn'} & set(sys.modules)\n"
        "print(sorted(started))"
    )
    result = _python(code)
    assert result.stdout.strip() == "[]" and result.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    "module",
    ["skbig._base", "skbig._network.batches", "skbig.explain", "skbig.cli._callbacks"],
)
def test_the_first_import_of_tensorflow_is_quiet_from_any_module(module):
    result = _python(f"import {module}, skbig\nskbig.MLPClassifier")
    assert result.stderr == ""
