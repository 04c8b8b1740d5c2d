# bash completion for planlint(1). Installed as
# $(datadir)/bash-completion/completions/planlint; works without the bash-completion
# package too (source this file). The option lists follow planlint --help
# (tests/cli/completion.sh checks that they do).

_planlint_long_options='--log --log-format --since --until --database --min-duration --top --fail-on-regression
    --input-format --format --output --color --width --ascii --no-fold --findings-only --stats --no-pager --anonymize --emit-plan
    --fail-on --min-severity --min-time --enable --disable --set --no-rules --config --no-config
    --list-rules --explain --command --file --no-analyze --no-enrich --no-verify
    --allow-writes --allow-side-effects --timeout --param --save --host --port --username --dbname --dsn
    --no-password --password --version --help'
_planlint_short_options='-o -c -f -h -p -U -d -w -W -V -?'
# Options whose argument may be the next word (getopt's required_argument).
_planlint_takes_argument='--log-format --since --until --database --min-duration --top --fail-on-regression
    --input-format --format --output -o --width --fail-on
    --min-severity --min-time --enable --disable --set --config --explain --command -c --file -f
    --timeout --param --save --host -h --port -p --username -U --dbname -d --dsn'

_planlint_long_options+=' --baseline --write-baseline'
_planlint_takes_argument+=' --baseline --write-baseline'

# Rule ids, names and categories, from the program being completed.
_planlint_rules()
{
    "$1" --list-rules 2>/dev/null | awk 'NR > 1 { print $1; print $2; print $4 }' | sort -u
}

# COMPREPLY from compgen ARGS..., one word per line, no globbing of the words.
_planlint_reply()
{
    mapfile -t COMPREPLY < <(compgen "$@")
}

# The values of option $2 (program $1) that start with $3, into COMPREPLY.
_planlint_values()
{
    local cur=$3 head=
    case $2 in
    --format) _planlint_reply -W 'tree json jsonl markdown sarif html speedscope folded' -- "$cur" ;;
    --log-format) _planlint_reply -W 'auto stderr csvlog jsonlog' -- "$cur" ;;
    --input-format) _planlint_reply -W 'auto json text yaml xml' -- "$cur" ;;
    --color) _planlint_reply -W 'auto always never' -- "$cur" ;;
    --anonymize) _planlint_reply -W 'literals names' -- "$cur" ;;
    --emit-plan) _planlint_reply -W 'json text' -- "$cur" ;;
    --fail-on) _planlint_reply -W 'info warning error none' -- "$cur" ;;
    --min-severity) _planlint_reply -W 'info warning error' -- "$cur" ;;
    --list-rules) _planlint_reply -W 'text markdown json' -- "$cur" ;;
    --explain) _planlint_reply -W "$(_planlint_rules "$1")" -- "$cur" ;;
    --enable | --disable)
        # Comma lists: complete the last item.
        [[ $cur == *,* ]] && head=${cur%,*},
        _planlint_reply -P "$head" -W "$(_planlint_rules "$1")" -- "${cur##*,}" ;;
    --output | -o | --config | --file | -f | --save | --baseline | --write-baseline)
        compopt -o filenames 2>/dev/null
        _planlint_reply -f -- "$cur" ;;
    --host | -h) _planlint_reply -A hostname -- "$cur" ;;
    --username | -U) _planlint_reply -u -- "$cur" ;;
    *) COMPREPLY=() ;;
    esac
}

_planlint()
{
    local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev= before=
    ((COMP_CWORD >= 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    ((COMP_CWORD >= 2)) && before=${COMP_WORDS[COMP_CWORD - 2]}

    # "--format=js" is one word, or three ("--format" "=" "js") when COMP_WORDBREAKS
    # holds '=', as it does by default.
    if [[ $cur == --*=* ]]; then
        _planlint_values "$prog" "${cur%%=*}" "${cur#*=}"
        COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
        return
    fi
    if [[ $cur == = ]]; then
        _planlint_values "$prog" "$prev" ''
        return
    fi
    if [[ $prev == = ]]; then
        _planlint_values "$prog" "$before" "$cur"
        return
    fi
    if [[ " ${_planlint_takes_argument//$'\n'/ } " == *" $prev "* ]]; then
        _planlint_values "$prog" "$prev" "$cur"
        return
    fi
    case $cur in
    --*) _planlint_reply -W "$_planlint_long_options" -- "$cur" ;;
    -*) _planlint_reply -W "$_planlint_short_options $_planlint_long_options" -- "$cur" ;;
    *)
        compopt -o filenames 2>/dev/null
        _planlint_reply -f -- "$cur" ;;
    esac
}

complete -F _planlint planlint
