/* genplan: write a synthetic PostgreSQL 15 EXPLAIN (ANALYZE, BUFFERS, VERBOSE,
 * FORMAT JSON) document whose plan tree has exactly N nodes, for benchmarks.
 *
 * Usage: genplan N [SEED]    (same N and SEED always give the same bytes)
 *
 * The shape follows real analytic plans: Limit/Sort/Aggregate on top, a long
 * left-deep chain of joins (so depth grows with sqrt(N), capped well below
 * 900), and most nodes in Appends over partitions, some under Gather.
 * Numbers are derived bottom-up so each parent's inclusive time and buffers
 * cover its children (time x loops), as in real output.  Two PostgreSQL
 * quirks are kept on purpose, because readers of real plans must handle them:
 * nodes under a Gather report per-loop averages over all participants, so
 * Gather's time is below its child's time x loops; and a CTE runs inside the
 * CTE Scan that reads it, so the root holding the "CTE" InitPlan does not
 * count that subtree a second time. */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NODES 5000000L
#define MAX_JOINS 700          /* spine length: keeps depth < 900 */
#define MAX_WORKERS 4
#define WORK_MEM_KB 4096.0

enum ntype {
	N_LIMIT, N_SORT, N_AGG, N_HASHJOIN, N_HASH, N_NESTLOOP, N_MERGEJOIN,
	N_SEQSCAN, N_INDEXSCAN, N_INDEXONLY, N_BITMAPHEAP, N_BITMAPINDEX,
	N_APPEND, N_GATHER, N_CTESCAN, N_MATERIALIZE, N_MEMOIZE
};

static const char *const type_name[] = {
	"Limit", "Sort", "Aggregate", "Hash Join", "Hash", "Nested Loop",
	"Merge Join", "Seq Scan", "Index Scan", "Index Only Scan",
	"Bitmap Heap Scan", "Bitmap Index Scan", "Append", "Gather", "CTE Scan",
	"Materialize", "Memoize"
};

enum rel { REL_NONE, REL_OUTER, REL_INNER, REL_MEMBER, REL_INITPLAN, REL_SUBPLAN };

static const char *const rel_name[] = {
	NULL, "Outer", "Inner", "Member", "InitPlan", "SubPlan"
};

enum { B_SHIT, B_SREAD, B_SDIRT, B_SWRITE, B_LHIT, B_LREAD, B_LDIRT, B_LWRITE,
       B_TREAD, B_TWRITE, B_N };

static const char *const buf_name[B_N] = {
	"Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks",
	"Shared Written Blocks", "Local Hit Blocks", "Local Read Blocks",
	"Local Dirtied Blocks", "Local Written Blocks", "Temp Read Blocks",
	"Temp Written Blocks"
};

enum agg_strategy { AGG_PLAIN, AGG_SORTED, AGG_HASHED };
enum agg_mode { MODE_SIMPLE, MODE_PARTIAL, MODE_FINALIZE };
enum join_type { J_INNER, J_LEFT, J_SEMI, J_ANTI };
enum sort_method { S_QUICK, S_TOPN, S_EXTERNAL };
enum special { SP_NONE, SP_CTE, SP_SUBPLAN_FILTER, SP_INITPLAN_FILTER };

typedef struct table {
	const char *name, *alias, *schema, *fk;
	const char *cols[5];
	const char *filter;        /* '$' stands for the alias */
	const char *index_col;
	int width;
	double rows, rows_per_page;
} table;

/* Column 0 is always "id"; fk is how other tables refer to this one. */
static const table tables[] = {
	{"orders", "o", "sales", "order_id",
	 {"id", "customer_id", "status", "total", "created_at"},
	 "(($.status)::text = ANY ('{shipped,delivered}'::text[]))",
	 "customer_id", 64, 5e6, 80},
	{"customers", "c", "sales", "customer_id",
	 {"id", "name", "region_id", "segment", "created_at"},
	 "(($.segment)::text = 'enterprise'::text)", "region_id", 96, 8e5, 60},
	{"line_items", "li", "sales", "line_item_id",
	 {"id", "order_id", "product_id", "quantity", "unit_price"},
	 "($.quantity > 10)", "order_id", 40, 3e7, 120},
	{"products", "p", "catalog", "product_id",
	 {"id", "sku", "category_id", "price", "\"Display Name\""},
	 "($.price > 100.00)", "category_id", 120, 2e5, 50},
	{"events", "e", "analytics", "event_id",
	 {"id", "account_id", "kind", "payload", "occurred_at"},
	 "(($.kind)::text = 'checkout'::text)", "account_id", 180, 1e8, 40},
	{"accounts", "a", "analytics", "account_id",
	 {"id", "plan", "region_id", "mrr", "created_at"},
	 "($.mrr > '500'::numeric)", "region_id", 72, 1e6, 90},
	{"payments", "pay", "billing", "payment_id",
	 {"id", "order_id", "amount", "method", "paid_at"},
	 "($.paid_at >= '2024-01-01 00:00:00+00'::timestamp with time zone)",
	 "order_id", 56, 6e6, 100},
	{"shipments", "s", "sales", "shipment_id",
	 {"id", "order_id", "carrier", "shipped_at", "delivered_at"},
	 "($.delivered_at IS NULL)", "order_id", 48, 4e6, 110},
	{"regions", "r", "public", "region_id",
	 {"id", "name", "country", "tz", "parent_id"},
	 "(($.country)::text <> 'US'::text)", "country", 40, 300, 150},
	{"measurements", "m", "telemetry", "measurement_id",
	 {"id", "sensor_id", "value", "recorded_at", "quality"},
	 "(($.quality)::text = 'good'::text)", "sensor_id", 32, 5e8, 150},
};
#define NTABLES ((int) (sizeof tables / sizeof tables[0]))

static const int partitioned[] = {0, 2, 4, 9};
#define NPARTITIONED ((int) (sizeof partitioned / sizeof partitioned[0]))

typedef struct node {
	int32_t first, last, next;          /* children, in print order */
	uint8_t type, rel, aware, variant;  /* variant: strategy/join/sort kind */
	uint8_t mode, wmask, leader, special; /* wmask/leader: who ran it under Gather */
	uint8_t workers_planned, workers_launched, inner_unique, ncols;
	int16_t table, table2;              /* own relation; other side of a join */
	int32_t inst, inst2;                /* alias instance numbers */
	int32_t part;                       /* partition number, 0 if none */
	int32_t subno;                      /* SubPlan/InitPlan number */
	int32_t width;
	uint32_t seed;
	double scost, tcost, prows;
	double tstart, ttotal;              /* per loop, ms */
	double rows, loops, removed;        /* rows and removed are per loop */
	double x1, x2, x3, x4;              /* node-specific counters */
	int64_t buf[B_N];                   /* totals over all loops */
} node;

typedef struct gen {
	node *n;
	long count, cap;
	uint64_t rng;
	int32_t subplan_seq;
	int32_t tinst[NTABLES];
	int32_t cte_id;
} gen;

/* ---- random numbers (splitmix64: tiny, deterministic everywhere) ---- */

static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double urand(gen *g)
{
	return (double) (next_u64(&g->rng) >> 11) * (1.0 / 9007199254740992.0);
}

static double uni(gen *g, double lo, double hi)
{
	return lo + (hi - lo) * urand(g);
}

static double logu(gen *g, double lo, double hi)
{
	return exp(uni(g, log(lo), log(hi)));
}

static long irand(gen *g, long lo, long hi)
{
	return lo + (long) (urand(g) * (double) (hi - lo + 1));
}

/* Planner misestimate factor: usually within 2-3x, sometimes wildly off. */
static double misest(gen *g)
{
	double u1 = urand(g) + 1e-12, u2 = urand(g);
	double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
	double f = exp(0.7 * z);

	if (urand(g) < 0.03)
		f *= urand(g) < 0.5 ? 100.0 : 0.01;
	return f;
}

