/* HQ's member import (gh-hq-import.h): the feed read by the kiosk's own reader and
 * parser thread, each batch sent with COPY into temporary tables and applied with a
 * handful of set-based statements in one transaction, so HQ takes a million members
 * in minutes and a kill costs the batch in flight and nothing else: the next run
 * finds the committed batches unchanged and writes nothing for them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "hq/gh-hq-import.h"

#include "hq/gh-hq-import-private.h"
#include "hq/gh-hq-private.h"
#include "members/gh-line-reader.h"
#include "members/gh-member-import-private.h"
#include "members/gh-member-parser.h"

#define DEFAULT_BATCH_LINES 5000
#define REF_KEY_META "member_ref_key"

#define N_STEPS_MAX 16

typedef struct {
  GhHq                        *hq;
  const GhMemberImportOptions *options;
  GhMemberImportSummary       *summary;
  gint64                       now;
  guint8                       ref_key[crypto_generichash_KEYBYTES];
  /* line number -> the normalised line (for kiosks, and for the lines HQ refuses
   * itself), and -> the parsed entry, for the second phase of a batch */
  GHashTable                  *lines;
  GHashTable                  *entries;
  gint64                       counts[N_STEPS_MAX][2];
} HqImport;

/* The staging tables live as long as the session and empty at each commit. */
static const char staging_sql[] =
  "SET client_min_messages = warning;"
  "CREATE TEMP TABLE IF NOT EXISTS gh_member_in (line_no bigint, ref text, derived_ref text,"
  " loyalty_id text, display_name text, pin_hash text, member_since bigint, stores text[],"
  " line text, deleted boolean, deleted_at bigint, status text) ON COMMIT DELETE ROWS;"
  "CREATE TEMP TABLE IF NOT EXISTS gh_item_in (line_no bigint, item_id text, category text,"
  " source text, attributes text, collected_at bigint, retained_until bigint)"
  " ON COMMIT DELETE ROWS;"
  "CREATE TEMP TABLE IF NOT EXISTS gh_consent_in (line_no bigint, purpose_id text, state text,"
  " notice_version text, decided_at bigint) ON COMMIT DELETE ROWS";

/* The statements of one batch, in order; $1 is the import's time (unix seconds).
 * Each returns one row of counts, or none. */
typedef enum {
  STEP_TOMBSTONE_REFS, STEP_ERASE, STEP_SUPPRESS, STEP_DUPLICATES, STEP_CONFLICTS,
  STEP_STATUS, STEP_NEW, STEP_CHANGED, STEP_ITEMS_GONE, STEP_ITEMS, STEP_LINES,
  STEP_DECISIONS, N_STEPS
} Step;

G_STATIC_ASSERT (N_STEPS <= N_STEPS_MAX);

