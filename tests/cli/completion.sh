#!/bin/sh
# The bash completion (completion/planlint.bash), driven through its function with
# COMP_WORDS/COMP_CWORD as bash sets them, and its option lists against planlint --help.
# The zsh one is only checked for syntax, when zsh is there.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
command -v bash > /dev/null 2>&1 || { echo "SKIP: no bash"; exit 77; }
if command -v zsh > /dev/null 2>&1; then
    zsh -n "$src/completion/_planlint" || { echo "FAIL: zsh syntax"; exit 1; }
fi

PLANLINT=$planlint bash -c '
. "$1/completion/planlint.bash" || exit 1
fail=0

# expect "WANT" WORD... : completes the last word of "planlint WORD..."; WANT is the
# replies, sorted, on one line.
expect() {
    want=$1; shift
    COMP_WORDS=("$PLANLINT" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _planlint
    got=$(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")
    if [ "${got% }" = "$want" ]; then
        echo "ok: planlint $*| -> $want"
    else
        echo "FAIL: planlint $*| -> \"${got% }\", expected \"$want\""; fail=1
    fi
}

complete -p planlint > /dev/null || { echo "FAIL: no complete -F for planlint"; fail=1; }
expect "--format" --form
expect "--no-analyze --no-config --no-enrich --no-fold --no-pager --no-password --no-rules --no-verify" --no-
expect "json jsonl" --format j
expect "auto json text xml yaml" --input-format ""
expect "always auto" --color = a
expect "--color=always --color=auto" --color=a
expect "--fail-on=warning" --fail-on=w
expect "--emit-plan=text" --emit-plan=t
expect "PL001 PL002 PL003 PL004 PL005 PL006 PL007 PL008 PL009" --explain PL00
expect "PL001,seq-scan-filter" --enable PL001,seq-scan
expect "$1/tests/cli/text-plan.txt" "$1/tests/cli/text-pl"
expect "$1/tests/cli/text-plan.txt" -o "$1/tests/cli/text-pl"
exit $fail
' completion-test "$src" || exit 1

# The lists in the script are the options planlint --help shows.
help_long=$("$planlint" --help | grep -o -- "--[a-z-]*" | sort -u | tr "\n" " ")
script_long=$(bash -c '. "$1/completion/planlint.bash"; printf "%s\n" $_planlint_long_options' x "$src" |
    sort -u | tr "\n" " ")
[ "$help_long" = "$script_long" ] || {
    echo "FAIL: long options differ from planlint --help:"
    echo "  help:       $help_long"; echo "  completion: $script_long"; exit 1; }
help_short=$("$planlint" --help | sed -n "s/^  \(-[A-Za-z?]\),.*/\1/p" | sort | tr "\n" " ")
script_short=$(bash -c 'set -f; . "$1/completion/planlint.bash"; printf "%s\n" $_planlint_short_options' x "$src" |
    sort | tr "\n" " ")
[ "$help_short" = "$script_short" ] || {
    echo "FAIL: short options differ from planlint --help:"
    echo "  help:       $help_short"; echo "  completion: $script_short"; exit 1; }
echo "ok: the option lists match planlint --help"
