"""The HTML report of a many-class model: its size, build time and browser time.

    python benchmarks/report.py --data-dir ../shared/data \
        --screenshot docs/_static/report.png

The corpus is Reuters-21578 (ModApte) restricted to its single-label documents
(R52-like: every class with a document in both splits). ``make_text_classifier()``
is trained on the training split with ``skbig train``, then ``skbig report`` scores
the test split. Reported: classes, the report's size, the seconds to build it, and
the seconds headless Chromium takes to load and screenshot it, minus the seconds it
takes for an empty page (the browser's own start-up).
"""

import argparse
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import time


def single_label(path, keep=None):
    rows = []
    with gzip.open(path, "rt") as file:
        for line in file:
            row = json.loads(line)
            labels = row["label"] if isinstance(row["label"], list) else [row["label"]]
            if len(labels) == 1 and (keep is None or labels[0] in keep):
                rows.append({"text": row["text"], "label": labels[0]})
    return rows


def chromium_seconds(page, shot, width=1280, height=2400):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    start = time.perf_counter()
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         f"--window-size={width},{height}", f"--screenshot={shot}", f"file://{page}"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--screenshot", help="keep the report's screenshot here")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    source = os.path.join(args.data_dir, "reuters21578_modapte")
    test = single_label(os.path.join(source, "test.jsonl.gz"))
    train = single_label(os.path.join(source, "train.jsonl.gz"),
                         keep={r["label"] for r in test})  # fmt: skip
    test = [r for r in test if r["label"] in {t["label"] for t in train}]
    for name, rows in (("train", train), ("test", test)):
        with open(os.path.join(folder, f"{name}.jsonl"), "w") as file:
            file.writelines(json.dumps(r) + "\n" for r in rows)
    model = os.path.join(folder, "r52.skbig")
    subprocess.run(["skbig", "train", os.path.join(folder, "train.jsonl"), "-o", model,
                    "--quiet", "--test-size", "0", "--param", "mlp__random_state=0"],
                   check=True, capture_output=True)  # fmt: skip
    page = os.path.join(folder, "report.html")
    start = time.perf_counter()
    command = ["skbig", "report", model, os.path.join(folder, "test.jsonl"), "-o", page]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    build = time.perf_counter() - start
    empty = os.path.join(folder, "empty.html")
    with open(empty, "w") as file:
        file.write("<html><body></body></html>")
    shot = args.screenshot or os.path.join(folder, "report.png")
    baseline = min(
        chromium_seconds(empty, os.path.join(folder, "e.png")) for _ in range(3)
    )
    browser = min(chromium_seconds(page, shot) for _ in range(3))
    print(out.stdout.strip())
    print(f"classes: {len({r['label'] for r in train})}, test documents: {len(test)}")
    print(f"report: {os.path.getsize(page) / 2**20:.2f} MB, built in {build:.1f} s "
          "(including skbig's start-up and loading the model)")  # fmt: skip
    print(f"Chromium: {browser:.2f} s to load and screenshot, {baseline:.2f} s for an "
          f"empty page: {browser - baseline:.2f} s for the report")  # fmt: skip


if __name__ == "__main__":
    main()
