/* log_time.c - timestamps as PostgreSQL logs them (%t, %m, csvlog, jsonlog) and as
 * --since takes them, to seconds since 1970. No locale, no time zone database: UTC,
 * GMT, Z and numeric offsets are applied; other zone names are read as UTC. */
#include "log.h"

#include <math.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long pl_days(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* n digits at s[*i] into *v. */
static int pl_digits(const char *s, size_t len, size_t *i, int n, long *v)
{
    int k;

    *v = 0;
    for (k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        *v = *v * 10 + (s[*i] - '0');
    }
    return 0;
}

/* "+02", "-0330", "+05:30": seconds east of UTC; 0 when absent or a zone name. */
static long pl_offset(const char *s, size_t len, size_t i)
{
    long h = 0, m = 0, sign;

    while (i < len && s[i] == ' ')
        i++;
    if (i >= len || (s[i] != '+' && s[i] != '-'))
        return 0;
    sign = s[i++] == '-' ? -1 : 1;
    if (pl_digits(s, len, &i, 2, &h) < 0)
        return 0;
    if (i < len && s[i] == ':')
        i++;
    if (pl_digits(s, len, &i, 2, &m) < 0)
        m = 0;
    return sign * (h * 3600 + m * 60);
}

static double pl_clock(const char *s, size_t len, size_t *i)
{
    long hh, mi = 0, ss = 0;
    double frac = 0, scale = 0.1;

    if (pl_digits(s, len, i, 2, &hh) < 0 || hh > 24)
        return NAN;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if (pl_digits(s, len, i, 2, &mi) < 0 || mi > 59)
            return NAN;
        if (*i < len && s[*i] == ':') {
            (*i)++;
            if (pl_digits(s, len, i, 2, &ss) < 0 || ss > 60)
                return NAN;
            if (*i < len && s[*i] == '.')
                for ((*i)++; *i < len && s[*i] >= '0' && s[*i] <= '9'; (*i)++, scale /= 10)
                    frac += (s[*i] - '0') * scale;
        }
    }
    return (double)(hh * 3600 + mi * 60 + ss) + frac;
}

double pl_log_time(const char *s, size_t len)
{
    long y, mo, d;
    size_t i = 0;
    double t = 0;

    while (i < len && s[i] == ' ')
        i++;
    if (pl_digits(s, len, &i, 4, &y) < 0 || i >= len || s[i++] != '-' ||
        pl_digits(s, len, &i, 2, &mo) < 0 || i >= len || s[i++] != '-' ||
        pl_digits(s, len, &i, 2, &d) < 0 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return NAN;
    if (i < len && (s[i] == ' ' || s[i] == 'T') && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        t = pl_clock(s, len, &i);
        if (isnan(t))
            return NAN;
        t -= (double)pl_offset(s, len, i);
    }
    return (double)pl_days(y, (unsigned)mo, (unsigned)d) * 86400.0 + t;
}

double planlint_log_time_parse(const char *s)
{
    return s ? pl_log_time(s, strlen(s)) : NAN;
}