static void die(const char *msg)
{
	fprintf(stderr, "genplan: %s\n", msg);
	exit(1);
}

/* ---- node construction ---- */

static int32_t new_node(gen *g, int type)
{
	node *n;

	if (g->count >= g->cap)
		die("internal error: node budget exceeded");
	n = &g->n[g->count];
	memset(n, 0, sizeof *n);
	n->first = n->last = n->next = -1;
	n->type = (uint8_t) type;
	n->loops = 1;
	n->table = n->table2 = -1;
	n->seed = (uint32_t) next_u64(&g->rng);
	n->ncols = (uint8_t) (2 + n->seed % 3);
	return (int32_t) g->count++;
}

static node *N(gen *g, int32_t id)
{
	return &g->n[id];
}

static void link_child(gen *g, int32_t parent, int32_t child, int rel)
{
	node *p = N(g, parent), *c = N(g, child);

	c->rel = (uint8_t) rel;
	if (p->last < 0)
		p->first = child;
	else
		N(g, p->last)->next = child;
	p->last = child;
}

static double incl_ms(const node *n)
{
	return n->ttotal * n->loops;
}

static void add_bufs(node *dst, const node *src)
{
	int i;

	for (i = 0; i < B_N; i++)
		dst->buf[i] += src->buf[i];
}

/* Sum children's inclusive time and buffers into the parent. */
static double sum_children(gen *g, int32_t id)
{
	node *p = N(g, id);
	double t = 0;
	int32_t c;

	/* Per-loop times print with 3 decimals; the 0.0005 ms per child loop
	 * keeps printed child time x loops within the parent's time. */
	for (c = p->first; c >= 0; c = N(g, c)->next) {
		t += incl_ms(N(g, c)) + 0.0005 * N(g, c)->loops;
		add_bufs(p, N(g, c));
	}
	return t;
}

static double sum_child_cost(gen *g, int32_t id)
{
	double c = 0;
	int32_t k;

	for (k = N(g, id)->first; k >= 0; k = N(g, k)->next)
		c += N(g, k)->tcost;
	return c;
}

static void set_reads(gen *g, node *n, double blocks, double hit_frac)
{
	double hit = floor(blocks * hit_frac);

	n->buf[B_SHIT] += (int64_t) hit;
	n->buf[B_SREAD] += (int64_t) (ceil(blocks) - hit);
	if (urand(g) < 0.05)
		n->buf[B_SDIRT] += (int64_t) (blocks * 0.01);
	if (urand(g) < 0.02)
		n->buf[B_SWRITE] += (int64_t) (blocks * 0.002);
}

static void estimate(gen *g, node *n, double own_cost)
{
	n->prows = floor(fmax(1.0, n->rows * misest(g)));
	n->tcost = own_cost + n->prows * 0.01;
}

static int32_t next_inst(gen *g, int table)
{
	return g->tinst[table]++;
}

/* Choose which participants of a Gather ran this node: all of them, or a
 * subset (Parallel Append members).  Sets loops, wmask and leader. */
static void set_participants(gen *g, node *n, int launched, int all)
{
	int k, i;

	n->leader = 1;
	n->wmask = (uint8_t) ((1u << launched) - 1u);
	if (!all) {
		n->leader = (uint8_t) (urand(g) < 0.6);
		n->wmask = 0;
		for (i = 0; i < launched; i++)
			if (urand(g) < 0.5)
				n->wmask |= (uint8_t) (1u << i);
		if (!n->leader && !n->wmask)
			n->leader = 1;
	}
	k = n->leader;
	for (i = 0; i < launched; i++)
		k += (n->wmask >> i) & 1;
	n->loops = k;
}

/* A non-partial node under Gather runs in exactly one process. */
static void set_single_participant(gen *g, node *n, int launched)
{
	long who = irand(g, 0, launched);

	n->loops = 1;
	n->leader = (uint8_t) (who == launched);
	n->wmask = who == launched ? 0 : (uint8_t) (1u << who);
}

/* ---- leaves ---- */

/* Seq Scan reading `scanned` rows per loop, keeping `sel` of them. */
static int32_t mk_seqscan(gen *g, int table, int part, double scanned, double sel,
                          int par_launched, int filtered)
{
	int32_t id = new_node(g, N_SEQSCAN);
	node *n = N(g, id);
	const struct table *t = &tables[table];
	double pages;

	n->table = (int16_t) table;
	n->inst = next_inst(g, table);
	n->part = part;
	n->width = t->width;
	if (par_launched > 0) {
		n->aware = 1;
		set_participants(g, n, par_launched, 0);
		scanned /= n->loops;
	}
	scanned = floor(fmax(1.0, scanned));
	n->rows = filtered ? floor(scanned * sel) : scanned;
	n->removed = scanned - n->rows;
	n->variant = (uint8_t) filtered;
	pages = ceil(scanned / t->rows_per_page);
	set_reads(g, n, pages * n->loops, uni(g, 0.1, 1.0));
	n->tstart = uni(g, 0.005, 0.06);
	n->ttotal = n->tstart + scanned * uni(g, 2e-5, 8e-5)
	            + (double) n->buf[B_SREAD] / n->loops * uni(g, 0.004, 0.02);
	estimate(g, n, pages + scanned * 0.0125);
	return id;
}

/* Index Scan / Index Only Scan returning `rows` per loop over `loops` loops;
 * `ref` is the table on the other side of the join, or -1. */
static int32_t mk_indexscan(gen *g, int table, int ref, int32_t ref_inst,
                            double rows, double loops, int only)
{
	int32_t id = new_node(g, only ? N_INDEXONLY : N_INDEXSCAN);
	node *n = N(g, id);
	double per_loop_blocks;

	n->table = (int16_t) table;
	n->inst = next_inst(g, table);
	n->table2 = (int16_t) ref;
	n->inst2 = ref_inst;
	n->width = only ? 8 : tables[table].width;
	n->loops = loops;
	n->rows = rows;
	n->variant = (uint8_t) (urand(g) < 0.5);     /* 1: pkey lookup */
	if (only) {
		n->ncols = 1;
		n->x1 = floor(rows * loops * uni(g, 0.0, 0.2));   /* heap fetches */
	}
	per_loop_blocks = 2.0 + ceil(rows / (only ? 200.0 : 15.0));
	set_reads(g, n, per_loop_blocks * loops,
	          loops > 100 ? uni(g, 0.95, 1.0) : uni(g, 0.3, 1.0));
	n->tstart = uni(g, 0.002, 0.02);
	n->ttotal = n->tstart + rows * uni(g, 5e-4, 2e-3)
	            + (double) n->buf[B_SREAD] / loops * 0.01;
	estimate(g, n, 0.42 + per_loop_blocks * 4.0);
	n->scost = 0.42;
	return id;
}

static int32_t mk_bitmap(gen *g, int table, int part, double matched, int par)
{
	int32_t heap = new_node(g, N_BITMAPHEAP), idx = new_node(g, N_BITMAPINDEX);
	node *h = N(g, heap), *b = N(g, idx);
	const struct table *t = &tables[table];
	double heap_blocks = ceil(fmin(matched, matched / t->rows_per_page * 8 + 1));

	b->table = h->table = (int16_t) table;
	h->inst = next_inst(g, table);
	b->inst = h->inst;
	b->part = h->part = part;
	b->rows = floor(matched);
	b->width = 0;
	set_reads(g, b, 1.0 + ceil(matched / 400.0), uni(g, 0.5, 1.0));
	b->ttotal = b->tstart = 0.01 + matched * 2e-5;
	estimate(g, b, 4.0 + matched * 0.005);
	if (par > 0) {
		h->aware = 1;
		set_participants(g, h, par, 0);
		set_single_participant(g, b, par);
	}
	link_child(g, heap, idx, REL_OUTER);
	h->width = t->width;
	h->x2 = urand(g) < 0.1 ? floor(heap_blocks * 0.3) : 0;     /* lossy */
	h->x1 = heap_blocks - h->x2;                               /* exact */
	h->x3 = h->x2 > 0 ? floor(matched * 0.2) : 0;              /* recheck removed */
	h->rows = floor((matched - h->x3) * uni(g, 0.3, 1.0) / h->loops);
	h->removed = floor((matched - h->x3) / h->loops) - h->rows;
	h->variant = 1;
	set_reads(g, h, heap_blocks, uni(g, 0.2, 1.0));
	h->ttotal = (sum_children(g, heap) + matched * 1e-4
	             + (double) h->buf[B_SREAD] * 0.01) / h->loops;
	h->tstart = b->ttotal / h->loops + 0.01;
	estimate(g, h, b->tcost + heap_blocks * 2.0);
	h->scost = b->tcost;
	return heap;
}

