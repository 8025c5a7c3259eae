#!/usr/bin/env bash
# Reproduces MODEL.md's validation numbers end to end: fetches the word
# vectors, trains a model on split-train.txt only, predicts the 60
# validation articles (spans, and techniques for the gold spans) and scores
# both with 'unspun eval'. Run from anywhere; needs ../shared/data/ptc
# beside the repository. Output and intermediate files go to
# ${OUT:-.cache/evaluate}. With UNLABELED=DIR the span taggers are
# self-trained on DIR's articles (unspun train --unlabeled).
set -euo pipefail
cd "$(dirname "$0")/.."

PTC=${PTC:-../shared/data/ptc}
OUT=${OUT:-.cache/evaluate}
mkdir -p "$OUT/val-articles" "$OUT/val-si" "$OUT/val-tc"

if [ -x scripts/fetch-resources.sh ] || [ -f scripts/fetch-resources.sh ]; then
	bash scripts/fetch-resources.sh
fi

go build -o "$OUT/unspun" ./cmd/unspun
U="$OUT/unspun"

echo "== training on split-train.txt" >&2
nice "$U" train --data "$PTC" --train-ids "$PTC/split-train.txt" ${UNLABELED:+--unlabeled "$UNLABELED"} --out "$OUT/train-only.model"

# The validation articles and their gold labels, in folders of their own.
rm -f "$OUT"/val-articles/* "$OUT"/val-si/* "$OUT"/val-tc/*
while read -r id; do
	[ -n "$id" ] || continue
	cp "$PTC/articles/article$id.txt" "$OUT/val-articles/"
	cp "$PTC/labels-si/article$id.task1-SI.labels" "$OUT/val-si/"
	cp "$PTC/labels-tc/article$id.task2-TC.labels" "$OUT/val-tc/"
done < "$PTC/split-validation.txt"

echo "== span identification (SI) on split-validation.txt" >&2
"$U" predict si --articles "$OUT/val-articles" --model "$OUT/train-only.model" > "$OUT/pred-si.labels"
"$U" eval si --gold "$OUT/val-si" --pred "$OUT/pred-si.labels" --articles "$OUT/val-articles" | tee "$OUT/si.txt"

echo "== technique classification (TC) on split-validation.txt" >&2
"$U" predict tc --articles "$OUT/val-articles" --spans "$OUT/val-tc" --model "$OUT/train-only.model" > "$OUT/pred-tc.labels"
"$U" eval tc --gold "$OUT/val-tc" --pred "$OUT/pred-tc.labels" --articles "$OUT/val-articles" | tee "$OUT/tc.txt"

echo "== speed, memory and calibration" >&2
"$U" bench --model "$OUT/train-only.model" --validate "$PTC" | tee "$OUT/bench.txt"
