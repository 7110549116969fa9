/* The pusher that empties the kiosk's outbox into HQ's PostgreSQL (gh-hq.c holds
 * the connection), and the outbox's status.
 *
 * The promise is "every consent event reaches HQ exactly once, whatever fails".
 * Each batch is one HQ transaction that locks the kiosk's row in glasshouse.kiosk,
 * copies the batch into a temp table, inserts what is above the kiosk's high-water
 * mark (HQ's arrival trigger checks each event's hash and link and derives decisions,
 * receipts and erasures), raises the mark, and then checks that HQ holds every event
 * of the batch exactly once with the kiosk's hash; the kiosk acks the batch only after
 * that and HQ's COMMIT returned. A pusher killed before that COMMIT leaves HQ as it
 * was; one killed after it resends the batch next time and HQ skips it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq.h"
#include "hq/gh-hq-private.h"

#include <string.h>

#define EVENT_COLUMNS "kiosk_id, seq, at, actor, customer_ref, kind, body, prev_hash, hash, attachment"

/* The insert every batch runs, parsed once per connection. Without ON CONFLICT: only
 * events past HQ's mark go in, and the arrival trigger refuses any that do not follow it,
 * so a clash means a damaged HQ; it fails the batch (nothing acked) instead of being
 * skipped, and speculative insertion is not paid for on every row. */
#define PUSH_INSERT_SQL \
  "INSERT INTO glasshouse.event (" EVENT_COLUMNS ")" \
  " SELECT " EVENT_COLUMNS " FROM gh_incoming WHERE seq > $1" \
  " ORDER BY seq"
static gboolean
prepare_statement (GhHq        *self,
                   const char  *name,
                   const char  *sql,
                   int          n_params,
                   GError     **error)
{
  g_autoptr(PGresult) result = PQprepare (self->conn, name, sql, n_params, NULL);

  return _gh_hq_check_result (self, result, PGRES_COMMAND_OK, "preparing the push", error);
}

/* Checks once per connection that hq init ran there. */
static gboolean
check_schema (GhHq    *self,
              GError **error)
{
  g_autoptr(PGresult) result = NULL;

  if (self->schema_checked)
    return TRUE;
  result = PQexec (self->conn,
                   "SELECT to_regclass ('glasshouse.event') IS NOT NULL"
                   " AND to_regclass ('glasshouse.kiosk') IS NOT NULL");
  if (!_gh_hq_check_result (self, result, PGRES_TUPLES_OK, "looking for the Glasshouse schema",
                            error))
    return FALSE;
  if (g_strcmp0 (PQgetvalue (result, 0, 0), "t") != 0)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_NO_SCHEMA,
                   "HQ %s has no Glasshouse schema (create it with: glasshouse-ctl hq init "
                   "--postgres CONNINFO)", self->target);
      return FALSE;
    }
  self->schema_checked = TRUE;
  return TRUE;
}

/* Makes this session's staging table and statements, once per connection and only
 * when there is something to push: a temp table is a catalog write, the dearest step
 * of a round with nothing to do. */
static gboolean
prepare_staging (GhHq    *self,
                 GError **error)
{
  if (self->staging_ready)
    return TRUE;
  if (!_gh_hq_exec_command (self,
                            /* Spelled out: LIKE would need the attachment column's SELECT,
                             * which a kiosk login does not have. */
                            "CREATE TEMP TABLE IF NOT EXISTS gh_incoming"
                            " (kiosk_id text NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL,"
                            "  actor text NOT NULL, customer_ref text, kind text NOT NULL,"
                            "  body text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,"
                            "  attachment jsonb) ON COMMIT DELETE ROWS",
                            "making a staging table", error))
    return FALSE;
  if (!prepare_statement (self, "gh_push_insert", PUSH_INSERT_SQL, 1, error))
    return FALSE;
  self->staging_ready = TRUE;
  return TRUE;
}

static void
append_copy_row (GString       *buffer,
                 const GhEvent *event)
{
  char seq[32];

  g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, event->seq);
  _gh_hq_copy_field (buffer, event->kiosk_id, FALSE);
  _gh_hq_copy_field (buffer, seq, FALSE);
  _gh_hq_copy_field (buffer, event->at, FALSE);
  _gh_hq_copy_field (buffer, event->actor, FALSE);
  _gh_hq_copy_field (buffer, event->customer_ref, FALSE);
  _gh_hq_copy_field (buffer, event->kind, FALSE);
  _gh_hq_copy_field (buffer, event->body, FALSE);
  _gh_hq_copy_field (buffer, event->prev_hash, FALSE);
  _gh_hq_copy_field (buffer, event->hash, FALSE);
  _gh_hq_copy_field (buffer, event->attachment, TRUE);
}