static const struct {
  const char *what;
  const char *sql;
} steps[N_STEPS] = {
  [STEP_TOMBSTONE_REFS] = { "finding the members the tombstones name",
    "UPDATE gh_member_in t SET ref = coalesce ((SELECT m.ref FROM glasshouse.member m"
    " WHERE m.loyalty_id = t.loyalty_id), t.derived_ref)"
    " WHERE t.deleted AND $1::bigint IS NOT NULL" },
  /* A tombstone for a member HQ does not hold changes nothing, as on a kiosk. */
  [STEP_ERASE] = { "erasing the members the CRM deleted",
    "SELECT count (*) FILTER (WHERE glasshouse.erase_member (t.ref, 'crm',"
    " coalesce (to_timestamp (t.deleted_at), to_timestamp ($1::bigint))))"
    " FROM gh_member_in t"
    " WHERE t.deleted AND EXISTS (SELECT 1 FROM glasshouse.member m WHERE m.ref = t.ref)" },
  [STEP_SUPPRESS] = { "leaving out members who asked to be forgotten",
    "WITH gone AS (DELETE FROM gh_member_in t WHERE t.deleted"
    " OR EXISTS (SELECT 1 FROM glasshouse.erasure e WHERE e.ref IN (t.ref, t.derived_ref))"
    " RETURNING t.deleted)"
    " SELECT count (*) FILTER (WHERE NOT deleted), count (*) FILTER (WHERE deleted)"
    " FROM gone WHERE $1::bigint IS NOT NULL" },
  /* The same member twice in a batch: the later line is their record. */
  [STEP_DUPLICATES] = { "dropping repeated members",
    "WITH ranked AS (SELECT line_no, max (line_no) OVER (PARTITION BY ref) AS last"
    "   FROM gh_member_in),"
    " gone AS (DELETE FROM gh_member_in t USING ranked r"
    "   WHERE t.line_no = r.line_no AND r.line_no < r.last RETURNING t.line_no)"
    " SELECT count (*) FROM gone WHERE $1::bigint IS NOT NULL" },
  /* A loyalty number HQ holds under another ref, or that a later line of the batch
   * gives another ref (repeated refs are gone by now, so a repeat here is a clash). */
  [STEP_CONFLICTS] = { "checking loyalty numbers",
    "WITH ranked AS (SELECT line_no, max (line_no) OVER (PARTITION BY loyalty_id) AS last"
    "   FROM gh_member_in),"
    " clash AS (SELECT t.line_no FROM gh_member_in t JOIN glasshouse.member m"
    "   ON m.loyalty_id = t.loyalty_id AND m.ref <> t.ref"
    "   UNION SELECT line_no FROM ranked WHERE line_no < last),"
    " gone AS (DELETE FROM gh_member_in t USING clash c WHERE t.line_no = c.line_no"
    "   RETURNING t.line_no)"
    " SELECT line_no FROM gone WHERE $1::bigint IS NOT NULL ORDER BY line_no" },
  [STEP_STATUS] = { "comparing members with what HQ holds",
    "WITH marked AS (UPDATE gh_member_in t SET status = CASE"
    " WHEN NOT EXISTS (SELECT 1 FROM glasshouse.member m WHERE m.ref = t.ref) THEN 'new'"
    " WHEN (SELECT c.line FROM glasshouse.member_change c WHERE c.ref = t.ref"
    "       ORDER BY c.change_no DESC LIMIT 1) IS DISTINCT FROM t.line THEN 'changed'"
    " ELSE 'same' END WHERE $1::bigint IS NOT NULL RETURNING status)"
    " SELECT count (*) FILTER (WHERE status = 'same') FROM marked" },
  [STEP_NEW] = { "adding members",
    "WITH added AS (INSERT INTO glasshouse.member (ref, loyalty_id, display_name, pin_hash,"
    " member_since, stores) SELECT ref, loyalty_id, display_name, pin_hash,"
    " to_timestamp (coalesce (member_since, $1::bigint)), stores FROM gh_member_in"
    " WHERE status = 'new' ORDER BY line_no RETURNING 1)"
    " SELECT count (*) FROM added" },
  /* An absent member_since or pin_hash keeps what HQ has, as on a kiosk. */
  [STEP_CHANGED] = { "updating members",
    "WITH changed AS (UPDATE glasshouse.member m SET loyalty_id = t.loyalty_id,"
    " display_name = t.display_name, pin_hash = coalesce (t.pin_hash, m.pin_hash),"
    " member_since = coalesce (to_timestamp (t.member_since), m.member_since),"
    " stores = t.stores, updated_at = now ()"
    " FROM gh_member_in t WHERE t.status = 'changed' AND m.ref = t.ref RETURNING 1)"
    " SELECT count (*) FROM changed WHERE $1::bigint IS NOT NULL" },
  /* The line is the member's whole record: what it no longer has goes, and so does
   * what is past its retention (not taken in, as on a kiosk). */
  [STEP_ITEMS_GONE] = { "deleting data items the CRM no longer sends",
    "WITH gone AS (DELETE FROM glasshouse.member_item mi USING gh_member_in t"
    " WHERE t.status = 'changed' AND mi.ref = t.ref AND NOT EXISTS (SELECT 1 FROM gh_item_in i"
    "   WHERE i.line_no = t.line_no AND i.item_id = mi.item_id AND i.retained_until > $1::bigint)"
    " RETURNING 1) SELECT count (*) FROM gone" },
  [STEP_ITEMS] = { "writing data items",
    "WITH written AS (INSERT INTO glasshouse.member_item AS mi (ref, item_id, category, source,"
    " attributes, collected_at, retained_until)"
    " SELECT t.ref, i.item_id, i.category, i.source, i.attributes::jsonb,"
    " to_timestamp (i.collected_at), to_timestamp (i.retained_until)"
    " FROM gh_item_in i JOIN gh_member_in t USING (line_no)"
    " WHERE t.status IN ('new', 'changed') AND i.retained_until > $1::bigint"
    " ON CONFLICT (ref, item_id) DO UPDATE SET category = excluded.category,"
    " source = excluded.source, attributes = excluded.attributes,"
    " collected_at = excluded.collected_at, retained_until = excluded.retained_until"
    " WHERE (mi.category, mi.source, mi.attributes, mi.collected_at, mi.retained_until)"
    " IS DISTINCT FROM (excluded.category, excluded.source, excluded.attributes,"
    " excluded.collected_at, excluded.retained_until)"
    " RETURNING (xmax = 0) AS inserted)"
    " SELECT count (*) FILTER (WHERE inserted), count (*) FILTER (WHERE NOT inserted)"
    " FROM written" },
  [STEP_LINES] = { "writing the member lines kiosks pull",
    "INSERT INTO glasshouse.member_change (ref, stores, line)"
    " SELECT ref, stores, line FROM gh_member_in WHERE status IN ('new', 'changed')"
    " AND $1::bigint IS NOT NULL ORDER BY line_no" },
  /* The CRM's decision is recorded only when it changes the member's current state
   * (the decision with the highest change_no), and never over one made after it: a
   * shopper who switched a purpose off at a kiosk after the export keeps that. */
  [STEP_DECISIONS] = { "recording the CRM's decisions",
    "WITH recorded AS (INSERT INTO glasshouse.decision (ref, purpose_id, state, notice_version,"
    " decided_at, origin)"
    " SELECT t.ref, c.purpose_id, c.state, c.notice_version, to_timestamp (c.decided_at), 'crm'"
    " FROM gh_consent_in c JOIN gh_member_in t USING (line_no)"
    " LEFT JOIN LATERAL (SELECT d.state, d.decided_at FROM glasshouse.decision d"
    "   WHERE d.ref = t.ref AND d.purpose_id = c.purpose_id"
    "   ORDER BY d.change_no DESC LIMIT 1) cur ON TRUE"
    " WHERE t.status IN ('new', 'changed') AND (cur.state IS NULL OR"
    "   (cur.state <> c.state AND cur.decided_at <= to_timestamp (c.decided_at)))"
    " AND $1::bigint IS NOT NULL ORDER BY t.line_no, c.purpose_id RETURNING 1)"
    " SELECT count (*) FROM recorded" },
};

