/* number.c - locale-independent parsing of numbers found inside plan strings. */
#include "model.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* Accepts [-+]digits[.digits][e[-+]digits] only; plans always use '.' as the
 * decimal point, whatever LC_NUMERIC says. */
static int pl_number_shape(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp = 0;
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exp++;
        if (!exp)
            return 0;
    }
    return i == len;
}

int pl_parse_double(const char *s, size_t len, double *out)
{
    char tmp[128];
    const char *dp;
    char *dot, *end;

    if (!pl_number_shape(s, len) || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    dp = localeconv()->decimal_point;
    dot = strchr(tmp, '.');
    if (dot && dp && dp[0] && dp[0] != '.' && dp[1] == '\0')
        *dot = dp[0];
    *out = strtod(tmp, &end);
    return *end == '\0' ? 0 : -1;
}
