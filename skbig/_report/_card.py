"""The model card: what a model is, how it was trained, and what it is for.

:func:`card_facts` gathers it from the estimator (and its file, when there is one);
the HTML report shows it and :func:`card_markdown` writes it in the Hugging Face
model-card layout: a YAML header (library, license, tags, metrics), then sections.
"""

import hashlib
import json
import os
import platform

from sklearn.base import is_regressor

from .._privacy import guarantee

#: Parameters never shown: live objects, not settings.
_HIDDEN = {"callbacks", "model", "memory", "steps", "verbose"}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_facts(estimator, model_file=None, notes=None, evaluation=None):
    """Everything the card says, as plain data.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
    model_file : str, default=None
        The skbig model file it was read from: its checksum, size, library
        versions and metadata (training summary, privacy) come from there.
    notes : str, default=None
        The intended use and limits, in the user's words (Markdown).
    evaluation : dict, default=None
        Scores to report (``accuracy``, ``macro_f1``, ``log_loss``, ``ece``,
        ``documents`` and ``data``).
    """
    steps = getattr(estimator, "steps", [("model", estimator)])
    last = steps[-1][1]
    facts = {
        "name": os.path.splitext(os.path.basename(model_file))[0]
        if model_file
        else type(estimator).__name__,
        "estimator": type(estimator).__name__,
        "steps": [(name, type(step).__name__, _changed(step)) for name, step in steps],
        "classes": [str(c) for c in getattr(last, "classes_", [])],
        "regressor": is_regressor(last),
        "outputs": getattr(last, "n_outputs_", None),
        "text": hasattr(steps[0][1], "build_analyzer"),
        "notes": notes,
        "evaluation": evaluation or {},
        "privacy": guarantee(estimator),
        "training": {},
        "versions": _versions(),
        "file": None,
    }
    history = getattr(last, "history_", None)
    if getattr(last, "n_iter_", None) is not None:
        facts["training"]["epochs"] = int(last.n_iter_)
    if getattr(last, "X_shape_", None) is not None:
        facts["training"]["documents"] = int(last.X_shape_[0])
    if history is not None and getattr(last, "best_epoch_", None) is not None:
        facts["training"]["best_epoch"] = int(last.best_epoch_)
    if getattr(last, "linear_weight_", None) is not None:
        facts["training"]["linear_part"] = (
            f"a ridge regression (alpha {last.linear_alpha_:.3g}) blended with the "
            f"network, weight {last.linear_weight_:.3f}"
        )
    plan = getattr(last, "training_plan_", None) or {}
    if plan.get("early_stopping") and plan.get("n_validation"):
        facts["training"]["stopped_on"] = (
            f"{plan['n_validation']} held-out documents given to fit (X_val)"
            if plan.get("validation_given")
            else f"{plan['n_validation']} documents held out of the training data"
        )
    if model_file is not None:
        from .._model_file import model_info

        info = model_info(model_file)
        facts["versions"] = info["versions"]
        facts["privacy"] = info.get("privacy") or facts["privacy"]
        facts["training"].update((info.get("metadata") or {}).get("training") or {})
        facts["file"] = {
            "name": os.path.basename(model_file),
            "sha256": sha256(model_file),
            "bytes": os.path.getsize(model_file),
            "format_version": info["format_version"],
        }
    return facts


def _changed(step):
    """The parameters of ``step`` that differ from its class's defaults."""
    try:
        defaults = type(step)().get_params(deep=False)
    except TypeError:  # a class that needs arguments
        defaults = {}
    changed = {}
    for name, value in step.get_params(deep=False).items():
        if name in _HIDDEN or name.startswith("_"):
            continue
        if name not in defaults or repr(defaults[name]) != repr(value):
            changed[name] = repr(value)
    return changed