static gint64
count_at (PGresult *result,
          int       column)
{
  if (PQntuples (result) == 0 || PQnfields (result) <= column)
    return 0;
  return g_ascii_strtoll (PQgetvalue (result, 0, column), NULL, 10);
}

static PGresult *
run_step (HqImport  *import,
          Step       step,
          GError   **error)
{
  char now[32];
  const char *params[1] = { now };
  PGresult *result;
  ExecStatusType status;

  g_snprintf (now, sizeof now, "%" G_GINT64_FORMAT, import->now);
  result = PQexecParams (import->hq->conn, steps[step].sql, 1, NULL, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    {
      _gh_hq_set_result_error (import->hq, result, steps[step].what, error);
      PQclear (result);
      return NULL;
    }
  return result;
}

/* ---- the ref key -------------------------------------------------------------------- */

/* HQ's key for the refs of members the feed names without one, made on first use;
 * like a kiosk's meta.member_ref_key, it never leaves the database. */
static gboolean
load_ref_key (HqImport  *import,
              GError   **error)
{
  guint8 fresh[crypto_generichash_KEYBYTES];
  char hex[sizeof fresh * 2 + 1];
  const char *params[2] = { REF_KEY_META, hex };
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) select = NULL;
  gsize n = 0;
  const char *value;

  randombytes_buf (fresh, sizeof fresh);
  sodium_bin2hex (hex, sizeof hex, fresh, sizeof fresh);
  insert = PQexecParams (import->hq->conn, "INSERT INTO glasshouse.meta (key, value)"
                         " VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                         2, NULL, params, NULL, NULL, 0);
  sodium_memzero (hex, sizeof hex);
  sodium_memzero (fresh, sizeof fresh);
  if (!_gh_hq_check_result (import->hq, insert, PGRES_COMMAND_OK, "making the member ref key",
                            error))
    return FALSE;
  select = PQexecParams (import->hq->conn, "SELECT value FROM glasshouse.meta WHERE key = $1",
                         1, NULL, params, NULL, NULL, 0);
  if (!_gh_hq_check_result (import->hq, select, PGRES_TUPLES_OK, "reading the member ref key",
                            error))
    return FALSE;
  value = PQntuples (select) == 1 ? PQgetvalue (select, 0, 0) : "";
  if (sodium_hex2bin (import->ref_key, sizeof import->ref_key, value, strlen (value), NULL, &n,
                      NULL) != 0 || n != sizeof import->ref_key)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "HQ %s: the member ref key (glasshouse.meta %s) is damaged",
                   import->hq->target, REF_KEY_META);
      return FALSE;
    }
  return TRUE;
}

