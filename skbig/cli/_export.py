"""``skbig export``: a saved model as one serving file (ONNX or SavedModel)."""

import json

from ._commands import UsageError
from ._model import load_model


def export_model(args):
    from sklearn.base import is_regressor

    from .._export import QUANTIZE, export, onnx_backend

    if args.quantize not in QUANTIZE[args.format]:
        takes = " or ".join(q for q in QUANTIZE[args.format] if q)
        raise UsageError(
            f"--quantize {args.quantize} is for ONNX; a SavedModel takes {takes}"
        )
    if args.format == "onnx":
        try:
            onnx_backend()  # before the model's seconds of loading
        except ImportError as error:
            raise UsageError(str(error)) from None
    model, metadata = load_model(args.model, regressors="any")
    given = {"source": str(args.model)}
    if metadata.get("multilabel") and metadata.get("classes"):
        given["classes"] = json.dumps(metadata["classes"])
    report = export(
        model, args.output, format=args.format, quantize=args.quantize, metadata=given
    )
    inputs = "documents" if report["input"] == "text" else "rows"  # numeric steps
    agree = (
        "of predictions agree with the model's to 1e-3, within "
        if is_regressor(model)
        else "of labels agree with the model, probabilities within "
    )
    print(
        f"exported to {args.output} ({report['format']}"
        f"{', ' + report['quantize'] if report['quantize'] else ''}, "
        f"{report['bytes'] / 2**20:.1f} MB): on {report['probe_inputs']} probe "
        f"{inputs} {report['label_agreement']:.1%} {agree}"
        f"{report['max_difference']:.1g}"
    )
    return 0