/* ---- unary nodes ---- */

static void finish_unary(gen *g, int32_t id, double own_ms, double start_ms,
                         double own_cost)
{
	node *n = N(g, id);
	double t = sum_children(g, id) + own_ms * n->loops;

	n->ttotal = t / n->loops;
	n->tstart = fmin(start_ms, n->ttotal);
	estimate(g, n, sum_child_cost(g, id) + own_cost);
}

static int32_t mk_sort(gen *g, int32_t child, double limit)
{
	int32_t id = new_node(g, N_SORT);
	node *n = N(g, id), *c = N(g, child);
	double kb = c->rows * (c->width + 24) / 1024.0;
	double sort_ms = c->rows * log2(c->rows + 2) * 3e-5;

	link_child(g, id, child, REL_OUTER);
	n->table = c->table;
	n->inst = c->inst;
	n->width = c->width;
	n->rows = limit > 0 ? fmin(limit, c->rows) : c->rows;
	if (limit > 0) {
		n->variant = S_TOPN;
		n->x1 = ceil(25 + n->rows * (c->width + 24) / 1024.0);
	} else if (kb > WORK_MEM_KB) {
		n->variant = S_EXTERNAL;
		n->x1 = ceil(kb * 0.6);
		n->buf[B_TWRITE] = (int64_t) ceil(n->x1 / 8.0);
		n->buf[B_TREAD] = n->buf[B_TWRITE];
		sort_ms += n->x1 * 0.002;
	} else {
		n->variant = S_QUICK;
		n->x1 = ceil(25 + kb);
	}
	finish_unary(g, id, sort_ms + n->rows * 1e-4,
	             incl_ms(c) + sort_ms, c->rows * log2(c->rows + 2) * 0.005);
	n->scost = n->tcost * 0.95;
	return id;
}

static int32_t mk_hash(gen *g, int32_t child)
{
	int32_t id = new_node(g, N_HASH);
	node *n = N(g, id), *c = N(g, child);
	double rows = c->rows * c->loops, kb = rows * (c->width + 16) / 1024.0;
	double buckets = 1024, batches = 1;

	link_child(g, id, child, REL_OUTER);
	n->table = c->table;
	n->inst = c->inst;
	n->width = c->width;
	n->rows = rows;
	while (buckets < rows && buckets < 4194304)
		buckets *= 2;
	while (kb / batches > WORK_MEM_KB)
		batches *= 2;
	n->x1 = buckets;
	n->x2 = batches;
	n->x3 = urand(g) < 0.1 && batches > 1 ? batches / 2 : batches;
	n->x4 = ceil(fmin(kb / batches + buckets * 8 / 1024.0, WORK_MEM_KB * 1.5));
	if (batches > 1)
		n->buf[B_TWRITE] = (int64_t) ceil(kb / 8.0 * (batches - 1) / batches);
	finish_unary(g, id, rows * 8e-5, 0, 0);
	n->tstart = n->ttotal;
	n->scost = n->tcost;
	return id;
}

static int32_t mk_agg(gen *g, int32_t child, int strategy, int mode, double groups,
                      double loops)
{
	int32_t id = new_node(g, N_AGG);
	node *n = N(g, id), *c = N(g, child);
	double in = c->rows * c->loops / loops, start;

	link_child(g, id, child, REL_OUTER);
	n->variant = (uint8_t) strategy;
	n->mode = (uint8_t) mode;
	n->table = c->table;
	n->inst = c->inst;
	n->loops = loops;
	n->width = 40;
	n->rows = strategy == AGG_PLAIN ? 1 : floor(fmax(1.0, fmin(groups, in)));
	if (strategy == AGG_HASHED) {
		n->x1 = 1;                                             /* batches */
		n->x2 = ceil(24 + n->rows * 0.12);                     /* peak kB */
	}
	start = strategy == AGG_SORTED ? c->tstart : incl_ms(c) / loops;
	finish_unary(g, id, in * 6e-5 + 0.01, start + 0.01, in * 0.02);
	n->scost = strategy == AGG_SORTED ? N(g, child)->scost : n->tcost * 0.98;
	return id;
}

static int32_t mk_limit(gen *g, int32_t child, double limit)
{
	int32_t id = new_node(g, N_LIMIT);
	node *n = N(g, id), *c = N(g, child);

	link_child(g, id, child, REL_OUTER);
	n->table = c->table;
	n->inst = c->inst;
	n->width = c->width;
	n->rows = fmin(limit, c->rows);
	finish_unary(g, id, 0.002, c->tstart + 0.002, 0);
	n->scost = c->scost;
	return id;
}

/* Gather over a subtree whose nodes ran in `launched` workers + leader. */
static int32_t mk_gather(gen *g, int32_t child, int planned, int launched)
{
	int32_t id = new_node(g, N_GATHER);
	node *n = N(g, id), *c = N(g, child);
	double launch_ms = uni(g, 0.5, 4.0);

	link_child(g, id, child, REL_OUTER);
	n->table = c->table;
	n->inst = c->inst;
	n->width = c->width;
	n->workers_planned = (uint8_t) planned;
	n->workers_launched = (uint8_t) launched;
	n->rows = c->rows * c->loops;
	add_bufs(n, c);
	n->ttotal = c->ttotal * uni(g, 1.01, 1.1) + launch_ms + n->rows * 2e-5;
	n->tstart = c->tstart + launch_ms;
	estimate(g, n, c->tcost + 1000.0 + n->rows * 0.1);
	n->scost = 1000.0;
	return id;
}

/* ---- joins ---- */

static void finish_join(gen *g, int32_t id, double own_ms, double start_ms)
{
	node *n = N(g, id);
	double t = sum_children(g, id) + own_ms;

	n->ttotal = t;
	n->tstart = fmin(start_ms, t);
	estimate(g, n, sum_child_cost(g, id));
}

static void join_common(gen *g, node *j, const node *outer, const node *inner)
{
	double r = urand(g);

	j->table = outer->table;
	j->inst = outer->inst;
	j->table2 = inner->table;
	j->inst2 = inner->inst;
	j->width = outer->width + 16 > 400 ? 400 : outer->width + 16;
	j->variant = r < 0.8 ? J_INNER : r < 0.9 ? J_LEFT : r < 0.96 ? J_SEMI : J_ANTI;
	j->inner_unique = (uint8_t) (urand(g) < 0.6);
}

static double join_rows(gen *g, const node *j, double outer_rows)
{
	double r = outer_rows * uni(g, 0.4, 1.3);

	if (outer_rows < 1)
		return 0;
	if (j->variant == J_SEMI || j->variant == J_ANTI)
		r = outer_rows * uni(g, 0.05, 0.6);
	return floor(fmin(fmax(r, 50.0), 400000.0));
}

static int32_t mk_hashjoin(gen *g, int32_t outer, int32_t hash)
{
	int32_t id = new_node(g, N_HASHJOIN);
	node *j = N(g, id), *o = N(g, outer), *h = N(g, hash);

	link_child(g, id, outer, REL_OUTER);
	link_child(g, id, hash, REL_INNER);
	join_common(g, j, o, N(g, h->first));
	j->rows = join_rows(g, j, o->rows);
	if (h->x2 > 1)
		j->buf[B_TWRITE] = j->buf[B_TREAD] =
			(int64_t) ceil(o->rows * o->width / 8192.0);
	finish_join(g, id, o->rows * 5e-5 + j->rows * 4e-5,
	            incl_ms(h) + o->tstart + 0.01);
	j->scost = h->tcost;
	return id;
}