/* ---- one batch ---------------------------------------------------------------------- */

static gboolean
copy_rows (HqImport    *import,
           const char  *table,
           GString     *rows,
           GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("COPY %s FROM STDIN", table);
  g_autoptr(PGresult) start = PQexec (import->hq->conn, sql);
  PGresult *end;
  gboolean ok = TRUE;

  if (!_gh_hq_check_result (import->hq, start, PGRES_COPY_IN, "sending members", error))
    return FALSE;
  if ((rows->len > 0 && PQputCopyData (import->hq->conn, rows->str, rows->len) != 1) ||
      PQputCopyEnd (import->hq->conn, NULL) != 1)
    {
      _gh_hq_set_result_error (import->hq, NULL, "sending members", error);
      ok = FALSE;
    }
  while ((end = PQgetResult (import->hq->conn)) != NULL)
    {
      if (ok && PQresultStatus (end) != PGRES_COMMAND_OK)
        {
          _gh_hq_set_result_error (import->hq, end, "sending members", error);
          ok = FALSE;
        }
      PQclear (end);
    }
  return ok;
}

static void
refuse (HqImport    *import,
        guint64      line_number,
        const char  *line,
        gsize        length,
        const char  *message)
{
  import->summary->refused++;
  if (import->options->on_refused != NULL)
    import->options->on_refused (line_number, line, length, message, import->options->user_data);
}

/* Turns the parsed lines into staging rows; refused ones are reported here. */
static void
stage_batch (HqImport       *import,
             GhMemberBatch  *batch,
             GhHqImportRows *rows)
{
  for (guint i = 0; i < batch->entries->len; i++)
    {
      GhMemberEntry *entry = &g_array_index (batch->entries, GhMemberEntry, i);
      g_autofree char *derived = NULL;
      char *line = NULL;
      const char *ref;

      if (entry->member == NULL)
        {
          refuse (import, entry->number, entry->text, entry->length, entry->message);
          continue;
        }
      derived = _gh_member_derive_ref (import->ref_key, entry->member->loyalty_id);
      ref = entry->member->deleted ? NULL
            : entry->member->ref != NULL ? entry->member->ref : derived;
      if (!entry->member->deleted)
        {
          line = _gh_hq_member_line (entry->member, ref);
          g_hash_table_insert (import->lines, GSIZE_TO_POINTER ((gsize) entry->number), line);
          g_hash_table_insert (import->entries, GSIZE_TO_POINTER ((gsize) entry->number), entry);
        }
      _gh_hq_import_add_member_row (rows, entry->number, entry->member, ref, derived, line);
    }
}

