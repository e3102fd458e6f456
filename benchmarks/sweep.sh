#!/usr/bin/env bash
# The sweep behind MLPClassifier's defaults: one setting for every corpus, no
# per-dataset tuning. Each line: dataset, then epoch_time.py's JSON for one config.
#   bash benchmarks/sweep.sh ../shared/data > benchmarks/results/sweep.jsonl
set -euo pipefail
data_dir=${1:-../shared/data}
here=$(dirname "$0")
configs=(
  "hidden_layer_sizes=(512,);batch_size=128;epochs=5"
  "hidden_layer_sizes=(256,);batch_size=64;epochs=5"
  "hidden_layer_sizes=(512,);batch_size=256;learning_rate_init=0.002;epochs=5"
  "hidden_layer_sizes=(512,);batch_size=128;epochs=10;early_stopping=True;n_iter_no_change=2"
  "hidden_layer_sizes=(1024,);batch_size=256;epochs=3"
)
for dataset in 20ng r8 mr; do
  args=()
  for config in "${configs[@]}"; do args+=(--config "$config"); done
  python "$here/epoch_time.py" --data-dir "$data_dir" --dataset "$dataset" "${args[@]}" |
    sed "s/^/$dataset /"
done
