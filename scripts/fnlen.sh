#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fnlen.sh [-n N] [DIR|FILE...] -- the N longest C functions (default 10)
# as "lines file:line name", then how many are over 60 and over 80 lines.
# Default: userspace (recursively).  Uses universal-ctags
# (apt-get install universal-ctags) for function starts and ends; without
# it, an awk over column-0 braces (kernel style: a function's body opens and
# closes in column 0).
set -euo pipefail
n=10
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
[ $# -gt 0 ] || set -- userspace
mapfile -t files < <(find "$@" -name '*.c' | sort)
[ ${#files[@]} -gt 0 ] || { echo "fnlen.sh: no .c files" >&2; exit 1; }

if ctags --version 2>/dev/null | grep -q 'Universal Ctags'; then
	ctags -x --kinds-C=f --fields=+ne --_xformat='%N %F %n %e' \
		"${files[@]}" | awk '{ print $4 - $3 + 1, $2 ":" $3, $1 }'
else
	for f in "${files[@]}"; do
		awk -v f="$f" '
			/^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0; sl = FNR }
			/^\{/ && sig != "" { start = sl; name = sig;
				sub(/\(.*/, "", name); sub(/.*[ *]/, "", name) }
			/^\}/ && start { print FNR - start + 1, f ":" start, name;
				start = 0; sig = "" }' "$f"
	done
fi | sort -rn >"${TMPDIR:-/tmp}/fnlen.$$"
head -n "$n" "${TMPDIR:-/tmp}/fnlen.$$"
awk '{ t++ } $1 > 60 { a++ } $1 > 80 { b++ }
     END { printf "%d functions, %d over 60 lines, %d over 80\n", t, a, b }' \
	"${TMPDIR:-/tmp}/fnlen.$$"
rm -f "${TMPDIR:-/tmp}/fnlen.$$"