def _versions():
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in ("skbig", "scikit-learn", "keras", "tensorflow", "numpy", "scipy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


#: Held-out scores a card names in its header: a classifier's, and a regressor's
#: with their Hugging Face metric ids.
_CLASSIFICATION = ("accuracy", "macro_f1")
_REGRESSION = {"r2": "r_squared", "mae": "mae", "rmse": "rmse"}


def card_markdown(facts, license="other"):
    """The model card as Markdown with a YAML header (Hugging Face's layout)."""
    scores = _REGRESSION if facts.get("regressor") else _CLASSIFICATION
    evaluation = facts["evaluation"] or {
        k: facts["training"][k]
        for k in scores
        if k in facts["training"]  # the held-out scores of skbig train
    }
    header = [
        "---",
        "library_name: skbig",
        f"license: {json.dumps(license)}",
        "tags:",
        "- regression" if facts.get("regressor") else "- text-classification",
        "- skbig",
        "- scikit-learn",
        "- keras",
    ]
    metrics = [(k, evaluation[k]) for k in scores if k in evaluation]
    if metrics and facts.get("regressor"):  # no model-index task for text regression
        header += ["metrics:"] + [f"- {_REGRESSION[k]}" for k, _ in metrics]
    elif metrics:
        header += ["metrics:"] + [
            f"- {'f1' if k == 'macro_f1' else k}" for k, _ in metrics
        ]
        header += [
            "model-index:",
            f"- name: {json.dumps(facts['name'])}",
            "  results:",
            "  - task:",
            "      type: text-classification",
            "    dataset:",
            f"      name: {json.dumps(str(evaluation.get('data', 'held-out data')))}",
            "      type: text",
            "    metrics:",
        ]
        for key, value in metrics:
            kind = "f1" if key == "macro_f1" else key
            name = "macro-F1" if key == "macro_f1" else key
            header += [
                f"    - type: {kind}",
                f"      name: {name}",
                f"      value: {round(float(value), 4)}",
            ]
    header.append("---")
    body = [f"# {facts['name']}", ""]
    body += ["## Model description", "", _description(facts), ""]
    body += [
        "## Intended uses & limitations",
        "",
        facts["notes"] or "_Not stated by the model's author._",
        "",
    ]
    body += ["## Training data", "", *_pairs(facts["training"]), ""]
    body += ["## Training procedure", ""]
    for name, kind, params in facts["steps"]:
        shown = ", ".join(f"`{k}={v}`" for k, v in params.items()) or "defaults"
        body.append(f"- `{name}`: {kind} ({shown})")
    body.append("")
    if evaluation:
        body += ["## Evaluation results", "", *_pairs(evaluation), ""]
    body += ["## Privacy", ""]
    privacy = facts["privacy"]
    if privacy:
        accountant = str(privacy.get("accountant", "dp-accounting RDP"))
        accountant = accountant.split(";")[0].removeprefix("dp-accounting ")
        body.append(
            f"Trained with differentially private SGD: ({privacy['epsilon']:.3g}, "
            f"{privacy['delta']:.2g})-differential privacy for each training document "
            f"(noise multiplier {privacy['noise_multiplier']:.3g}, "
            f"{privacy['steps']} steps at sampling rate "
            f"{privacy['sampling_rate']:.3g}; dp-accounting's {accountant} accountant)."
        )
        if privacy.get("target_bounds") is not None:
            body.append(
                f"Targets were clipped into the public bounds "
                f"{privacy['target_bounds']} before training, and predictions are "
                "clipped into them."
            )
    else:
        body.append("Not trained privately: the model may reveal its training text.")
    file_name = facts["file"]["name"] if facts["file"] else "model.skbig"
    body += [
        "",
        "## How to use",
        "",
        "```python",
        "import skbig",
        "",
        f"model = skbig.load({json.dumps(file_name)})",
        'model.predict(["some text"])'
        if facts.get("text", True)
        else "model.predict(X)",
        "```",
        "",
    ]
    body += ["## Framework versions", "", *_pairs(facts["versions"]), ""]
    if facts["file"]:
        body += ["## File", "", *_pairs(facts["file"]), ""]
    return "\n".join([*header, "", *body])


def _description(facts):
    kinds = " → ".join(kind for _, kind, _ in facts["steps"])
    what = (
        f"A scikit-learn {facts['estimator']} ({kinds}) built with skbig: a Keras "
        "network behind a scikit-learn interface. It predicts"
    )
    if facts.get("regressor"):
        outputs = facts.get("outputs") or 1
        return f"{what} " + ("a number." if outputs == 1 else f"{outputs} numbers.")
    classes = facts["classes"]
    shown = ", ".join(classes[:20]) + (", …" if len(classes) > 20 else "")
    return f"{what} one of {len(classes)} classes: {shown}."


def _pairs(mapping):
    return [f"- {key}: {value}" for key, value in mapping.items()] or ["- unknown"]
