/* test_sql_build.c - quoting and parsing back (lib/sql/build.c) with hostile names: every
 * statement built either reads back as exactly what was meant, or is not built at all. */
#include "build.h"
#include "sql.h"
#include "planlint.h"
#include "tap.h"

#include <stdarg.h>

static size_t nhostile;

static const char *build(pl_buf *b, const char *kind, const char *fmt, ...)
{
    va_list ap;
    int rc;

    pl_buf_release(b);
    pl_buf_init(b);
    va_start(ap, fmt);
    rc = pl_sql_build(b, kind, fmt, ap);
    va_end(ap);
    return rc == 0 ? b->data : NULL;
}

static const char *unquote(pl_buf *b, const char *s)
{
    pl_buf_release(b);
    pl_buf_init(b);
    if (pl_sql_unquote(b, s, strlen(s)) < 0)
        return NULL;
    pl_buf_putc(b, '\0');
    return b->data;
}

static void test_unquote(void)
{
    pl_buf b;

    pl_buf_init(&b);
    CHECK_STR(unquote(&b, "\"a\"\"b\""), "a\"b");
    CHECK_STR(unquote(&b, "\"Order Items\""), "Order Items");
    CHECK_STR(unquote(&b, "\"a\"\"\""), "a\"");
    CHECK_STR(unquote(&b, "Foo_1"), "foo_1");
    CHECK_STR(unquote(&b, "a$b"), "a$b");
    CHECK(unquote(&b, "\"abc") == NULL);
    CHECK(unquote(&b, "\"a\"b\"") == NULL);
    CHECK(unquote(&b, "\"\"") == NULL);
    CHECK(unquote(&b, "1a") == NULL);
    CHECK(unquote(&b, "a b") == NULL);
    CHECK(unquote(&b, "a;b") == NULL);
    pl_buf_release(&b);
}

