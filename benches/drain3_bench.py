#!/usr/bin/env python3
"""Drain3 templating throughput on a log: the peer of errsig's normalization in compare.sh.

Feeds the log's lines to drain3.TemplateMiner (masking IPs, UUIDs, hex ids and numbers, as
errsig masks volatile values) until --max-lines or --cap-secs, and prints one JSON object:
lines, bytes, wall and CPU seconds, clusters, and a check made before timing.
Run it with the pinned Drain3 that compare.sh installs in a venv outside the repository.
"""

import argparse
import json
import logging
import time

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig


def miner():
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.masking_instructions = [
        MaskingInstruction(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "UUID"),
        MaskingInstruction(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?\b", "IP"),
        MaskingInstruction(r"\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", "HEX"),
        MaskingInstruction(r"(?<![\w.])[-+]?\d+(?:\.\d+)?\b", "NUM"),
    ]
    return TemplateMiner(config=config)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--max-lines", type=int, default=2_000_000)
    parser.add_argument("--cap-secs", type=float, default=30.0)
    args = parser.parse_args()
    logging.getLogger("drain3").setLevel(logging.WARNING)

    # The check before timing: the first 2,000 lines give some templates, fewer than lines,
    # and the masks show in them.
    with open(args.log, encoding="utf-8") as log:
        head = [line.rstrip("\n") for _, line in zip(range(2000), log)]
    probe = miner()
    for line in head:
        probe.add_log_message(line)
    clusters = len(probe.drain.clusters)
    masked = any("<NUM>" in c.get_template() for c in probe.drain.clusters)
    ok = 0 < clusters < len(head) and masked
    check_detail = f"first {len(head)} lines: {clusters} templates, masks applied: {masked}"

    timed = miner()
    lines = 0
    size = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    with open(args.log, encoding="utf-8") as log:
        for line in log:
            timed.add_log_message(line.rstrip("\n"))
            lines += 1
            size += len(line.encode("utf-8"))
            if lines >= args.max_lines:
                break
            if lines % 1000 == 0 and time.perf_counter() - start > args.cap_secs:
                break
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "peer": "drain3",
                "lines": lines,
                "bytes": size,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "lines_per_cpu_s": lines / max(cpu_seconds, 1e-9),
                "clusters": len(timed.drain.clusters),
                "check": "ok" if ok else "FAIL",
                "check_detail": f"{check_detail}; timed run: {lines} lines, {len(timed.drain.clusters)} templates",
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
