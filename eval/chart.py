"""Draw the evaluation chart for EVALUATION.md from `errsig eval --json` output.

    python3 -m venv /tmp/errsig-chart && /tmp/errsig-chart/bin/pip install matplotlib==3.9.2
    cargo run --release -- eval eval/real-client eval/devset --negatives tests/negatives --json > target/eval.json
    /tmp/errsig-chart/bin/python eval/chart.py target/eval.json eval/evaluation.png

Left: top-1 accuracy per labelled set for errsig and each baseline, and the false-positive rate
on the negatives. Right: calibration of errsig's first answers (accuracy per confidence bin,
with the number of answers in each), pooled over every set.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYSTEM_COLOURS = {
    "errsig": "#1f5fa8",
    "errsig-no-fuzzy": "#6b9bd1",
    "bm25-only": "#d98c1f",
    "substring": "#8a8a8a",
}


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as handle:
        document = json.load(handle)
    sets = document["sets"]
    labelled = [s for s in sets if s["systems"][0]["positives"] > 0]
    negatives = [s for s in sets if s["systems"][0]["negatives"] > 0 and s["systems"][0]["positives"] == 0]
    systems = [system["system"] for system in sets[0]["systems"]]

    figure, (accuracy_axis, calibration_axis) = plt.subplots(1, 2, figsize=(12, 4.8), dpi=110)

    groups = [s["set"] for s in labelled] + [f'{s["set"]}\n(false positives)' for s in negatives]
    width = 0.8 / len(systems)
    for index, name in enumerate(systems):
        values = []
        for s in labelled:
            system = next(x for x in s["systems"] if x["system"] == name)
            values.append(100 * (system["top1"] or 0))
        for s in negatives:
            system = next(x for x in s["systems"] if x["system"] == name)
            values.append(100 * (system["false_positive_rate"] or 0))
        positions = [group + (index - (len(systems) - 1) / 2) * width for group in range(len(groups))]
        bars = accuracy_axis.bar(positions, values, width, label=name, color=SYSTEM_COLOURS.get(name))
        for bar, value in zip(bars, values):
            accuracy_axis.annotate(
                f"{value:.0f}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    accuracy_axis.set_xticks(range(len(groups)), groups)
    accuracy_axis.set_ylim(0, 108)
    accuracy_axis.set_ylabel("top-1 accuracy, or false-positive rate (%)")
    accuracy_axis.set_title("Right problem first, per set (higher is better; negatives: lower)")
    accuracy_axis.legend(fontsize=8, loc="upper right", ncols=2)

    bins = labelled[0]["systems"][0]["calibration"] if labelled else []
    centres, accuracies, counts = [], [], []
    for index, bin_ in enumerate(bins):
        answers = sum(s["systems"][0]["calibration"][index]["answers"] for s in sets)
        correct = sum(s["systems"][0]["calibration"][index]["correct"] for s in sets)
        if answers:
            centres.append((bin_["lower"] + bin_["upper"]) / 2)
            accuracies.append(correct / answers)
            counts.append(answers)
    calibration_axis.plot([0.5, 1.0], [0.5, 1.0], linestyle="--", color="#888888", label="perfect calibration")
    calibration_axis.plot(centres, accuracies, marker="o", color=SYSTEM_COLOURS["errsig"], label="errsig")
    for x, y, n in zip(centres, accuracies, counts):
        calibration_axis.annotate(f"n={n}", (x, y), textcoords="offset points", xytext=(0, -12), ha="center", fontsize=7)
    calibration_axis.set_xlim(0.5, 1.0)
    calibration_axis.set_ylim(0.4, 1.05)
    calibration_axis.set_xlabel("confidence of the first answer")
    calibration_axis.set_ylabel("share of first answers that are right")
    calibration_axis.set_title("Calibration (all sets pooled)")
    calibration_axis.legend(fontsize=8, loc="lower right")

    figure.tight_layout()
    figure.savefig(target)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py EVAL.json OUT.png")
    main(sys.argv[1], sys.argv[2])