static int32_t mk_nestloop(gen *g, int32_t outer, int32_t inner)
{
	int32_t id = new_node(g, N_NESTLOOP);
	node *j = N(g, id), *o = N(g, outer), *in = N(g, inner);

	link_child(g, id, outer, REL_OUTER);
	link_child(g, id, inner, REL_INNER);
	join_common(g, j, o, in);
	j->rows = floor(in->rows * in->loops);
	finish_join(g, id, j->rows * 2e-5, o->tstart + in->tstart);
	j->tcost += o->prows * in->tcost;
	return id;
}

static int32_t mk_mergejoin(gen *g, int32_t outer, int32_t inner)
{
	int32_t id = new_node(g, N_MERGEJOIN);
	node *j = N(g, id), *o = N(g, outer), *in = N(g, inner);

	link_child(g, id, outer, REL_OUTER);
	link_child(g, id, inner, REL_INNER);
	join_common(g, j, o, in);
	j->rows = join_rows(g, j, o->rows);
	finish_join(g, id, (o->rows + in->rows) * 3e-5, o->tstart + in->tstart + 0.01);
	j->scost = o->scost + in->scost;
	return id;
}

/* ---- subtrees ---- */

static int rand_table(gen *g)
{
	return (int) irand(g, 0, NTABLES - 1);
}

static int32_t leaf_scan(gen *g)
{
	int t = rand_table(g);
	double scanned = fmin(tables[t].rows, logu(g, 1e3, 2e6));
	double sel = fmax(logu(g, 0.001, 0.9), 1.5 / scanned);   /* keep a row */

	if (urand(g) < 0.25)
		return mk_indexscan(g, t, -1, 0, floor(logu(g, 5, 5e4)), 1, urand(g) < 0.3);
	return mk_seqscan(g, t, 0, scanned, sel, 0, urand(g) < 0.85);
}

/* A subtree the executor never reached: PostgreSQL prints zero actuals. */
static void mark_never(gen *g, int32_t id)
{
	node *n = N(g, id);
	int32_t c;

	n->loops = n->rows = n->removed = n->tstart = n->ttotal = 0;
	n->x1 = n->x2 = n->x3 = n->x4 = 0;
	n->wmask = 0;
	memset(n->buf, 0, sizeof n->buf);
	for (c = n->first; c >= 0; c = N(g, c)->next)
		mark_never(g, c);
}

static int32_t nl_inner_run(gen *g, int size, int ref, int32_t ref_inst, double loops);

/* Inner side of a Nested Loop run `loops` times, using 1 or 2 nodes; when
 * the outer side returned nothing it was never executed. */
static int32_t nl_inner(gen *g, int size, int ref, int32_t ref_inst, double loops)
{
	int32_t id = nl_inner_run(g, size, ref, ref_inst, loops < 1 ? 1 : loops);

	if (loops < 1)
		mark_never(g, id);
	return id;
}

static int32_t nl_inner_run(gen *g, int size, int ref, int32_t ref_inst, double loops)
{
	int t = rand_table(g);
	double per = urand(g) < 0.7 ? uni(g, 0.5, 1.0) : logu(g, 1, 40);
	int32_t id, child;

	per = fmin(per, fmax(0.05, 400000.0 / loops));   /* bound the fan-out */
	node *n;

	if (size == 1)
		return mk_indexscan(g, t, ref, ref_inst, per, loops, urand(g) < 0.2);
	if (urand(g) < 0.5) {            /* Memoize over an Index Scan */
		double misses = floor(fmax(1.0, fmin(loops, loops * uni(g, 0.02, 0.6))));

		id = new_node(g, N_MEMOIZE);
		child = mk_indexscan(g, t, ref, ref_inst, per, misses, 0);
		n = N(g, id);
		link_child(g, id, child, REL_OUTER);
		n->loops = loops;
		n->x1 = loops - misses;                     /* hits */
		n->x2 = misses;
		n->x4 = ceil(8 + misses * 0.1);             /* peak kB */
		n->rows = N(g, child)->rows;
	} else {                         /* Materialize over a small Seq Scan */
		id = new_node(g, N_MATERIALIZE);
		child = mk_seqscan(g, 8, 0, tables[8].rows,
		                   fmin(uni(g, 0.01, 0.2), fmax(1.0, 400000.0 / loops) / tables[8].rows),
		                   0, 1);
		n = N(g, id);
		link_child(g, id, child, REL_OUTER);
		n->loops = loops;
		n->rows = N(g, child)->rows;
	}
	n->table = N(g, child)->table;
	n->inst = N(g, child)->inst;
	n->width = N(g, child)->width;
	n->table2 = (int16_t) ref;
	n->inst2 = ref_inst;
	finish_unary(g, id, n->rows * 1e-5 + 0.0005, 0.001, 0.05);
	return id;
}

static int32_t gen_any(gen *g, long budget);

/* An Append (optionally Parallel) whose members use exactly `budget` nodes. */
static int32_t gen_append(gen *g, long budget, int par)
{
	int32_t id = new_node(g, N_APPEND);
	int t = partitioned[irand(g, 0, NPARTITIONED - 1)];
	double base = logu(g, 2e3, 2e5), sel = logu(g, 0.001, 0.3), t_all;
	long rem = budget;
	int32_t part = 1, c;
	node *n;

	while (rem > 0) {
		double r = urand(g), scanned = base * uni(g, 0.5, 1.5);

		if (rem >= 2 && r < 0.07) {
			c = mk_bitmap(g, t, part, scanned * sel * uni(g, 0.5, 2.0), par);
			rem -= 2;
		} else if (r < 0.11) {
			c = mk_indexscan(g, t, -1, 0, floor(scanned * sel), 1, 0);
			N(g, c)->part = part;
			if (par > 0)
				set_single_participant(g, N(g, c), par);
			rem -= 1;
		} else {
			c = mk_seqscan(g, t, part, scanned, sel, par, 1);
			rem -= 1;
		}
		if (par == 0 && urand(g) < 0.01)
			mark_never(g, c);    /* pruned at run time */
		link_child(g, id, c, REL_MEMBER);
		part++;
	}
	n = N(g, id);
	n->table = (int16_t) t;
	n->inst = next_inst(g, t);
	n->width = tables[t].width;
	n->aware = (uint8_t) (par > 0);
	if (par > 0)
		set_participants(g, n, par, 1);
	for (c = n->first; c >= 0; c = N(g, c)->next)
		n->rows += N(g, c)->rows * N(g, c)->loops;
	n->rows = floor(n->rows / n->loops);
	t_all = sum_children(g, id) * 1.01 + 0.01 * (double) budget;
	n->ttotal = t_all / n->loops;
	n->tstart = fmin(N(g, n->first)->tstart + 0.01, n->ttotal);
	estimate(g, n, sum_child_cost(g, id));
	return id;
}

/* Many-member subtree of exactly `budget` (>= 2) nodes: a plain Append (only
 * where allowed: PostgreSQL flattens Append into Append), an Aggregate over
 * an Append, Gather over a Parallel Append, or a two-phase parallel
 * aggregate. */