static gboolean
put_copy_data (GhHq     *self,
               GString  *buffer,
               GError  **error)
{
  if (buffer->len > 0 && PQputCopyData (self->conn, buffer->str, buffer->len) != 1)
    {
      _gh_hq_set_result_error (self, NULL, "sending events", error);
      return FALSE;
    }
  g_string_truncate (buffer, 0);
  return TRUE;
}

/* Streams @events[from..] into the session's staging table. */
static gboolean
copy_events (GhHq              *self,
             GPtrArray         *events,
             guint              from,
             GhHqProgressFunc   progress,
             gpointer           user_data,
             gint64             batch_last_seq,
             GError           **error)
{
  g_autoptr(GString) buffer = g_string_sized_new (64 * 1024);
  g_autoptr(PGresult) result = PQexec (self->conn,
                                       "COPY gh_incoming (" EVENT_COLUMNS ") FROM STDIN");
  guint half = from + MAX ((events->len - from) / 2, 1);
  PGresult *end;
  gboolean ok = TRUE;

  if (!_gh_hq_check_result (self, result, PGRES_COPY_IN, "starting to send events", error))
    return FALSE;
  for (guint i = from; i < events->len && ok; i++)
    {
      append_copy_row (buffer, g_ptr_array_index (events, i));
      if (i + 1 == half || buffer->len >= 60 * 1024)
        {
          ok = put_copy_data (self, buffer, error);
          if (ok && i + 1 == half && progress != NULL)
            {
              /* Make the first half really reach the server before reporting it there. */
              while (PQflush (self->conn) == 1)
                ;
              progress (GH_HQ_STAGE_COPYING, batch_last_seq, user_data);
            }
        }
    }
  if (ok)
    ok = put_copy_data (self, buffer, error);
  if (PQputCopyEnd (self->conn, ok ? NULL : "the kiosk stopped sending") != 1 && ok)
    {
      _gh_hq_set_result_error (self, NULL, "sending events", error);
      ok = FALSE;
    }
  while ((end = PQgetResult (self->conn)) != NULL)
    {
      if (ok && PQresultStatus (end) != PGRES_COMMAND_OK)
        {
          _gh_hq_set_result_error (self, end, "sending events", error);
          ok = FALSE;
        }
      PQclear (end);
    }
  return ok;
}

/* The acknowledgement rests on this: in the transaction about to commit, HQ must hold
 * each event of @events[from..] up to @up_to_seq exactly once under (kiosk, seq) and with
 * the kiosk's hash. Anything else (a row HQ already had with other content or another
 * `at`, a trigger or rule that swallowed the insert, a second store with this kiosk id)
 * and nothing is acknowledged.
 *
 * What HQ says it already had (@in_time_range FALSE) is looked for in every monthly
 * partition. Events just inserted above HQ's mark (@in_time_range TRUE) are looked for
 * only in the partitions of their own times: a copy elsewhere would have to be above the
 * mark too, and the arrival trigger refuses any event whose seq does not follow the mark,
 * whoever inserts it. Reading every partition on every batch cost more than the insert
 * itself once HQ keeps a few years (tests/perf/bench-hq-fleet). */
