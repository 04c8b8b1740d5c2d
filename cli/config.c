/* config.c - .planlint.json, searched from the current directory upward; the
 * command line overrides it. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLI_CONFIG_NAME ".planlint.json"

/* The nearest .planlint.json from the current directory up to /, or NULL. Owned. */
static char *cli_find_config(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];

    if (!getcwd(dir, sizeof(dir)))
        return NULL;
    for (;;) {
        char *slash;
        snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, CLI_CONFIG_NAME);
        if (access(path, F_OK) == 0)
            return strdup(path);
        if (strcmp(dir, "/") == 0 || !(slash = strrchr(dir, '/')))
            return NULL;
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

static void cli_merge_list(const char **list, size_t *n, const char *const *items, size_t count)
{
    size_t i;

    for (i = 0; i < count && *n < CLI_MAX_LIST; i++)
        list[(*n)++] = items[i];
}

/* Config values go first, so the command line's come later and win. */
static int cli_merge(cli_settings *s, const planlint_config *cfg, const char *path)
{
    const char *const *items;
    const char *sev;
    size_t n;

    if (s->nenable == 0) {
        n = planlint_config_list(cfg, "enable", &items);
        cli_merge_list(s->enable, &s->nenable, items, n);
    }
    n = planlint_config_list(cfg, "disable", &items);
    cli_merge_list(s->disable, &s->ndisable, items, n);
    n = planlint_config_list(cfg, "set", &items);
    if (n > 0 && n + s->nset <= CLI_MAX_LIST) {   /* no "set": items is NULL */
        memmove(s->set + n, s->set, s->nset * sizeof(s->set[0]));
        memcpy(s->set, items, n * sizeof(s->set[0]));
        s->nset += n;
    }
    if (!s->fail_on_given && (sev = planlint_config_string(cfg, "fail_on")) && strcmp(sev, "none") != 0) {
        if (!(s->fail_on = planlint_severity_from_name(sev))) {
            cli_error("%s: fail_on: expected info, warning, error or none", path);
            return PL_EXIT_USAGE;
        }
    }
    if (!s->min_time_given && (sev = planlint_config_string(cfg, "min_time_ms"))) {
        if (cli_parse_ms(sev, &s->min_time_ms) < 0) {
            cli_error("%s: min_time_ms: expected a number of milliseconds, 0 or more", path);
            return PL_EXIT_USAGE;
        }
        s->min_time_given = 1;
    }
    if (!s->min_severity_given && (sev = planlint_config_string(cfg, "min_severity"))) {
        if (!(s->min_severity = planlint_severity_from_name(sev))) {
            cli_error("%s: min_severity: expected info, warning or error", path);
            return PL_EXIT_USAGE;
        }
    }
    return 0;
}

int cli_load_config(cli_settings *s, planlint_config **cfg)
{
    planlint_error err;
    char why[256], *path, *buf;
    size_t len;
    int rc;

    *cfg = NULL;
    if (s->no_config)
        return 0;
    path = s->config ? strdup(s->config) : cli_find_config();
    if (!path)
        return s->config ? PL_EXIT_INTERNAL : 0;   /* strdup failed */
    if (!(buf = cli_read_input(path, &len, why, sizeof(why)))) {
        cli_error("%s: %s", path, why);
        free(path);
        return PL_EXIT_USAGE;
    }
    memset(&err, 0, sizeof(err));
    rc = planlint_config_parse(cfg, buf, len, &err);
    free(buf);
    if (rc < 0) {
        cli_error("%s: %s%s%s", path, err.path[0] ? err.path : "", err.path[0] ? ": " : "", err.text);
        free(path);
        return cli_exit_code(rc);
    }
    rc = cli_merge(s, *cfg, path);
    free(path);
    return rc;
}

void cli_check_options(const cli_settings *s, planlint_check_options *o)
{
    planlint_check_options init = PLANLINT_CHECK_OPTIONS_INIT;

    *o = init;
    o->min_severity = s->min_severity;
    if (s->min_time_given)
        o->min_time_ms = s->min_time_ms;
    o->enable = s->enable;
    o->nenable = s->nenable;
    o->disable = s->disable;
    o->ndisable = s->ndisable;
    o->settings = s->set;
    o->nsettings = s->nset;
}