static int32_t gen_wide(gen *g, long budget, int allow_plain)
{
	double r = urand(g);
	int planned = (int) irand(g, 2, MAX_WORKERS);
	int launched = urand(g) < 0.85 ? planned : (int) irand(g, 1, planned);
	int32_t app, agg, gather;
	double groups;

	if ((allow_plain && r < 0.3) || budget < 6)
		return gen_append(g, budget - 1, 0);
	if (r < 0.45) {              /* one UNION ALL branch with its GROUP BY */
		app = gen_append(g, budget - 2, 0);
		return mk_agg(g, app, AGG_HASHED, MODE_SIMPLE, logu(g, 5, 5000), 1);
	}
	if (r < 0.8) {
		app = gen_append(g, budget - 2, launched);
		return mk_gather(g, app, planned, launched);
	}
	app = gen_append(g, budget - 4, launched);
	groups = floor(logu(g, 5, 5000));
	agg = mk_agg(g, app, AGG_HASHED, MODE_PARTIAL, groups, N(g, app)->loops);
	set_participants(g, N(g, agg), launched, 1);
	gather = mk_gather(g, agg, planned, launched);
	return mk_agg(g, gather, AGG_HASHED, MODE_FINALIZE, groups, 1);
}

/* Small join trees for budgets 3..11. */
static int32_t gen_small_join(gen *g, long budget)
{
	double r = urand(g);
	int32_t outer;
	long a;

	if (budget >= 4 && r < 0.6) {
		a = irand(g, 1, budget - 3);
		outer = gen_any(g, a);
		return mk_hashjoin(g, outer, mk_hash(g, gen_any(g, budget - 2 - a)));
	}
	if (budget >= 5 && r < 0.7) {
		a = irand(g, 1, budget - 4);
		outer = mk_sort(g, gen_any(g, a), 0);
		return mk_mergejoin(g, outer, mk_sort(g, gen_any(g, budget - 3 - a), 0));
	}
	outer = gen_any(g, budget - 2);
	return mk_nestloop(g, outer, nl_inner(g, 1, N(g, outer)->table,
	                                      N(g, outer)->inst, N(g, outer)->rows));
}

/* Any subtree of exactly `budget` nodes, run once, outside parallel mode. */
static int32_t gen_any(gen *g, long budget)
{
	if (budget <= 1)
		return leaf_scan(g);
	if (budget == 2) {
		double r = urand(g);

		if (r < 0.4)
			return mk_bitmap(g, rand_table(g), 0, logu(g, 10, 2e5), 0);
		if (r < 0.7)
			return mk_sort(g, leaf_scan(g), 0);
		return mk_agg(g, leaf_scan(g), AGG_HASHED, MODE_SIMPLE, logu(g, 2, 1e4), 1);
	}
	if (budget < 12)
		return gen_small_join(g, budget);
	return gen_wide(g, budget, 1);
}

/* A Seq Scan whose Filter runs a correlated SubPlan for every row. */
static int32_t mk_subplan_scan(gen *g)
{
	int32_t sub_ios, sub_agg, scan;
	double scanned = floor(logu(g, 500, 20000));
	int32_t no = ++g->subplan_seq;

	sub_ios = mk_indexscan(g, 2, 0, 0, floor(logu(g, 1, 30)), scanned, 1);
	sub_agg = mk_agg(g, sub_ios, AGG_PLAIN, MODE_SIMPLE, 1, scanned);
	N(g, sub_agg)->subno = no;
	scan = mk_seqscan(g, 0, 0, scanned, uni(g, 0.05, 0.5), 0, 1);
	N(g, scan)->special = SP_SUBPLAN_FILTER;
	N(g, scan)->subno = no;
	link_child(g, scan, sub_agg, REL_SUBPLAN);
	N(g, scan)->ttotal += incl_ms(N(g, sub_agg)) + 0.0005 * N(g, sub_agg)->loops;
	add_bufs(N(g, scan), N(g, sub_agg));
	N(g, scan)->tcost += N(g, sub_agg)->tcost * scanned;
	return scan;
}

static int32_t mk_ctescan(gen *g)
{
	int32_t id = new_node(g, N_CTESCAN);
	node *n = N(g, id), *cte = N(g, g->cte_id);

	n->table = cte->table;
	n->inst = next_inst(g, n->table);
	n->special = SP_CTE;
	n->width = cte->width;
	n->rows = cte->rows;
	/* The CTE's plan runs as this scan pulls rows, so its time and buffers
	 * are inside this node's (and not again in the node holding the CTE). */
	n->ttotal = incl_ms(cte) + n->rows * 2e-4 + 0.01;
	n->tstart = cte->tstart + 0.005;
	add_bufs(n, cte);
	estimate(g, n, cte->tcost + n->rows * 0.02);
	return id;
}

/* The deep part of the plan: a left-deep chain of joins with small inner
 * sides, hung under a Hash so that depth grows without the wide parts (and
 * their many lines) sitting at the bottom of it. */
typedef struct spine {
	long joins;        /* total joins in the chain */
	long merges_left;  /* Merge Joins add a Sort level: bound them */
	int extras;        /* place the CTE Scan and SubPlan joins on top */
} spine;

#define SLOT_MAX 3     /* most nodes a plain join slot adds besides the join */
#define SPINE_TAIL 11  /* most nodes at the bottom of the chain */

/* Most nodes a chain of k joins can absorb. */
static long spine_max(long k)
{
	return (1 + SLOT_MAX) * k + SPINE_TAIL;
}

/* Inner side of exactly `size` (1..3) nodes; sets *kind to the join. */
static int32_t small_inner(gen *g, long size, int32_t *kind, const node *outer)
{
	*kind = N_HASHJOIN;
	if (size == 3)
		return mk_hash(g, mk_bitmap(g, rand_table(g), 0, logu(g, 10, 5e4), 0));
	if (size == 2 && urand(g) < 0.6)
		return mk_hash(g, leaf_scan(g));
	*kind = N_NESTLOOP;
	return nl_inner(g, (int) size, outer->table, outer->inst, outer->rows);
}

/* Chain of `j` joins using exactly `budget` nodes, where
 * 2*j + 1 <= budget <= spine_max(j). */
static int32_t gen_spine(gen *g, spine *s, long budget, long j)
{
	long lo, hi, size;
	int32_t outer, inner, kind;

	if (j == 0)
		return gen_any(g, budget);
	/* Inner size range that keeps the rest of the chain feasible. */
	lo = budget - 1 - spine_max(j - 1);
	hi = budget - 1 - (2 * (j - 1) + 1);
	if (lo < 1)
		lo = 1;
	if (s->extras && j == s->joins && lo <= 2 && hi >= 2)
		return mk_hashjoin(g, gen_spine(g, s, budget - 3, j - 1),
		                   mk_hash(g, mk_ctescan(g)));
	if (s->extras && j == s->joins - 1 && lo <= 4 && hi >= 4)
		return mk_hashjoin(g, gen_spine(g, s, budget - 5, j - 1),
		                   mk_hash(g, mk_subplan_scan(g)));
	if (s->merges_left > 0 && lo <= 3 && hi >= 3 && urand(g) < 0.08) {
		s->merges_left--;
		outer = mk_sort(g, gen_spine(g, s, budget - 4, j - 1), 0);
		inner = mk_sort(g, leaf_scan(g), 0);
		return mk_mergejoin(g, outer, inner);
	}
	if (hi > 3)
		hi = 3;
	size = irand(g, lo, hi);
	/* The outer side goes first: its row count is the inner's loop count. */
	outer = gen_spine(g, s, budget - 1 - size, j - 1);
	inner = small_inner(g, size, &kind, N(g, outer));
	if (kind == N_HASHJOIN)
		return mk_hashjoin(g, outer, inner);
	return mk_nestloop(g, outer, inner);
}

/* Hash over a chain of about sqrt(n) joins; returns the Hash. */
static int32_t gen_deep(gen *g, long joins, int extras, long *used)
{
	spine s;
	long budget = 3 * joins + 6;

	s.joins = joins;
	s.merges_left = joins / 10;
	s.extras = extras && joins >= 3;
	*used = budget + 1;
	return mk_hash(g, gen_spine(g, &s, budget, joins));
}

