#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tap-count.sh PREFIX FILE...  --  re-emit the results of kselftest TAP
# files as "ok/not ok - PREFIX name" lines on stdout.  A file whose plan
# (1..N) promises more results than it holds (a crashed or killed test
# binary) adds a failure for the missing ones.
prefix=$1
shift
for f in "$@"; do
	name=$(basename "$f" .tap)
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$f" | head -n 1)
	seen=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			seen=$((seen + 1))
			status=${line%% [0-9]*}
			rest=${line#"$status "}
			rest=${rest#* }		# drop the number
			echo "$status - $prefix $name: $rest"
			;;
		esac
	done <"$f"
	if [ -z "$plan" ]; then
		echo "not ok - $prefix $name: no TAP plan (binary did not start?)"
	elif [ "$seen" -lt "$plan" ]; then
		echo "not ok - $prefix $name: only $seen of $plan results (crash or timeout)"
	fi
done