static gboolean
verify_held (GhHq        *self,
             GPtrArray   *events,
             guint        from,
             gint64       up_to_seq,
             gboolean     in_time_range,
             GError     **error)
{
  const GhEvent *first = g_ptr_array_index (events, from);
  const GhEvent *last = g_ptr_array_index (events, events->len - 1);
  g_autofree char *from_seq = g_strdup_printf ("%" G_GINT64_FORMAT, first->seq);
  g_autofree char *to_seq = g_strdup_printf ("%" G_GINT64_FORMAT, last->seq);
  g_autofree char *up_to = g_strdup_printf ("%" G_GINT64_FORMAT, up_to_seq);
  const char *earliest = first->at, *latest = first->at;
  const char *params[] = { last->kiosk_id, from_seq, to_seq, up_to, NULL, NULL };
  g_autoptr(GDateTime) earliest_time = g_date_time_new_from_iso8601 (first->at, NULL);
  g_autoptr(GDateTime) latest_time = g_date_time_ref (earliest_time);
  g_autoptr(PGresult) result = NULL;
  gint64 seq, copies;

  for (guint i = from + 1; in_time_range && earliest_time != NULL && i < events->len; i++)
    {
      const GhEvent *event = g_ptr_array_index (events, i);
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (event->at, NULL);

      if (at == NULL)
        {
          g_clear_pointer (&earliest_time, g_date_time_unref);
          break;
        }
      if (g_date_time_compare (at, earliest_time) < 0)
        {
          g_date_time_unref (earliest_time);
          earliest_time = g_date_time_ref (at);
          earliest = event->at;
        }
      if (g_date_time_compare (at, latest_time) > 0)
        {
          g_date_time_unref (latest_time);
          latest_time = g_date_time_ref (at);
          latest = event->at;
        }
    }
  /* A time this side cannot read is one HQ will read its own way: look everywhere. */
  if (in_time_range && earliest_time != NULL)
    {
      params[4] = earliest;
      params[5] = latest;
    }
  result = PQexecParams (self->conn,
                         "SELECT i.seq, coalesce (e.n, 0), e.lo = i.hash AND e.hi = i.hash"
                         "  FROM gh_incoming i"
                         "  LEFT JOIN (SELECT seq, count (*) AS n, min (hash) AS lo, max (hash) AS hi"
                         "               FROM glasshouse.event"
                         "              WHERE kiosk_id = $1 AND seq BETWEEN $2 AND $3"
                         /* Constants to the planner (PQexecParams plans for these values),
                          * so it reads only the partitions between them. */
                         "                AND ($5::timestamptz IS NULL OR at >= $5::timestamptz)"
                         "                AND ($6::timestamptz IS NULL OR at <= $6::timestamptz)"
                         "              GROUP BY seq) e USING (seq)"
                         " WHERE i.seq BETWEEN $2 AND $4"
                         "   AND (e.n IS DISTINCT FROM 1 OR e.lo <> i.hash OR e.hi <> i.hash)"
                         " ORDER BY i.seq LIMIT 1",
                         6, NULL, params, NULL, NULL, 0);
  if (!_gh_hq_check_result (self, result, PGRES_TUPLES_OK, "checking what HQ holds", error))
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;
  seq = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  copies = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
  if (copies == 0)
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_CONFLICT,
                 "HQ %s did not keep event %" G_GINT64_FORMAT " of kiosk %s; not acknowledging "
                 "anything", self->target, seq, last->kiosk_id);
  else if (copies > 1)
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_CONFLICT,
                 "HQ %s holds event %" G_GINT64_FORMAT " of kiosk %s %" G_GINT64_FORMAT
                 " times; not acknowledging anything", self->target, seq, last->kiosk_id, copies);
  else
    g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_CONFLICT,
                 "HQ %s holds a different event %" G_GINT64_FORMAT " for kiosk %s "
                 "(two stores with one kiosk id?); not acknowledging anything", self->target, seq,
                 last->kiosk_id);
  return FALSE;
}

/* Locks the kiosk's row for the rest of the transaction and reads its high-water mark. */
static gboolean
lock_kiosk (GhHq        *self,
            const char  *kiosk_id,
            gint64      *last_seq,
            GError     **error)
{
  const char *params[] = { kiosk_id };
  g_autoptr(PGresult) insert = NULL;
  g_autoptr(PGresult) select = NULL;

  insert = PQexecParams (self->conn,
                         "INSERT INTO glasshouse.kiosk (kiosk_id) VALUES ($1)"
                         " ON CONFLICT (kiosk_id) DO NOTHING",
                         1, NULL, params, NULL, NULL, 0);
  if (!_gh_hq_check_result (self, insert, PGRES_COMMAND_OK, "registering the kiosk", error))
    return FALSE;
  select = PQexecParams (self->conn,
                         "SELECT last_seq FROM glasshouse.kiosk WHERE kiosk_id = $1 FOR UPDATE",
                         1, NULL, params, NULL, NULL, 0);
  if (!_gh_hq_check_result (self, select, PGRES_TUPLES_OK, "locking the kiosk's row", error))
    return FALSE;
  if (PQntuples (select) != 1)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "HQ %s: the row of kiosk %s vanished while locking it", self->target, kiosk_id);
      return FALSE;
    }
  *last_seq = g_ascii_strtoll (PQgetvalue (select, 0, 0), NULL, 10);
  return TRUE;
}

