#!/usr/bin/env python3
"""Differential check for engine performance work: two errsig binaries must answer identically.

Runs `errsig match --jsonl` and `errsig normalize --json` with both binaries over every log in
tests/negatives, benches/data, eval/*/cases (when present), every signature example and
counter-example, and a few generated adversarial inputs, then compares the outputs byte for byte.
Both binaries load the same signature directory, so only the engine differs.

Usage: python3 benches/differential.py BASE_BINARY NEW_BINARY [--eval DIR] [--work DIR]
Exit status 0 when every output is identical, 1 otherwise (the first differences are printed).
"""

import argparse
import difflib
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def example_files(work: pathlib.Path) -> list[pathlib.Path]:
    out = work / "examples"
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted((ROOT / "signatures").rglob("*.toml")):
        data = tomllib.loads(path.read_text())
        for kind in ("example", "counter_example"):
            for index, case in enumerate(data.get(kind, [])):
                target = out / f"{data['id']}.{kind}{index + 1}.log"
                target.write_text(case["text"])
                files.append(target)
    return files


def adversarial_files(work: pathlib.Path) -> list[pathlib.Path]:
    """Inputs that stress the worst cases; deterministic so both binaries see the same bytes."""
    out = work / "adversarial"
    out.mkdir(parents=True, exist_ok=True)
    cases = {
        # One anchor repeated on one 1 MB line, and as 1 MB of lines.
        "anchor-one-line.log": "LLM Provider NOT provided " * 40_000,
        "anchor-lines.log": "LLM Provider NOT provided\n" * 40_000,
        # Long near-miss lines: anchors of many signatures, none completing a pattern.
        "near-miss.log": (
            "litellm.NotFoundError: OpenAIException - Resource not " * 200
            + "\n"
        )
        * 100,
        # Numbers, URLs and ids everywhere (the masking rules' worst case).
        "volatile.log": (
            "at 2024-05-01T10:00:00Z id chatcmpl-AbC123xyz from 10.0.0.12:8080 a@b.io "
            "https://x.openai.azure.com/openai/deployments/a?api-version=1 429 /usr/lib/x.py "
            "3f2a9c1d88e0 123e4567-e89b-12d3-a456-426614174000 "
        )
        * 20
        + "\n",
        # Escapes, blanks and control characters.
        "escapes.log": ('{\\"error\\": {\\"message\\": \\"x\\\\ny\\"}} \x1b[31m\t  \r\n' * 2000),
        # Over the 8 MiB cap: truncated to head and tail.
        "over-cap.log": (ROOT / "benches/data/large.log").read_text() * 6,
    }
    files = []
    for name, text in cases.items():
        target = out / name
        target.write_text(text)
        files.append(target)
    return files


def run(binary: str, args: list[str]) -> bytes:
    done = subprocess.run([binary, *args], capture_output=True, timeout=600)
    return done.stdout + b"\n--stderr--\n" + done.stderr + f"\n--exit {done.returncode}--\n".encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--eval", default=str(ROOT / "eval"), help="directory holding */cases/")
    parser.add_argument("--work", default="/tmp/errsig-differential")
    args = parser.parse_args()
    work = pathlib.Path(args.work)
    signatures = str(ROOT / "signatures")

    groups: dict[str, list[pathlib.Path]] = {
        "negatives": sorted((ROOT / "tests/negatives").glob("*.log")),
        "benches": sorted((ROOT / "benches/data").glob("*.log")),
        "eval": sorted(pathlib.Path(args.eval).glob("*/cases/*")),
        "examples": example_files(work),
        "adversarial": adversarial_files(work),
    }
    failures = 0
    total = 0
    for group, files in groups.items():
        if not files:
            print(f"{group}: no files")
            continue
        # Matching: one process per chunk of files (building the engine once per chunk).
        for start in range(0, len(files), 200):
            chunk = [str(path) for path in files[start : start + 200]]
            command = ["match", "--jsonl", "--color", "never", "--signatures", signatures, *chunk]
            base, new = run(args.base, command), run(args.new, command)
            total += 1
            if base != new:
                failures += 1
                print(f"DIFFERENT: match {group} files {start}..{start + len(chunk)}")
                for base_line, new_line in zip(base.splitlines(), new.splitlines()):
                    if base_line != new_line:
                        diff = difflib.unified_diff(
                            base_line.decode(errors="replace").split(","),
                            new_line.decode(errors="replace").split(","),
                            lineterm="",
                        )
                        print("\n".join(list(diff)[:40]))
                        break
        # Pretty single-file JSON and normalization, file by file (no engine build for normalize).
        for path in files:
            for command in (["normalize", "--json", str(path)],):
                base, new = run(args.base, command), run(args.new, command)
                total += 1
                if base != new:
                    failures += 1
                    print(f"DIFFERENT: {' '.join(command)}")
        print(f"{group}: {len(files)} files compared")
    # A few `--json` (pretty) runs, as the issue states the check.
    for path in groups["benches"] + groups["negatives"][:5]:
        command = ["match", "--json", "--color", "never", "--signatures", signatures, str(path)]
        base, new = run(args.base, command), run(args.new, command)
        total += 1
        if base != new:
            failures += 1
            print(f"DIFFERENT: {' '.join(command)}")
    print(f"{total} comparisons, {failures} different")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
