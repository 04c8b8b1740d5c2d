/* catalog.c - the public view of the rule table in rules/table.c. */
#include "finding.h"

#include <strings.h>

size_t planlint_rule_count(void)
{
    return pl_nrules;
}

const planlint_rule *planlint_rule_at(size_t i)
{
    return i < pl_nrules ? pl_rules[i] : NULL;
}

const planlint_rule *planlint_rule_find(const char *id_or_name)
{
    size_t i;

    if (!id_or_name)
        return NULL;
    for (i = 0; i < pl_nrules; i++)
        if (strcasecmp(pl_rules[i]->id, id_or_name) == 0 || strcasecmp(pl_rules[i]->name, id_or_name) == 0)
            return pl_rules[i];
    return NULL;
}

const char *planlint_rule_id(const planlint_rule *r)
{
    return r ? r->id : NULL;
}

const char *planlint_rule_name(const planlint_rule *r)
{
    return r ? r->name : NULL;
}

const char *planlint_rule_category(const planlint_rule *r)
{
    return r ? r->category : NULL;
}

planlint_severity planlint_rule_severity(const planlint_rule *r)
{
    return r ? r->severity : (planlint_severity)0;
}

const char *planlint_rule_summary(const planlint_rule *r)
{
    return r ? r->summary : NULL;
}

const char *planlint_rule_explanation(const planlint_rule *r)
{
    return r ? r->explanation : NULL;
}

size_t planlint_rule_param_count(const planlint_rule *r)
{
    return r ? r->nparams : 0;
}

const char *planlint_rule_param_name(const planlint_rule *r, size_t i)
{
    return r && i < r->nparams ? r->params[i].name : NULL;
}

double planlint_rule_param_default(const planlint_rule *r, size_t i)
{
    return r && i < r->nparams ? r->params[i].default_value : NAN;
}

const char *planlint_rule_param_help(const planlint_rule *r, size_t i)
{
    return r && i < r->nparams ? r->params[i].help : NULL;
}

const char *planlint_severity_name(planlint_severity s)
{
    switch (s) {
    case PLANLINT_SEVERITY_INFO: return "info";
    case PLANLINT_SEVERITY_WARNING: return "warning";
    case PLANLINT_SEVERITY_ERROR: return "error";
    default: return NULL;
    }
}

planlint_severity planlint_severity_from_name(const char *name)
{
    if (!name)
        return (planlint_severity)0;
    if (strcasecmp(name, "info") == 0)
        return PLANLINT_SEVERITY_INFO;
    if (strcasecmp(name, "warning") == 0)
        return PLANLINT_SEVERITY_WARNING;
    if (strcasecmp(name, "error") == 0)
        return PLANLINT_SEVERITY_ERROR;
    return (planlint_severity)0;
}
