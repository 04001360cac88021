#!/usr/bin/env python3
"""Secret recall of errsig and of detect-secrets on the same generated corpus.

The corpus is the one `cargo test` checks (tests/it/secrets/): thousands of real-shaped,
generated secrets of many families, each in every context shape. It is written as JSONL by an
ignored test; each line holds one placement (`text`), its family and shape, and every spelling
of the secret's sensitive part.

Both tools are judged the same way, per placement: remove what the tool reports (errsig's
redaction spans; detect-secrets' secret values, line by line), then look for any 8-byte piece of
the secret in what is left. None left: caught. detect-secrets is a detector rather than a
redactor, so its table also gives the share of placements where it reported anything at all
("flagged").

This script installs nothing. Set up detect-secrets in a virtual environment outside the repo:

    python3 -m venv /tmp/ds-venv
    /tmp/ds-venv/bin/pip install detect-secrets==1.5.0

then, from the repository root:

    cargo build --release
    ERRSIG_SECRETS_JSONL=/tmp/secrets.jsonl \\
        cargo test --release --test it secrets::dump_corpus_jsonl -- --ignored --exact
    /tmp/ds-venv/bin/python reliability/secrets_compare.py --corpus /tmp/secrets.jsonl

By default detect-secrets runs on the families it has a plugin for (`--all` runs it on every
family; slower). The tables are Markdown, for RELIABILITY.md.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import time

PIECE = 8
SEPARATOR = "\n2025-06-17T09:41:07Z INFO request finished in 12 ms\n"


def pieces(spellings):
    out = set()
    for spelling in spellings:
        data = spelling.encode()
        if len(data) < PIECE:
            out.add(data)
        else:
            out.update(data[i : i + PIECE] for i in range(len(data) - PIECE + 1))
    return out


def leaks(text, needles):
    return any(needle in text for needle in needles)


def errsig_caught(errsig, placements):
    """Runs `errsig normalize --json` once per family on its placements joined by a separator
    line, applies the redaction spans (byte offsets of the input) to each placement, and tells
    for each placement whether any piece of its secret is left."""
    caught = {}
    by_family = collections.defaultdict(list)
    for index, placement in enumerate(placements):
        by_family[placement["family"]].append(index)
    for family, indices in by_family.items():
        texts = [placements[i]["text"].encode() for i in indices]
        joined = SEPARATOR.encode().join(texts)
        result = subprocess.run(
            [errsig, "normalize", "--json"], input=joined, capture_output=True, check=True
        )
        document = json.loads(result.stdout)
        redacted_byte = bytearray(len(joined))
        for item in document["redactions"]["items"]:
            s, e = item["span"]
            redacted_byte[s:e] = b"\x01" * (e - s)
        start = 0
        for i, text in zip(indices, texts):
            out = bytearray()
            for offset in range(start, start + len(text)):
                if not redacted_byte[offset]:
                    out.append(joined[offset])
                elif offset == start or not redacted_byte[offset - 1]:
                    out += b"<secret>"
            caught[i] = not leaks(bytes(out), pieces(placements[i]["spellings"]))
            start += len(text) + len(SEPARATOR.encode())
    return caught


def detect_secrets_results(indices, placements):
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    caught, flagged = {}, {}
    with default_settings():
        for i in indices:
            placement = placements[i]
            remaining = []
            any_finding = False
            for line in placement["text"].split("\n"):
                values = {s.secret_value for s in scan_line(line) if s.secret_value}
                any_finding = any_finding or bool(values)
                for value in sorted(values, key=len, reverse=True):
                    line = line.replace(value, "<secret>")
                remaining.append(line)
            text = "\n".join(remaining).encode()
            caught[i] = not leaks(text, pieces(placement["spellings"]))
            flagged[i] = any_finding
    return caught, flagged


def percent(numerator, denominator):
    return f"{100.0 * numerator / denominator:.1f} %" if denominator else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="the JSONL written by dump_corpus_jsonl")
    parser.add_argument("--errsig", default="target/release/errsig", help="the errsig binary")
    parser.add_argument("--all", action="store_true", help="run detect-secrets on every family")
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as corpus:
        placements = [json.loads(line) for line in corpus]
    families = list(dict.fromkeys(p["family"] for p in placements))
    plugin = {p["family"]: p["detect_secrets_plugin"] for p in placements}
    print(f"{len(placements)} placements, {len(families)} families, "
          f"{len({p['secret'] for p in placements})} secrets", file=sys.stderr)

    started = time.time()
    if not os.path.exists(args.errsig):
        sys.exit(f"{args.errsig} is missing: run `cargo build --release` first")
    errsig = errsig_caught(args.errsig, placements)
    print(f"errsig: {time.time() - started:.0f} s", file=sys.stderr)

    started = time.time()
    chosen = [i for i, p in enumerate(placements) if args.all or plugin[p["family"]]]
    ds_caught, ds_flagged = detect_secrets_results(chosen, placements)
    print(f"detect-secrets: {time.time() - started:.0f} s on {len(chosen)} placements",
          file=sys.stderr)

    by_family = collections.defaultdict(list)
    for i, placement in enumerate(placements):
        by_family[placement["family"]].append(i)

    print("| family | detect-secrets plugin | placements | errsig caught | "
          "detect-secrets caught | detect-secrets flagged |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    worse = []
    for family in families:
        indices = by_family[family]
        if not (args.all or plugin[family]):
            continue
        e = sum(errsig[i] for i in indices)
        d = sum(ds_caught[i] for i in indices)
        f = sum(ds_flagged[i] for i in indices)
        print(f"| {family} | {plugin[family] or '-'} | {len(indices)} | {percent(e, len(indices))} "
              f"| {percent(d, len(indices))} | {percent(f, len(indices))} |")
        if plugin[family] and e < d:
            worse.append(family)

    print()
    print("errsig recall on every family (caught / placements):")
    print()
    print("| family | placements | errsig caught |")
    print("| --- | ---: | ---: |")
    for family in families:
        indices = by_family[family]
        e = sum(errsig[i] for i in indices)
        print(f"| {family} | {len(indices)} | {percent(e, len(indices))} |")

    print()
    shapes = collections.defaultdict(lambda: [0, 0, 0])
    for i in chosen:
        cell = shapes[placements[i]["context"]]
        cell[0] += 1
        cell[1] += errsig[i]
        cell[2] += ds_caught[i]
    print("by context shape, on the families detect-secrets covers:")
    print()
    print("| shape | placements | errsig caught | detect-secrets caught |")
    print("| --- | ---: | ---: | ---: |")
    for shape, (n, e, d) in shapes.items():
        print(f"| {shape} | {n} | {percent(e, n)} | {percent(d, n)} |")

    if worse:
        print(f"\nerrsig is below detect-secrets on: {', '.join(worse)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
