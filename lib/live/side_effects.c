/* side_effects.c - functions whose effects a ROLLBACK does not undo. Live capture
 * refuses a statement that calls one, before anything runs, unless the caller allows
 * side effects (nextval() also with writes). The list is one table; each entry has a
 * test in tests/unit/test_statement.c. */
#include "statement.h"

#include <string.h>

#define PL_WHY_DBLINK "runs SQL on another connection, which commits on its own"
#define PL_WHY_SIGNAL "signals another server process"
#define PL_WHY_STATS "resets statistics for the whole server or database"
#define PL_WHY_FILE "writes or removes a file on the server"
#define PL_WHY_SLOT "creates, drops or advances a replication slot or origin"
#define PL_WHY_SERVER "acts on the whole server (configuration, WAL, logs, recovery)"
#define PL_WHY_LOCK "takes a session-level advisory lock, which outlives the transaction"
#define PL_WHY_SEQUENCE "moves a sequence"
#define PL_WHY_WAL "writes a message into the WAL that logical decoding passes on"

/* prefix: 1 when every function whose name starts with name is meant. */
static const pl_side_effect pl_side_effects[] = {
    { "dblink", 1, 0, PL_WHY_DBLINK },
    { "pg_terminate_backend", 0, 0, PL_WHY_SIGNAL },
    { "pg_cancel_backend", 0, 0, PL_WHY_SIGNAL },
    { "pg_signal_backend", 0, 0, PL_WHY_SIGNAL },
    { "pg_log_backend_memory_contexts", 0, 0, PL_WHY_SIGNAL },
    { "pg_stat_reset", 1, 0, PL_WHY_STATS },
    { "pg_stat_statements_reset", 0, 0, PL_WHY_STATS },
    { "lo_export", 0, 0, PL_WHY_FILE },
    { "lo_import", 0, 0, "reads a file on the server into the database" },
    { "pg_file_write", 0, 0, PL_WHY_FILE },
    { "pg_file_rename", 0, 0, PL_WHY_FILE },
    { "pg_file_unlink", 0, 0, PL_WHY_FILE },
    { "pg_file_sync", 0, 0, PL_WHY_FILE },
    { "pg_create_physical_replication_slot", 0, 0, PL_WHY_SLOT },
    { "pg_create_logical_replication_slot", 0, 0, PL_WHY_SLOT },
    { "pg_copy_physical_replication_slot", 0, 0, PL_WHY_SLOT },
    { "pg_copy_logical_replication_slot", 0, 0, PL_WHY_SLOT },
    { "pg_drop_replication_slot", 0, 0, PL_WHY_SLOT },
    { "pg_replication_slot_advance", 0, 0, PL_WHY_SLOT },
    { "pg_logical_slot_get_changes", 0, 0, PL_WHY_SLOT },
    { "pg_logical_slot_get_binary_changes", 0, 0, PL_WHY_SLOT },
    { "pg_replication_origin_create", 0, 0, PL_WHY_SLOT },
    { "pg_replication_origin_drop", 0, 0, PL_WHY_SLOT },
    { "pg_replication_origin_advance", 0, 0, PL_WHY_SLOT },
    { "pg_replication_origin_session_setup", 0, 0, PL_WHY_SLOT },
    { "pg_reload_conf", 0, 0, PL_WHY_SERVER },
    { "pg_switch_wal", 0, 0, PL_WHY_SERVER },
    { "pg_rotate_logfile", 0, 0, PL_WHY_SERVER },
    { "pg_create_restore_point", 0, 0, PL_WHY_SERVER },
    { "pg_backup_start", 0, 0, PL_WHY_SERVER },
    { "pg_backup_stop", 0, 0, PL_WHY_SERVER },
    { "pg_start_backup", 0, 0, PL_WHY_SERVER },
    { "pg_stop_backup", 0, 0, PL_WHY_SERVER },
    { "pg_promote", 0, 0, PL_WHY_SERVER },
    { "pg_wal_replay_pause", 0, 0, PL_WHY_SERVER },
    { "pg_wal_replay_resume", 0, 0, PL_WHY_SERVER },
    { "pg_import_system_collations", 0, 0, PL_WHY_SERVER },
    { "pg_logical_emit_message", 0, 0, PL_WHY_WAL },
    { "pg_advisory_lock", 0, 0, PL_WHY_LOCK },
    { "pg_advisory_lock_shared", 0, 0, PL_WHY_LOCK },
    { "pg_try_advisory_lock", 0, 0, PL_WHY_LOCK },
    { "pg_try_advisory_lock_shared", 0, 0, PL_WHY_LOCK },
    { "setval", 0, 0, PL_WHY_SEQUENCE },
    { "nextval", 0, 1, PL_WHY_SEQUENCE },
};

size_t pl_side_effect_count(void)
{
    return sizeof(pl_side_effects) / sizeof(pl_side_effects[0]);
}

const pl_side_effect *pl_side_effect_at(size_t i)
{
    return i < pl_side_effect_count() ? &pl_side_effects[i] : NULL;
}

const pl_side_effect *pl_side_effect_find(const char *name)
{
    size_t i;

    for (i = 0; name && i < pl_side_effect_count(); i++) {
        const pl_side_effect *e = &pl_side_effects[i];

        if (e->prefix ? strncmp(name, e->name, strlen(e->name)) == 0 : strcmp(name, e->name) == 0)
            return e;
    }
    return NULL;
}

int pl_side_effect_allowed(const pl_side_effect *e, const planlint_capture_options *o)
{
    return !e || pl_capture_allows_side_effects(o) || (e->with_writes && o->allow_writes);
}
