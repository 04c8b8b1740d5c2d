/* header_selftest.c - <planlint.h> alone compiles in strict C99 and links. */
#include <planlint.h>

int main(void)
{
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_render_options r = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_error e;

    (void)o;
    (void)r;
    (void)e;
    return planlint_version()[0] == PLANLINT_VERSION[0] ? 0 : 1;
}