/* UNION ALL of k wide groups using exactly `budget` nodes. */
static int32_t gen_union(gen *g, long budget, long k)
{
	int32_t id, c;
	node *n;
	long i, share, rem = budget - 1;

	if (k <= 1)
		return gen_any(g, budget);
	id = new_node(g, N_APPEND);
	for (i = 0; i < k; i++) {
		share = i == k - 1 ? rem : (long) ((double) rem / (double) (k - i) * uni(g, 0.6, 1.4));
		if (share < 6)
			share = 6;
		if (rem - share < 6 * (k - i - 1))
			share = rem - 6 * (k - i - 1);
		link_child(g, id, gen_wide(g, share, 0), REL_MEMBER);
		rem -= share;
	}
	n = N(g, id);
	for (c = n->first; c >= 0; c = N(g, c)->next)
		n->rows += N(g, c)->rows * N(g, c)->loops;
	n->table = N(g, n->first)->table;
	n->inst = N(g, n->first)->inst;
	n->width = N(g, n->first)->width;
	n->ttotal = sum_children(g, id) * 1.005;
	n->tstart = fmin(N(g, n->first)->tstart, n->ttotal);
	estimate(g, n, sum_child_cost(g, id));
	return id;
}

/* ---- the top of the plan ---- */

/* Add an InitPlan in front; `counted` says whether its run adds to the
 * parent's time (a CTE does not: CTE Scans run it, inside their own time). */
static void prepend_child(gen *g, int32_t parent, int32_t child, int rel, int counted)
{
	node *p = N(g, parent), *c = N(g, child);

	c->rel = (uint8_t) rel;
	c->next = p->first;
	p->first = child;
	if (p->last < 0)
		p->last = child;
	if (!counted)
		return;
	p->ttotal += (incl_ms(c) + 0.0005 * c->loops) / p->loops;
	p->tcost += c->tcost;
	add_bufs(p, c);
}

/* WITH recent_orders AS MATERIALIZED (...): two nodes. */
static int32_t mk_cte(gen *g)
{
	int32_t scan = mk_seqscan(g, 0, 0, tables[0].rows, uni(g, 0.001, 0.02), 0, 1);

	return mk_agg(g, scan, AGG_HASHED, MODE_SIMPLE, logu(g, 100, 5e4), 1);
}

/* HAVING sum(...) > (SELECT avg(...) ...): two nodes. */
static int32_t mk_initplan(gen *g)
{
	int32_t ios = mk_indexscan(g, 6, -1, 0, floor(logu(g, 100, 1e5)), 1, 1);
	int32_t agg = mk_agg(g, ios, AGG_PLAIN, MODE_SIMPLE, 1, 1);

	N(g, agg)->subno = 1;
	return agg;
}

static long deep_joins(long n)
{
	long j = (long) (sqrt((double) n) * 2.0 / 3.0);

	return j < 1 ? 1 : j > MAX_JOINS ? MAX_JOINS : j;
}

static long wide_groups(long n)
{
	long k = (n + 2000) / 4000;

	return k < 1 ? 1 : k > 64 ? 64 : k;
}

/* Hash Join of the wide part (outer) with the deep part (inner). */
static int32_t gen_body(gen *g, long budget, long joins, int extras, long groups)
{
	long used;
	int32_t deep = gen_deep(g, joins, extras, &used);
	int32_t wide = gen_union(g, budget - 1 - used, groups);

	return mk_hashjoin(g, wide, deep);
}

static int32_t build(gen *g, long n)
{
	int32_t cte, top, init, sort, limit;
	node *a;

	if (n < 20)
		return gen_any(g, n);
	if (n < 200) {
		top = gen_body(g, n - 2, deep_joins(n) / 2, 0, 1);
		return mk_limit(g, mk_sort(g, top, 100), 100);
	}
	g->subplan_seq = 1;                  /* InitPlan 1 is the HAVING subquery */
	cte = g->cte_id = mk_cte(g);
	top = gen_body(g, n - 7, deep_joins(n), 1, wide_groups(n));
	top = mk_agg(g, top, AGG_HASHED, MODE_SIMPLE, logu(g, 200, 5000), 1);
	init = mk_initplan(g);
	a = N(g, top);
	a->special = SP_INITPLAN_FILTER;
	a->subno = 1;
	a->removed = floor(a->rows * uni(g, 0.2, 0.8));
	a->rows -= a->removed;
	prepend_child(g, top, init, REL_INITPLAN, 1);
	sort = mk_sort(g, top, 100);
	limit = mk_limit(g, sort, 100);
	N(g, cte)->special = SP_CTE;
	prepend_child(g, limit, cte, REL_INITPLAN, 0);
	return limit;
}

static int max_depth(gen *g, int32_t id, int depth)
{
	int d = depth, cd;
	int32_t c;

	if (depth > 2000)
		die("internal error: runaway depth");
	for (c = N(g, id)->first; c >= 0; c = N(g, c)->next) {
		cd = max_depth(g, c, depth + 1);
		if (cd > d)
			d = cd;
	}
	return d;
}

/* ---- printing, laid out the way explain.c lays out JSON ---- */

typedef struct out {
	FILE *f;
	int indent;
	int first;      /* nothing printed yet in the innermost group */
} out;

static char spaces[8192];

static void sep(out *o)
{
	size_t w = (size_t) o->indent * 2;

	if (w > sizeof spaces)
		die("internal error: indentation too deep");
	if (!o->first)
		putc(',', o->f);
	putc('\n', o->f);
	fwrite(spaces, 1, w, o->f);
	o->first = 0;
}

static void put_json(out *o, const char *s)
{
	putc('"', o->f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', o->f);
		putc(*s, o->f);
	}
	putc('"', o->f);
}

static void key(out *o, const char *k)
{
	sep(o);
	put_json(o, k);
	fputs(": ", o->f);
}

static void p_str(out *o, const char *k, const char *v)
{
	key(o, k);
	put_json(o, v);
}

static void p_num(out *o, const char *k, double v, int digits)
{
	key(o, k);
	fprintf(o->f, "%.*f", digits, v);
}

static void p_bool(out *o, const char *k, int v)
{
	key(o, k);
	fputs(v ? "true" : "false", o->f);
}

static void p_list(out *o, const char *k, char items[][96], int n)
{
	int i;

	key(o, k);
	putc('[', o->f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", o->f);
		put_json(o, items[i]);
	}
	putc(']', o->f);
}

static void open_group(out *o, const char *k, char ch)
{
	if (k)
		key(o, k);
	else
		sep(o);
	putc(ch, o->f);
	o->indent++;
	o->first = 1;
}

static void close_group(out *o, char ch)
{
	o->indent--;
	putc('\n', o->f);
	fwrite(spaces, 1, (size_t) o->indent * 2, o->f);
	putc(ch, o->f);
	o->first = 0;
}

/* ---- names and expressions ---- */

static void alias_of(char *buf, size_t cap, int t, int32_t inst)
{
	if (t < 0)
		snprintf(buf, cap, "unnamed_subquery");
	else if (inst == 0)
		snprintf(buf, cap, "%s", tables[t].alias);
	else
		snprintf(buf, cap, "%s_%ld", tables[t].alias, (long) inst);
}

static void relname_of(char *buf, size_t cap, const node *n)
{
	if (n->part > 0)
		snprintf(buf, cap, "%s_p%04ld", tables[n->table].name, (long) n->part);
	else
		snprintf(buf, cap, "%s", tables[n->table].name);
}

/* Copy tmpl to buf, replacing each '$' by alias. */
static void expand(char *buf, size_t cap, const char *tmpl, const char *alias)
{
	size_t i = 0, al = strlen(alias);

	for (; *tmpl && i + 1 < cap; tmpl++) {
		if (*tmpl == '$' && i + al + 1 < cap) {
			memcpy(buf + i, alias, al);
			i += al;
		} else if (*tmpl != '$') {
			buf[i++] = *tmpl;
		}
	}
	buf[i] = '\0';
}

static int is_pkey(const node *n)
{
	return n->variant == 1 && n->type != N_BITMAPINDEX;
}

