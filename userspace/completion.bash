# SPDX-License-Identifier: GPL-2.0
# bash completion for wakeoff: commands, then each command's options as its
# own --help lists them (so this file never goes stale), else file names.
_wakeoff()
{
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}
	local cmds="record report timehist compare stress export plot flamegraph summary control uprobe"

	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$cmds --help --version" -- "$cur")
		return
	fi
	case $cmd in
	control)
		[ "$COMP_CWORD" -eq 2 ] &&
			mapfile -t COMPREPLY < <(compgen -W "start stop reset run filter" -- "$cur")
		return ;;
	uprobe)
		[ "$COMP_CWORD" -eq 2 ] &&
			mapfile -t COMPREPLY < <(compgen -W "add libc clear" -- "$cur")
		return ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W \
			"$("${COMP_WORDS[0]}" "$cmd" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u)" \
			-- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _wakeoff wakeoff