/* The items and consents of the members the batch adds or changes: an unchanged
 * member's are never sent, so a feed run again costs little more than its members. */
static gboolean
stage_details (HqImport       *import,
               GhHqImportRows *rows,
               GError        **error)
{
  g_autoptr(PGresult) result = PQexec (import->hq->conn,
                                       "SELECT line_no FROM gh_member_in"
                                       " WHERE status IN ('new', 'changed')");

  if (!_gh_hq_check_result (import->hq, result, PGRES_TUPLES_OK, "listing the changed members",
                            error))
    return FALSE;
  for (int r = 0; r < PQntuples (result); r++)
    {
      gsize number = g_ascii_strtoull (PQgetvalue (result, r, 0), NULL, 10);
      GhMemberEntry *entry = g_hash_table_lookup (import->entries, GSIZE_TO_POINTER (number));

      if (entry != NULL)
        _gh_hq_import_add_detail_rows (rows, number, entry->member);
    }
  return TRUE;
}

static gboolean
run_steps (HqImport  *import,
           Step       first,
           Step       last,
           GError   **error)
{
  gint64 (*counts)[2] = import->counts;

  for (Step step = first; step <= last; step++)
    {
      g_autoptr(PGresult) result = run_step (import, step, error);

      if (result == NULL)
        return FALSE;
      if (step == STEP_CONFLICTS)
        for (int r = 0; r < PQntuples (result); r++)
          {
            guint64 number = g_ascii_strtoull (PQgetvalue (result, r, 0), NULL, 10);
            const char *line = g_hash_table_lookup (import->lines, GSIZE_TO_POINTER ((gsize) number));

            refuse (import, number, line, line != NULL ? strlen (line) : 0,
                    "loyalty_id: HQ holds this loyalty number under another ref");
          }
      else
        {
          counts[step][0] = count_at (result, 0);
          counts[step][1] = count_at (result, 1);
        }
    }
  return TRUE;
}

/* The batch's counts into the summary, once it committed. */
static void
count_batch (HqImport *import)
{
  GhMemberImportSummary *s = import->summary;
  gint64 (*counts)[2] = import->counts;

  s->deleted += counts[STEP_ERASE][0];
  s->suppressed += counts[STEP_SUPPRESS][0];
  s->unchanged += counts[STEP_SUPPRESS][1] - counts[STEP_ERASE][0];  /* tombstones of nobody */
  s->unchanged += counts[STEP_DUPLICATES][0];
  s->added += counts[STEP_NEW][0];
  s->updated += counts[STEP_CHANGED][0];
  s->items_deleted += counts[STEP_ITEMS_GONE][0];
  s->items_added += counts[STEP_ITEMS][0];
  s->items_updated += counts[STEP_ITEMS][1];
  s->consents_changed += counts[STEP_DECISIONS][0];
  s->unchanged += counts[STEP_STATUS][0];
}

