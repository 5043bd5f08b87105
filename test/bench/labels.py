#!/usr/bin/env python3
"""Label budget of a compiled output: per scrape job, the labels Anvil puts on every series of a target.

    test/bench/labels.py OUT_DIR

For each job: targets, Anvil's labels per target (the target's labels plus job; the exporter's own
labels come on top, see rules/contracts), and the bytes of those labels' names and values per series
(the part of every sample's label set, and of remote-write traffic, that Anvil decides).
"""
import glob
import json
import os
import sys

out = sys.argv[1]
total_targets = 0
worst = (0, "")
for path in sorted(glob.glob(os.path.join(out, "prometheus/targets/*.json"))):
    job = os.path.basename(path)[:-5]
    counts, sizes = [], []
    for group in json.load(open(path)):
        labels = {k: v for k, v in group["labels"].items() if not k.startswith("__")}
        if not group["targets"]:
            continue
        labels["job"] = job
        for _ in group["targets"]:
            counts.append(len(labels))
            sizes.append(sum(len(k) + len(v) for k, v in labels.items()))
    if not counts:
        continue
    total_targets += len(counts)
    worst = max(worst, (max(counts), job))
    print(f"{job:16} targets {len(counts):7}  labels max {max(counts):3} mean {sum(counts)/len(counts):5.1f}"
          f"  label bytes per series max {max(sizes):5} mean {sum(sizes)/len(sizes):7.1f}")
print(f"{total_targets} targets; most Anvil labels on one target: {worst[0]} ({worst[1]})")
