/* stats.h - time, rows and buffers summed per table, per index and per node type
 * (the "stats" of the tree and of the JSON output), and PostgreSQL's own node names. */
#ifndef PL_STATS_H
#define PL_STATS_H

#include "model.h"
#include "buf.h"

typedef enum pl_stat_kind { PL_STAT_TABLE = 0, PL_STAT_INDEX, PL_STAT_NODE_TYPE, PL_STAT_KINDS_ } pl_stat_kind;

typedef struct pl_stat_row {
    const char *key;     /* "schema.table", index name, or node name as EXPLAIN prints it */
    size_t nodes;
    double excl;         /* ms; NaN when no node had times */
    double rows;         /* actual rows x loops */
    double hit, read, temp;  /* exclusive buffers: shared hit, shared read, temp read + written */
} pl_stat_row;

typedef struct pl_stats {
    pl_stat_row *rows[PL_STAT_KINDS_];   /* each sorted by excl, then nodes, then key */
    size_t n[PL_STAT_KINDS_];
    pl_buf keys;
} pl_stats;

/* 0, or -1 when out of memory (s is then empty). Free with pl_stats_free(). */
int pl_stats_compute(pl_stats *s, const planlint_plan *p);
void pl_stats_free(pl_stats *s);

/* The node's name as EXPLAIN's text format prints it: "Partial HashAggregate",
 * "Parallel Hash Semi Join", "Nested Loop Left Join". */
void pl_node_pg_name(pl_buf *b, const planlint_node *n);

#endif