static gboolean
write_batch (HqImport       *import,
             GhMemberBatch  *batch,
             GError        **error)
{
  GhHqImportRows rows = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL) };
  gboolean ok;

  memset (import->counts, 0, sizeof import->counts);
  stage_batch (import, batch, &rows);
  _gh_hq_arm_deadline (import->hq);
  ok = _gh_hq_exec_command (import->hq, "BEGIN", "starting a batch of members", error) &&
       copy_rows (import, "gh_member_in (line_no, ref, derived_ref, loyalty_id,"
                  " display_name, pin_hash, member_since, stores, line, deleted, deleted_at)",
                  rows.members, error) &&
       /* Temporary tables have no statistics until asked: without them every join of
        * the batch is planned for an empty table. */
       _gh_hq_exec_command (import->hq, "ANALYZE gh_member_in", "sizing up the batch", error) &&
       run_steps (import, STEP_TOMBSTONE_REFS, STEP_STATUS, error) &&
       stage_details (import, &rows, error) &&
       copy_rows (import, "gh_item_in", rows.items, error) &&
       copy_rows (import, "gh_consent_in", rows.consents, error) &&
       run_steps (import, STEP_NEW, STEP_DECISIONS, error) &&
       _gh_hq_exec_command (import->hq, "COMMIT", "committing a batch of members", error);
  if (ok)
    count_batch (import);
  else
    _gh_hq_rollback (import->hq);
  _gh_hq_disarm_deadline (import->hq);
  /* The rows are members' personal data: not left in freed memory. */
  sodium_memzero (rows.members->str, rows.members->len);
  sodium_memzero (rows.items->str, rows.items->len);
  g_string_free (rows.members, TRUE);
  g_string_free (rows.items, TRUE);
  g_string_free (rows.consents, TRUE);
  g_hash_table_remove_all (import->entries);
  g_hash_table_remove_all (import->lines);
  return ok;
}

static void
line_free (gpointer data)
{
  char *line = data;

  sodium_memzero (line, strlen (line));
  g_free (line);
}

gboolean
gh_hq_import_members (GhHq                         *hq,
                      GInputStream                 *input,
                      const GhMemberImportOptions  *options,
                      GhMemberImportSummary        *summary,
                      GCancellable                 *cancellable,
                      GError                      **error)
{
  GhMemberImportSummary local_summary = { 0 };
  g_autoptr(GhLineReader) reader = NULL;
  HqImport import = { 0 };
  GhMemberParser *parser = NULL;
  gboolean ok, last = FALSE;

  g_return_val_if_fail (GH_IS_HQ (hq), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);
  g_return_val_if_fail (options != NULL && GH_IS_CATALOG (options->catalog), FALSE);

  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);
  import.hq = hq;
  import.options = options;
  import.summary = summary;
  import.now = options->now != 0 ? options->now : g_get_real_time () / G_USEC_PER_SEC;
  import.lines = g_hash_table_new_full (NULL, NULL, NULL, line_free);
  import.entries = g_hash_table_new (NULL, NULL);

  _gh_hq_arm_deadline (hq);
  ok = sodium_init () >= 0 &&
       _gh_hq_exec_command (hq, staging_sql, "making the staging tables", error) &&
       load_ref_key (&import, error);
  _gh_hq_disarm_deadline (hq);
  reader = gh_line_reader_new (input, GH_MEMBER_FEED_MAX_LINE);
  ok = ok && gh_member_parser_read_header (reader, NULL, cancellable, error);
  if (ok)
    parser = gh_member_parser_start (reader, options->catalog, NULL,
                                     options->batch_lines > 0 ? options->batch_lines
                                                              : DEFAULT_BATCH_LINES,
                                     cancellable);
  while (ok && !last)
    {
      GhMemberBatch *batch = gh_member_parser_next (parser);

      last = batch->last;
      summary->lines += batch->entries->len;
      if (batch->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&batch->error));
          ok = FALSE;
        }
      else
        ok = write_batch (&import, batch, error);
      summary->bytes_read = batch->bytes_read;
      gh_member_parser_release (parser, batch);
      if (ok && !last && options->on_progress != NULL)
        options->on_progress (summary, options->user_data);
    }
  g_clear_pointer (&parser, gh_member_parser_free);
  g_hash_table_unref (import.lines);
  g_hash_table_unref (import.entries);
  sodium_memzero (import.ref_key, sizeof import.ref_key);
  return ok;
}
