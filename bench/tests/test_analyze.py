#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit test of bench/analyze.py's verdict(): a wall-clock target is met
or missed only when every repetition agrees and none fell below 0;
otherwise it is undecided (the cases are the ones make bench printed on
a shared host: negative medians once counted as met)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from analyze import verdict  # noqa: E402

# (value, min, max, op, limit) -> (met, undecided)
CASES = [
    ((0.07, 0.03, 0.16, "<=", 0.25), (True, False)),     # every rep under
    ((0.25, 0.10, 0.25, "<=", 0.25), (True, False)),     # at the limit
    ((1.88, 0.98, 3.50, "<=", 0.25), (False, False)),    # every rep over
    ((0.63, 0.04, 1.18, "<=", 0.25), (None, True)),      # straddles
    ((-0.14, -1.44, 0.06, "<=", 0.25), (None, True)),    # below 0: noise
    ((1.00, 1.00, 1.00, "<", 1.0), (False, False)),      # strict
    ((0.55, 0.35, 0.78, "<", 1.0), (True, False)),
    ((0.0, None, None, "<=", 0), (True, False)),         # a count
    ((70.0, None, None, "<", 5), (False, False)),        # a percentage
    ((None, None, None, "<=", 0.25), (None, False)),     # not measured
]


def main():
    bad = 0
    for args, want in CASES:
        got = verdict(*args)
        if got != want:
            print(f"FAIL verdict{args}: {got} != {want}")
            bad += 1
    print(f"test_analyze: {len(CASES)} cases, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