static void test_needs_quotes(void)
{
    static const char *const bare[] = { "abc", "_x", "status_id", "a1", "action", "name", "int4" };
    static const char *const quoted[] = { "user", "select", "order", "char", "integer", "left", "Abc",
                                          "1abc", "a$b", "a b", "gr\xc3\xb6\xc3\x9f" "e", "" };
    size_t i;

    for (i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
        CHECK(pl_sql_needs_quotes(bare[i]) == 0);
    for (i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++)
        CHECK(pl_sql_needs_quotes(quoted[i]) == 1);
}

/* The name an independent parse finds as the index's table and first column. */
static int reads_back(const char *sql, const char *rel, const char *col)
{
    json_t *tree = NULL, *body;
    const char *kind;
    int ok;

    if (pl_sql_parse(&tree, sql, NULL) != 0)
        return 0;
    kind = pl_sql_stmt(tree, 0, &body, NULL);
    ok = pl_sql_stmt_count(tree) == 1 && kind && strcmp(kind, "IndexStmt") == 0 &&
         strcmp(json_string_value(json_object_get(json_object_get(body, "relation"), "relname")), rel) == 0 &&
         strcmp(json_string_value(json_object_get(json_object_get(json_array_get(
                    json_object_get(body, "indexParams"), 0), "IndexElem"), "name")), col) == 0;
    json_decref(tree);
    return ok;
}

/* A hostile name as table and column: built and read back when the parser keeps it whole
 * (at most 63 bytes), not built at all when it would be cut. */
static void hostile(const char *name)
{
    pl_sql_index_key k = { NULL, NULL, NULL, NULL };
    pl_buf b;
    int rc;

    nhostile++;
    k.column = name;
    pl_buf_init(&b);
    rc = pl_sql_create_index(&b, "public", name, &k, 1);
    if (strlen(name) <= 63) {
        CHECK(rc == 0);
        if (rc == 0 && !reads_back(b.data, name, name)) {
            tap_failures++;
            fprintf(stderr, "does not read back: %s\n", b.data);
        }
    } else {
        CHECK(rc == PLANLINT_EPARSE);
    }
    CHECK((build(&b, "VacuumStmt", "ANALYZE %Q;", "public", name) != NULL) == (strlen(name) <= 63));
    CHECK((build(&b, "AlterTableStmt", "ALTER TABLE %Q ALTER COLUMN %I SET STATISTICS 1000;", "s", name, name)
           != NULL) == (strlen(name) <= 63));
    CHECK(build(&b, "SelectStmt", "SELECT 1 FROM pg_constraint WHERE conname = %L;", name) != NULL);
    pl_buf_release(&b);
}

static void test_hostile(void)
{
    static const char *const names[] = {
        "\") ; DROP TABLE important; --", "a\"b", "\"", "\"\"", ";", "a; DROP TABLE t", "-- x", "/* x */",
        "/*", "*/", "a\nb", "\nCREATE INDEX", "a\rb", "a\tb", "'", "a'b", "$1", "$$", "a$b", "1abc", "9",
        "user", "select", "order", "char", "table", "Mixed Case", "UPPER", "gr\xc3\xb6\xc3\x9f" "e",
        "\xe6\x97\xa5\xe6\x9c\xac", "\\", "a\\\"b", " ", "a ", "(", ")", ",", ".", "a.b", "e'x'", "U&\"x\"",
    };
    char big[201], ctl[32], hostile63[64];
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        hostile(names[i]);
    for (i = 1; i < 32; i++) {   /* every control byte but NUL */
        snprintf(ctl, sizeof(ctl), "c%cx", (char)i);
        hostile(ctl);
    }
    memset(big, 'a', 200);
    big[200] = '\0';
    hostile(big);
    memcpy(big + 190, "\"; DROP --", 10);
    hostile(big);
    memset(hostile63, 'b', 63);
    memcpy(hostile63 + 40, "\"; DROP TABLE x; --\n", 20);
    hostile63[63] = '\0';
    hostile(hostile63);
}

static void test_index_keys(void)
{
    pl_sql_index_key k[4] = {
        { "status", NULL, NULL, NULL }, { "email", "lower", NULL, NULL },
        { "ordered_at", NULL, "date", NULL }, { "name", NULL, NULL, "text_pattern_ops" },
    };
    pl_buf b;

    pl_buf_init(&b);
    CHECK(pl_sql_create_index(&b, "public", "t", k, 4) == 0);
    CHECK_STR(b.data, "CREATE INDEX ON public.t (status, (lower(email)), ((ordered_at::date)), "
                      "name text_pattern_ops);");
    pl_buf_release(&b);
    pl_buf_init(&b);
    CHECK(pl_sql_create_index(&b, NULL, "Order Items", k, 1) == 0);
    CHECK_STR(b.data, "CREATE INDEX ON \"Order Items\" (status);");
    pl_buf_release(&b);
    k[2].cast = "date)); DROP TABLE t; --";   /* only type words pass */
    pl_buf_init(&b);
    CHECK(pl_sql_create_index(&b, "public", "t", k, 3) == PLANLINT_EPARSE);
    pl_buf_release(&b);
    k[2].cast = "date";
    k[1].func = "lower(x), email); DROP TABLE t; --";
    pl_buf_init(&b);
    CHECK(pl_sql_create_index(&b, "public", "t", k, 2) == PLANLINT_EPARSE);
    pl_buf_release(&b);
    k[1].func = "lower";
    k[0].column = "";
    pl_buf_init(&b);
    CHECK(pl_sql_create_index(&b, "public", "t", k, 1) == PLANLINT_EPARSE);
    pl_buf_release(&b);
}

static void test_kinds(void)
{
    pl_buf b;

    pl_buf_init(&b);
    CHECK_STR(build(&b, "VariableSetStmt", "SET work_mem = %L;", "64MB"), "SET work_mem = '64MB';");
    CHECK(build(&b, "VariableSetStmt", "SET work_mem = %L;", "1'; DROP TABLE t; --") != NULL);
    CHECK(build(&b, "VariableSetStmt", "SET work_mem = %s;", "1; DROP TABLE t") == NULL);
    CHECK(build(&b, "VacuumStmt", "SELECT 1;") == NULL);
    CHECK(build(&b, "VacuumStmt", "ANALYZE t; ANALYZE u;") == NULL);
    CHECK(pl_sql_verify("CREATE INDEX ON t (a); DROP TABLE t;", "IndexStmt") == PLANLINT_EPARSE);
    CHECK(pl_sql_verify("CREATE INDEX ON t (a);", "IndexStmt") == 0);
    pl_buf_release(&b);
}

int main(void)
{
    test_unquote();
    test_needs_quotes();
    test_index_keys();
    test_kinds();
    test_hostile();
    printf("test_sql_build: %zu hostile names\n", nhostile);
    return tap_done("test_sql_build");
}
