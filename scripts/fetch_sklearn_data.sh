#!/usr/bin/env bash
# Fetches the data sets scikit-learn ships inside its wheel (iris, wine, breast cancer, digits,
# diabetes) and two of statsmodels' (elnino, elec_equip) without installing scikit-learn: downloads the wheel from PyPI, extracts only the
# data files, and rewrites them as plain CSVs with a header row (features…, target).
# Cached: does nothing when data/sklearn already holds every file.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${SKLEARN_DATA_DIR:-data/sklearn}
STATSMODELS_OUT=${STATSMODELS_DATA_DIR:-data/statsmodels}
FILES="iris.csv wine.csv breast_cancer.csv digits.csv diabetes.csv"
# statsmodels ships its data sets as CSVs inside the wheel: two monthly seasonal series.
if [ ! -f "$STATSMODELS_OUT/elnino.csv" ] || [ ! -f "$STATSMODELS_OUT/elec_equip.csv" ]; then
  mkdir -p "$STATSMODELS_OUT"
  SM_TMP=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$SM_TMP" "statsmodels==0.15.0" \
    || python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$SM_TMP" statsmodels
  python3 - "$SM_TMP" "$STATSMODELS_OUT" <<'PY'
import glob, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(f"{sys.argv[1]}/statsmodels-*.whl")[0])
for name in ["elnino", "elec_equip"]:
    open(f"{sys.argv[2]}/{name}.csv", "wb").write(wheel.read(f"statsmodels/datasets/{name}/{name}.csv"))
print(f"wrote {sys.argv[2]}: elnino, elec_equip")
PY
  rm -rf "$SM_TMP"
fi
if [ -d "$OUT" ] && for f in $FILES; do [ -f "$OUT/$f" ] || exit 1; done; then exit 0; fi
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$TMP" "scikit-learn==1.7.2" \
  || python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$TMP" scikit-learn
python3 - "$TMP" "$OUT" <<'PY'
import csv, glob, gzip, io, sys, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = zipfile.ZipFile(glob.glob(f"{tmp}/scikit_learn-*.whl")[0])
def read(name):
    data = wheel.read(f"sklearn/datasets/data/{name}")
    return gzip.decompress(data).decode() if name.endswith(".gz") else data.decode()
def write(name, header, rows):
    with open(f"{out}/{name}", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
# iris / wine / breast_cancer: first line "n_samples,n_features,class names…", then features + class index.
for src, dst in [("iris.csv", "iris.csv"), ("wine_data.csv", "wine.csv"), ("breast_cancer.csv", "breast_cancer.csv")]:
    lines = read(src).strip().splitlines()
    n_features = int(lines[0].split(",")[1])
    rows = [line.split(",") for line in lines[1:]]
    write(dst, [f"x{i}" for i in range(n_features)] + ["target"], rows)
digits = [line.split(",") for line in read("digits.csv.gz").strip().splitlines()]
write("digits.csv", [f"x{i}" for i in range(64)] + ["target"], digits)
features = [line.split() for line in read("diabetes_data_raw.csv.gz").strip().splitlines()]
target = read("diabetes_target.csv.gz").split()
names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
write("diabetes.csv", names + ["target"], [f + [t] for f, t in zip(features, target)])
print(f"wrote {out}: iris, wine, breast_cancer, digits, diabetes")
PY
