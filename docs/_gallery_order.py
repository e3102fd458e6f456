"""The order of the example gallery: from a first fit to deployment."""

ORDER = [
    "quick_start.py",
    "grid_search.py",
    "multilabel.py",
    "tabular_data.py",
    "explanations.py",
    "html_report.py",
    "export_onnx.py",
    "private_training.py",
    "keras_classic_text_classifier.py",
    "streamed_search_on_dask.py",
]


class GalleryOrder:
    """Sort key for sphinx-gallery: the place in ``ORDER``, unknown files last."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = filename.rsplit("/", 1)[-1]
        return (ORDER.index(name), name) if name in ORDER else (len(ORDER), name)

    def __repr__(self):
        return "GalleryOrder"
