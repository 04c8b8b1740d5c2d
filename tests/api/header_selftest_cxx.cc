// header_selftest_cxx.cc - <planlint.h> compiles and links as C++ too.
#include <planlint.h>

int main()
{
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *p = 0;
    planlint_error e;
    int rc = planlint_plan_parse(&p, "[]", 2, &o, &e);
    planlint_plan_free(p);
    return rc == PLANLINT_ESCHEMA ? 0 : 1;
}