/* One HQ transaction for @events (one kiosk id, ascending seq). On success HQ has
 * committed every one of them; *@sent and *@skipped say how many were new. */
static gboolean
push_batch (GhHq              *self,
            GPtrArray         *events,
            GhHqProgressFunc   progress,
            gpointer           user_data,
            gint64            *sent,
            gint64            *skipped,
            GError           **error)
{
  const GhEvent *last = g_ptr_array_index (events, events->len - 1);
  const char *kiosk_id = last->kiosk_id;
  gint64 hq_last_seq = 0;
  guint n_resent = 0;
  g_autoptr(PGresult) commit = NULL;

  *sent = *skipped = 0;
  if (!_gh_hq_exec_command (self, "BEGIN", "starting a transaction", error))
    return FALSE;
  if (!lock_kiosk (self, kiosk_id, &hq_last_seq, error))
    goto fail;
  if (progress != NULL)
    progress (GH_HQ_STAGE_BATCH_LOCKED, last->seq, user_data);

  while (n_resent < events->len
         && ((const GhEvent *) g_ptr_array_index (events, n_resent))->seq <= hq_last_seq)
    n_resent++;

  /* The whole batch goes to the staging table, also what HQ says it has, so that one
   * query can check all of it; only what is above HQ's mark is inserted. HQ's arrival
   * trigger checks each new event's hash and link (schema.sql: event_arrived). */
  if (!copy_events (self, events, 0, progress, user_data, last->seq, error))
    goto fail;
  /* What HQ says it has must be what we have, before anything new is added to it. */
  if (n_resent > 0 && !verify_held (self, events, 0, hq_last_seq, FALSE, error))
    goto fail;
  if (n_resent < events->len)
    {
      g_autofree char *new_last = g_strdup_printf ("%" G_GINT64_FORMAT, last->seq);
      g_autofree char *mark_seq = g_strdup_printf ("%" G_GINT64_FORMAT, hq_last_seq);
      const char *params[] = { kiosk_id, new_last, last->hash };
      const char *above[] = { mark_seq };
      g_autoptr(PGresult) insert = NULL;
      g_autoptr(PGresult) mark = NULL;

      insert = PQexecPrepared (self->conn, "gh_push_insert", 1, above, NULL, NULL, 0);
      if (!_gh_hq_check_result (self, insert, PGRES_COMMAND_OK, "storing events", error))
        goto fail;
      *sent = g_ascii_strtoll (PQcmdTuples (insert), NULL, 10);
      mark = PQexecParams (self->conn,
                           "UPDATE glasshouse.kiosk SET last_seq = $2, last_hash = $3,"
                           " last_push_at = now () WHERE kiosk_id = $1",
                           3, NULL, params, NULL, NULL, 0);
      if (!_gh_hq_check_result (self, mark, PGRES_COMMAND_OK, "recording the kiosk's progress",
                                error))
        goto fail;
    }
  if (n_resent < events->len
      && !verify_held (self, events, n_resent, last->seq, TRUE, error))
    goto fail;
  *skipped = events->len - *sent;
  if (progress != NULL)
    progress (GH_HQ_STAGE_INSERTED, last->seq, user_data);

  /* An aborted transaction "commits" as ROLLBACK with PGRES_COMMAND_OK: check the tag.
   * A connection lost during COMMIT leaves the outcome unknown; not acking is safe
   * either way, since the next push resends and HQ skips what it has. */
  commit = PQexec (self->conn, "COMMIT");
  if (!_gh_hq_check_result (self, commit, PGRES_COMMAND_OK, "committing events", error))
    goto fail;
  if (g_strcmp0 (PQcmdStatus (commit), "COMMIT") != 0)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "HQ %s: the transaction of events up to %" G_GINT64_FORMAT " was rolled back",
                   self->target, last->seq);
      return FALSE;
    }
  return TRUE;

fail:
  _gh_hq_rollback (self);
  return FALSE;
}