static void index_name(char *buf, size_t cap, const node *n)
{
	char rel[64];

	relname_of(rel, sizeof rel, n);
	if (is_pkey(n))
		snprintf(buf, cap, "%s_pkey", rel);
	else
		snprintf(buf, cap, "%s_%s_idx", rel, tables[n->table].index_col);
}

static void index_cond(char *buf, size_t cap, const node *n)
{
	const struct table *t = &tables[n->table];
	char a[48], r[48];

	alias_of(a, sizeof a, n->table, n->inst);
	if (n->table2 >= 0) {
		alias_of(r, sizeof r, n->table2, n->inst2);
		if (is_pkey(n))
			snprintf(buf, cap, "(%s.id = %s.%s)", a, r, t->fk);
		else
			snprintf(buf, cap, "(%s.%s = %s.id)", a, t->index_col, r);
	} else if (is_pkey(n)) {
		snprintf(buf, cap, "((%s.id >= '1000000'::bigint) AND (%s.id < '1250000'::bigint))",
		         a, a);
	} else {
		snprintf(buf, cap, "(%s.%s = ANY ('{17,42,1024,99173}'::bigint[]))",
		         a, t->index_col);
	}
}

/* Output list; returns the number of items. */
static int output_of(const node *n, char items[][96])
{
	char a[48], b[48];
	const struct table *t;
	int k = 0, i;

	if (n->table < 0)
		return 0;
	t = &tables[n->table];
	alias_of(a, sizeof a, n->table, n->inst);
	if (n->type == N_AGG) {
		const char *pfx = n->mode == MODE_PARTIAL ? "PARTIAL " : "";

		if (n->variant != AGG_PLAIN)
			snprintf(items[k++], 96, "%s.%s", a, t->cols[1]);
		snprintf(items[k++], 96, "%scount(*)", pfx);
		snprintf(items[k++], 96, "%ssum(%s.%s)", pfx, a, t->cols[3]);
		return k;
	}
	if (n->type == N_INDEXONLY) {
		snprintf(items[k++], 96, "%s.%s", a, is_pkey(n) ? "id" : t->index_col);
		return k;
	}
	for (i = 0; i < n->ncols && i < 5; i++)
		snprintf(items[k++], 96, "%s.%s", a, t->cols[i]);
	if (n->table2 >= 0 && (n->type == N_HASHJOIN || n->type == N_NESTLOOP
	                       || n->type == N_MERGEJOIN)) {
		alias_of(b, sizeof b, n->table2, n->inst2);
		snprintf(items[k++], 96, "%s.%s", b, tables[n->table2].cols[1]);
		snprintf(items[k++], 96, "%s.%s", b, tables[n->table2].cols[3]);
	}
	return k;
}

/* ---- node printing ---- */

static void print_header(out *o, const node *n)
{
	static const char *const strategy[] = {"Plain", "Sorted", "Hashed"};
	static const char *const mode[] = {"Simple", "Partial", "Finalize"};
	char buf[96];

	p_str(o, "Node Type", type_name[n->type]);
	if (n->type == N_AGG) {
		p_str(o, "Strategy", strategy[n->variant]);
		p_str(o, "Partial Mode", mode[n->mode]);
	}
	if (n->rel != REL_NONE)
		p_str(o, "Parent Relationship", rel_name[n->rel]);
	if (n->rel == REL_INITPLAN && n->special == SP_CTE)
		p_str(o, "Subplan Name", "CTE recent_orders");
	else if (n->rel == REL_INITPLAN) {
		snprintf(buf, sizeof buf, "InitPlan %ld (returns $%ld)",
		         (long) n->subno, (long) n->subno - 1);
		p_str(o, "Subplan Name", buf);
	} else if (n->rel == REL_SUBPLAN) {
		snprintf(buf, sizeof buf, "SubPlan %ld", (long) n->subno);
		p_str(o, "Subplan Name", buf);
	}
	p_bool(o, "Parallel Aware", n->aware);
	p_bool(o, "Async Capable", 0);
}

static void print_target(out *o, const node *n)
{
	static const char *const join[] = {"Inner", "Left", "Semi", "Anti"};
	char buf[96];

	switch (n->type) {
	case N_INDEXSCAN:
	case N_INDEXONLY:
		p_str(o, "Scan Direction", "Forward");
		index_name(buf, sizeof buf, n);
		p_str(o, "Index Name", buf);
		/* fall through */
	case N_SEQSCAN:
	case N_BITMAPHEAP:
		relname_of(buf, sizeof buf, n);
		p_str(o, "Relation Name", buf);
		p_str(o, "Schema", tables[n->table].schema);
		alias_of(buf, sizeof buf, n->table, n->inst);
		p_str(o, "Alias", buf);
		break;
	case N_BITMAPINDEX:
		index_name(buf, sizeof buf, n);
		p_str(o, "Index Name", buf);
		break;
	case N_CTESCAN:
		p_str(o, "CTE Name", "recent_orders");
		alias_of(buf, sizeof buf, n->table, n->inst);
		p_str(o, "Alias", buf);
		break;
	case N_HASHJOIN:
	case N_NESTLOOP:
	case N_MERGEJOIN:
		p_str(o, "Join Type", join[n->variant]);
		break;
	default:
		break;
	}
}

static void print_actuals(out *o, const node *n)
{
	char items[8][96];
	int k;

	p_num(o, "Startup Cost", n->scost < n->tcost ? n->scost : n->tcost, 2);
	p_num(o, "Total Cost", n->tcost, 2);
	p_num(o, "Plan Rows", n->prows, 0);
	p_num(o, "Plan Width", n->width, 0);
	p_num(o, "Actual Startup Time", n->tstart, 3);
	p_num(o, "Actual Total Time", n->ttotal, 3);
	p_num(o, "Actual Rows", n->rows, 0);
	p_num(o, "Actual Loops", n->loops, 0);
	k = output_of(n, items);
	if (n->type != N_BITMAPINDEX)
		p_list(o, "Output", items, k);
}

static void print_filter(out *o, const node *n)
{
	char a[48], buf[160];

	alias_of(a, sizeof a, n->table, n->inst);
	if (n->special == SP_SUBPLAN_FILTER)
		snprintf(buf, sizeof buf, "(%s.total > (SubPlan %ld))", a, (long) n->subno);
	else
		expand(buf, sizeof buf, tables[n->table].filter, a);
	p_str(o, "Filter", buf);
	p_num(o, "Rows Removed by Filter", n->removed, 0);
}

static void print_scan_quals(out *o, const node *n)
{
	char buf[160];

	switch (n->type) {
	case N_SEQSCAN:
		if (n->variant || n->special == SP_SUBPLAN_FILTER)
			print_filter(o, n);
		break;
	case N_INDEXSCAN:
	case N_INDEXONLY:
		index_cond(buf, sizeof buf, n);
		p_str(o, "Index Cond", buf);
		p_num(o, "Rows Removed by Index Recheck", 0, 0);
		if (n->type == N_INDEXONLY)
			p_num(o, "Heap Fetches", n->x1, 0);
		break;
	case N_BITMAPINDEX:
		index_cond(buf, sizeof buf, n);
		p_str(o, "Index Cond", buf);
		break;
	case N_BITMAPHEAP:
		index_cond(buf, sizeof buf, n);
		p_str(o, "Recheck Cond", buf);
		p_num(o, "Rows Removed by Index Recheck", n->x3, 0);
		print_filter(o, n);
		p_num(o, "Exact Heap Blocks", n->x1, 0);
		p_num(o, "Lossy Heap Blocks", n->x2, 0);
		break;
	default:
		break;
	}
}

