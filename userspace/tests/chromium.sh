# SPDX-License-Identifier: GPL-2.0
#
# Sourced by plot-chromium.sh and flamegraph-chromium.sh (after
# selftests/vm/lib.sh): headless Chromium rendering shared by both checks.
#
# wo_chromium_render FILE WIDTH,HEIGHT: install chromium when missing,
# render FILE twice (DOM dump, screenshot) into ${FILE%.*}.dom, .png and
# .chromium.log, and fail on any console message, script error, failed
# resource or XML parse error.  Sets $png, $dom, $log; prints the times.

wo_chromium_now() { date +%s.%N; }
wo_chromium_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

wo_chromium_render() {
	local file base chrome prof t0 t1 t2 t3
	file=$(realpath "$1")
	base=${file%.*}
	png=$base.png dom=$base.dom log=$base.chromium.log
	t0=$(wo_chromium_now)
	wo_need_pkgs chromium
	t1=$(wo_chromium_now)
	chrome=$(command -v chromium || command -v chromium-browser) ||
		wo_die "no chromium binary after installing the package"
	# Root needs --no-sandbox; a private profile keeps runs independent.
	prof=$(mktemp -d)
	local flags=(--headless --no-sandbox --disable-gpu --no-first-run
		     --no-default-browser-check --user-data-dir="$prof"
		     --enable-logging=stderr --v=0 --window-size="$2"
		     --hide-scrollbars --virtual-time-budget=2000)
	rm -f "$png"
	timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$file" >"$dom" 2>"$log" ||
		{ rm -rf "$prof"; wo_die "chromium --dump-dom failed (log: $log)"; }
	t2=$(wo_chromium_now)
	timeout 120 "$chrome" "${flags[@]}" --screenshot="$png" "file://$file" >/dev/null 2>>"$log" ||
		{ rm -rf "$prof"; wo_die "chromium --screenshot failed (log: $log)"; }
	t3=$(wo_chromium_now)
	rm -rf "$prof"
	echo "chromium: install/check $(wo_chromium_secs "$t0" "$t1") s, dump-dom $(wo_chromium_secs "$t1" "$t2") s, screenshot $(wo_chromium_secs "$t2" "$t3") s"
	if grep -E 'CONSOLE|Uncaught|SyntaxError|Failed to load resource|error on line' "$log" "$dom"; then
		wo_die "errors while rendering $file (log: $log)"
	fi
	[ -s "$png" ] || wo_die "no screenshot written"
}