static gboolean
ack_batch (GhStore  *store,
           gint64    last_seq,
           GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *iso = g_date_time_format_iso8601 (now);

  /* An ack lost in a power cut only means the batch goes again and HQ skips it
   * (verify_held), so it need not wait for the disk like a shopper's decision. */
  if (!gh_store_begin_redoable (store, error))
    return FALSE;
  if (gh_store_outbox_ack (store, last_seq, error) < 0
      || !gh_store_set_meta (store, "hq_last_push_at", iso, error))
    {
      gh_store_rollback (store);
      return FALSE;
    }
  return gh_store_commit (store, error);
}

static gboolean push_all (GhHq *self, GhStore *store, int batch_size, GhHqProgressFunc progress,
                          gpointer user_data, GhHqPushResult *result, GError **error);

gboolean
gh_hq_push (GhHq              *self,
            GhStore           *store,
            int                batch_size,
            GhHqProgressFunc   progress,
            gpointer           user_data,
            GhHqPushResult    *result,
            GError           **error)
{
  GhHqPushResult local = { 0 };
  gboolean ok;

  g_return_val_if_fail (GH_IS_HQ (self), FALSE);
  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (batch_size > 0, FALSE);

  if (result == NULL)
    result = &local;
  *result = (GhHqPushResult) { 0 };
  _gh_hq_arm_deadline (self);
  ok = check_schema (self, error) && push_all (self, store, batch_size, progress, user_data,
                                                   result, error);
  _gh_hq_disarm_deadline (self);
  return ok;
}

static gboolean
push_all (GhHq              *self,
          GhStore           *store,
          int                batch_size,
          GhHqProgressFunc   progress,
          gpointer           user_data,
          GhHqPushResult    *result,
          GError           **error)
{
  for (;;)
    {
      g_autoptr(GPtrArray) events = gh_store_outbox_list (store, 0, batch_size, error);
      const GhEvent *first;
      gint64 sent, skipped, last_seq;

      if (events == NULL)
        return FALSE;
      if (events->len == 0)
        break;

      /* A store renamed with init --kiosk-id holds events under two ids; HQ keeps a
       * high-water mark per id, so a batch never spans two. */
      first = g_ptr_array_index (events, 0);
      for (guint i = 1; i < events->len; i++)
        if (g_strcmp0 (((const GhEvent *) g_ptr_array_index (events, i))->kiosk_id,
                       first->kiosk_id) != 0)
          {
            g_ptr_array_set_size (events, i);
            break;
          }

      /* Each batch gets the whole deadline: a long backlog is not a hung HQ. */
      _gh_hq_arm_deadline (self);
      if (!prepare_staging (self, error)
          || !push_batch (self, events, progress, user_data, &sent, &skipped, error))
        return FALSE;
      last_seq = ((const GhEvent *) g_ptr_array_index (events, events->len - 1))->seq;
      if (progress != NULL)
        progress (GH_HQ_STAGE_COMMITTED, last_seq, user_data);
      if (!ack_batch (store, last_seq, error))
        return FALSE;
      if (progress != NULL)
        progress (GH_HQ_STAGE_ACKED, last_seq, user_data);
      result->sent += sent;
      result->skipped += skipped;
      result->batches++;
      result->last_seq = last_seq;
    }

  /* HQ answered and nothing was waiting: that is a successful push too, and the
   * health page should say the link works. */
  if (result->batches == 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *iso = g_date_time_format_iso8601 (now);

      /* A note for the health page, redone by the next round if a power cut loses it. */
      if (!gh_store_begin_redoable (store, error))
        return FALSE;
      if (!gh_store_set_meta (store, "hq_last_push_at", iso, error))
        {
          gh_store_rollback (store);
          return FALSE;
        }
      return gh_store_commit (store, error);
    }
  return TRUE;
}

GhHqStatus *
gh_hq_status (GhStore  *store,
              GError  **error)
{
  g_autoptr(GhHqStatus) status = g_new0 (GhHqStatus, 1);
  g_autoptr(GPtrArray) oldest = NULL;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  status->backlog = gh_store_outbox_count (store, error);
  if (status->backlog < 0)
    return NULL;
  oldest = gh_store_outbox_list (store, 0, 1, error);
  if (oldest == NULL)
    return NULL;
  if (oldest->len > 0)
    status->oldest_pending_at = g_strdup (((const GhEvent *) g_ptr_array_index (oldest, 0))->at);
  status->last_push_at = gh_store_get_meta (store, "hq_last_push_at");
  return g_steal_pointer (&status);
}

void
gh_hq_status_free (GhHqStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->oldest_pending_at);
  g_free (status->last_push_at);
  g_free (status);
}