static void print_join_quals(out *o, const node *n)
{
	char a[48], b[48], buf[160];

	if (n->type != N_HASHJOIN && n->type != N_MERGEJOIN && n->type != N_NESTLOOP)
		return;
	p_bool(o, "Inner Unique", n->inner_unique);
	if (n->type == N_NESTLOOP)
		return;
	alias_of(a, sizeof a, n->table, n->inst);
	alias_of(b, sizeof b, n->table2, n->inst2);
	snprintf(buf, sizeof buf, "(%s.%s = %s.id)", a, tables[n->table2].fk, b);
	p_str(o, n->type == N_HASHJOIN ? "Hash Cond" : "Merge Cond", buf);
}

static void print_sort(out *o, const node *n)
{
	static const char *const method[] = {"quicksort", "top-N heapsort", "external merge"};
	char a[48], keys[2][96];

	alias_of(a, sizeof a, n->table, n->inst);
	snprintf(keys[0], 96, "%s.%s DESC", a, tables[n->table].cols[3]);
	snprintf(keys[1], 96, "%s.id", a);
	p_list(o, "Sort Key", keys, 2);
	p_str(o, "Sort Method", method[n->variant]);
	p_num(o, "Sort Space Used", n->x1, 0);
	p_str(o, "Sort Space Type", n->variant == S_EXTERNAL ? "Disk" : "Memory");
}

static void print_agg(out *o, const node *n)
{
	char a[48], keys[1][96], buf[96];

	alias_of(a, sizeof a, n->table, n->inst);
	if (n->variant != AGG_PLAIN) {
		snprintf(keys[0], 96, "%s.%s", a, tables[n->table].cols[1]);
		p_list(o, "Group Key", keys, 1);
	}
	if (n->special == SP_INITPLAN_FILTER) {
		snprintf(buf, sizeof buf, "(sum(%s.%s) > $%ld)", a, tables[n->table].cols[3],
		         (long) n->subno - 1);
		p_str(o, "Filter", buf);
		p_num(o, "Rows Removed by Filter", n->removed, 0);
	}
	if (n->variant == AGG_HASHED) {
		p_num(o, "Planned Partitions", 0, 0);
		p_num(o, "HashAgg Batches", n->x1, 0);
		p_num(o, "Peak Memory Usage", n->x2, 0);
		p_num(o, "Disk Usage", 0, 0);
	}
}

static void print_other_quals(out *o, const node *n)
{
	char b[48], buf[96];

	switch (n->type) {
	case N_SORT:
		print_sort(o, n);
		break;
	case N_AGG:
		print_agg(o, n);
		break;
	case N_HASH:
		p_num(o, "Hash Buckets", n->x1, 0);
		p_num(o, "Original Hash Buckets", n->x1, 0);
		p_num(o, "Hash Batches", n->x2, 0);
		p_num(o, "Original Hash Batches", n->x3, 0);
		p_num(o, "Peak Memory Usage", n->x4, 0);
		break;
	case N_GATHER:
		p_num(o, "Workers Planned", n->workers_planned, 0);
		p_num(o, "Workers Launched", n->workers_launched, 0);
		p_bool(o, "Single Copy", 0);
		break;
	case N_MEMOIZE:
		alias_of(b, sizeof b, n->table2, n->inst2);
		snprintf(buf, sizeof buf, "%s.%s", b, tables[n->table].fk);
		p_str(o, "Cache Key", buf);
		p_str(o, "Cache Mode", "logical");
		p_num(o, "Cache Hits", n->x1, 0);
		p_num(o, "Cache Misses", n->x2, 0);
		p_num(o, "Cache Evictions", 0, 0);
		p_num(o, "Cache Overflows", 0, 0);
		p_num(o, "Peak Memory Usage", n->x4, 0);
		break;
	default:
		break;
	}
}

static void print_buffers(out *o, const int64_t *buf)
{
	int i;

	for (i = 0; i < B_N; i++)
		p_num(o, buf_name[i], (double) buf[i], 0);
}

/* Per-worker lines: split the node's totals among its participants. */
static void print_workers(out *o, const node *n)
{
	uint64_t s = n->seed;
	double w[MAX_WORKERS + 1], sum = 0, share;
	int64_t wb[B_N];
	int i, b;

	if (!n->wmask)
		return;
	for (i = 0; i <= MAX_WORKERS; i++) {
		w[i] = 0.7 + 0.6 * (double) (next_u64(&s) >> 11) / 9007199254740992.0;
		if (i == MAX_WORKERS ? n->leader : (n->wmask >> i) & 1)
			sum += w[i];
	}
	open_group(o, "Workers", '[');
	for (i = 0; i < MAX_WORKERS; i++) {
		if (!((n->wmask >> i) & 1))
			continue;
		share = w[i] / sum;
		open_group(o, NULL, '{');
		p_num(o, "Worker Number", i, 0);
		p_num(o, "Actual Startup Time", n->tstart * (0.9 + 0.2 * share), 3);
		p_num(o, "Actual Total Time", n->ttotal * (0.9 + 0.2 * share), 3);
		p_num(o, "Actual Rows", floor(n->rows * n->loops * share), 0);
		p_num(o, "Actual Loops", 1, 0);
		for (b = 0; b < B_N; b++)
			wb[b] = (int64_t) floor((double) n->buf[b] * share);
		print_buffers(o, wb);
		close_group(o, '}');
	}
	close_group(o, ']');
}

static void print_node(out *o, gen *g, int32_t id, const char *label)
{
	const node *n = N(g, id);
	int32_t c;

	open_group(o, label, '{');
	print_header(o, n);
	print_target(o, n);
	print_actuals(o, n);
	print_join_quals(o, n);
	print_scan_quals(o, n);
	print_other_quals(o, n);
	print_buffers(o, n->buf);
	print_workers(o, n);
	if (n->first >= 0) {
		open_group(o, "Plans", '[');
		for (c = n->first; c >= 0; c = N(g, c)->next)
			print_node(o, g, c, NULL);
		close_group(o, ']');
	}
	close_group(o, '}');
}

static void print_plan(out *o, gen *g, int32_t root, long nnodes)
{
	int64_t planning[B_N] = {0};
	const node *r = N(g, root);

	planning[B_SHIT] = 40 + nnodes / 8;
	planning[B_SREAD] = 3 + nnodes / 500;
	fputc('[', o->f);
	o->indent = 1;
	o->first = 1;
	open_group(o, NULL, '{');
	print_node(o, g, root, "Plan");
	open_group(o, "Planning", '{');
	print_buffers(o, planning);
	close_group(o, '}');
	p_num(o, "Planning Time", 0.35 + (double) nnodes * 0.004, 3);
	open_group(o, "Triggers", '[');
	close_group(o, ']');
	p_num(o, "Execution Time", r->ttotal + 0.05 + (double) nnodes * 1e-4, 3);
	close_group(o, '}');
	fputs("\n]\n", o->f);
}

/* ---- main ---- */

static long parse_long(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "genplan: invalid %s '%s' (want %ld..%ld)\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static char obuf[1 << 20];
	gen g;
	out o;
	long n, i, seed = 1;
	int32_t root;
	int depth;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: genplan N [SEED]\n");
		return 2;
	}
	n = parse_long(argv[1], "node count", 1, MAX_NODES);
	if (argc == 3)
		seed = parse_long(argv[2], "seed", 0, 2147483647L);
	memset(&g, 0, sizeof g);
	g.cap = n;
	g.n = malloc((size_t) n * sizeof *g.n);
	if (!g.n)
		die("out of memory");
	g.rng = ((uint64_t) seed << 32) ^ (uint64_t) n ^ 0x5DEECE66DULL;
	g.cte_id = -1;
	root = build(&g, n);
	if (g.count != n)
		die("internal error: node count mismatch");
	for (i = 0; i < n; i++)
		if (g.n[i].tstart > g.n[i].ttotal)
			g.n[i].tstart = g.n[i].ttotal;
	depth = max_depth(&g, root, 1);
	if (depth > 900)
		die("internal error: plan deeper than 900");
	memset(spaces, ' ', sizeof spaces);
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	o.f = stdout;
	print_plan(&o, &g, root, n);
	free(g.n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "genplan: write error\n");
		return 1;
	}
	return 0;
}
