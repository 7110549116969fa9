/* GhStore, continued: the audit log — the SHA-256 event chain and its
 * verification, the outbox HQ drains, and attachments (personal data that
 * travels with an event but stays out of the append-only chain).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-store"
#include "config.h"

#include "store/gh-event-chain.h"
#include "store/gh-store-private.h"

/* ---- the audit chain ---------------------------------------------------- */

static gboolean
read_chain_head (GhStore  *self,
                 gint64   *seq,
                 char    **hash,
                 GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      *hash = _gh_store_column_dup (stmt, 1);
    }
  else
    {
      *seq = 0;
      *hash = g_strdup (GH_EVENT_CHAIN_GENESIS);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_clear_pointer (hash, g_free);
      _gh_store_set_error (self, rc, error, "reading the audit chain");
      return FALSE;
    }
  return TRUE;
}

static gboolean
insert_event_rows (GhStore        *self,
                   const GhEvent  *event,
                   GError        **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self,
      "INSERT INTO event (seq, at, kiosk_id, actor, customer_ref, kind, body, prev_hash, hash)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->seq);
  sqlite3_bind_text (stmt, 2, event->at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, event->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, event->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, event->customer_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, event->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, event->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, event->prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, event->hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "appending to the audit chain");
      return FALSE;
    }

  stmt = _gh_store_prepare (self, "INSERT INTO outbox (seq) VALUES (?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->seq);
  return _gh_store_step_done (self, stmt, "queueing an event for HQ", error);
}

gint64
gh_store_append_event (GhStore     *self,
                       const char  *actor,
                       const char  *customer_ref,
                       const char  *kind,
                       const char  *body_json,
                       GError     **error)
{
  gboolean own_transaction;
  g_autofree char *prev_hash = NULL;
  g_autofree char *head_value = NULL;
  GhEvent event = { 0 };
  gint64 head_seq;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (actor != NULL && kind != NULL, -1);

  /* Whatever enters the append-only chain stays there: one check for every writer. */
  if (!gh_actor_text_is_valid (actor, error))
    return -1;
  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  if (!read_chain_head (self, &head_seq, &prev_hash, error))
    goto fail;

  event.seq = head_seq + 1;
  event.at = _gh_store_now_iso ();
  event.kiosk_id = (char *) gh_store_get_kiosk_id (self);
  event.actor = (char *) actor;
  event.customer_ref = (char *) customer_ref;
  event.kind = (char *) kind;
  event.body = (char *) (body_json != NULL ? body_json : "{}");
  event.prev_hash = prev_hash;
  event.hash = gh_event_chain_hash (&event);

  /* The head is kept beside the chain so that cutting events off its end is
   * noticed too: the chain alone cannot tell a truncated log from a short one. */
  head_value = g_strdup_printf ("%" G_GINT64_FORMAT " %s", event.seq, event.hash);
  if (!insert_event_rows (self, &event, error) ||
      !gh_store_set_meta (self, "chain_head", head_value, error))
    goto fail_event;
  g_free (event.at);
  g_free (event.hash);

  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return head_seq + 1;

fail_event:
  g_free (event.at);
  g_free (event.hash);
fail:
  if (own_transaction)
    gh_store_rollback (self);
  return -1;
}

gint64
gh_store_append_event_with_attachment (GhStore     *self,
                                       const char  *actor,
                                       const char  *customer_ref,
                                       const char  *kind,
                                       const char  *body_json,
                                       const char  *attachment_json,
                                       GError     **error)
{
  gboolean own_transaction;
  sqlite3_stmt *stmt;
  gint64 seq;
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), -1);
  g_return_val_if_fail (attachment_json != NULL, -1);

  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  seq = gh_store_append_event (self, actor, customer_ref, kind, body_json, error);
  if (seq < 0)
    goto fail;
  stmt = _gh_store_prepare (self, "INSERT INTO event_attachment (seq, body) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, attachment_json, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "attaching data to an event");
      goto fail;
    }
  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return seq;

fail:
  if (own_transaction)
    gh_store_rollback (self);
  return -1;
}

gboolean
gh_store_forget_attachments (GhStore     *self,
                             const char  *customer_ref,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  stmt = _gh_store_prepare (self,
      "DELETE FROM event_attachment WHERE seq IN (SELECT seq FROM event WHERE customer_ref = ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, customer_ref, -1, SQLITE_STATIC);
  return _gh_store_step_done (self, stmt, "deleting a shopper's undelivered data", error);
}

/* A single-number query, or -1 with @error saying @what was being done. */
gint64
_gh_store_query_int64 (GhStore     *self,
                       const char  *sql,
                       gint64       param,
                       const char  *what,
                       GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);
  gint64 value;
  int rc;

  if (stmt == NULL)
    return -1;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, param);
  rc = sqlite3_step (stmt);
  value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    _gh_store_set_error (self, rc, error, what);
  return value;
}

gint64
gh_store_count_events (GhStore  *self,
                       GError  **error)
{
  return _gh_store_query_int64 (self, "SELECT count(*) FROM event", 0, "counting events", error);
}

static GhEvent *
event_from_row (sqlite3_stmt *stmt)
{
  GhEvent *event = g_new0 (GhEvent, 1);

  event->seq = sqlite3_column_int64 (stmt, 0);
  event->at = _gh_store_column_dup (stmt, 1);
  event->kiosk_id = _gh_store_column_dup (stmt, 2);
  event->actor = _gh_store_column_dup (stmt, 3);
  event->customer_ref = _gh_store_column_dup (stmt, 4);
  event->kind = _gh_store_column_dup (stmt, 5);
  event->body = _gh_store_column_dup (stmt, 6);
  event->prev_hash = _gh_store_column_dup (stmt, 7);
  event->hash = _gh_store_column_dup (stmt, 8);
  return event;
}

#define EVENT_COLUMNS "e.seq, e.at, e.kiosk_id, e.actor, e.customer_ref, e.kind, e.body, e.prev_hash, e.hash"

static gboolean
chain_break (GError     **error,
             gint64      *first_bad_seq,
             gint64       seq,
             const char  *path,
             const char  *why)
{
  *first_bad_seq = seq;
  g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
               "%s: audit chain broken at event %" G_GINT64_FORMAT ": %s", path, seq, why);
  return FALSE;
}

static gboolean verify_chain_in_snapshot (GhStore  *self,
                                          gint64   *checked,
                                          gint64   *first_bad_seq,
                                          GError  **error);

/* The walk and the chain head must be read from one snapshot: a writer that
 * appends between the two would otherwise look exactly like events cut off the
 * end (a false tamper alarm on a busy kiosk). A deferred BEGIN holds the read
 * snapshot of the first SELECT until the end, without taking the write lock. */
gboolean
gh_store_verify_chain (GhStore  *self,
                       gint64   *checked,
                       gint64   *first_bad_seq,
                       GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (GH_IS_STORE (self), FALSE);
  if (_gh_store_in_transaction (self))
    return verify_chain_in_snapshot (self, checked, first_bad_seq, error);
  if (!_gh_store_exec (self, "BEGIN DEFERRED", error))
    return FALSE;
  ok = verify_chain_in_snapshot (self, checked, first_bad_seq, error);
  _gh_store_exec (self, "COMMIT", NULL);
  return ok;
}

static gboolean
verify_chain_in_snapshot (GhStore  *self,
                          gint64   *checked,
                          gint64   *first_bad_seq,
                          GError  **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *expected_prev = g_strdup (GH_EVENT_CHAIN_GENESIS);
  g_autofree char *head = NULL;
  gint64 expected_seq = 1, dummy_bad = 0;
  int rc;

  if (first_bad_seq == NULL)
    first_bad_seq = &dummy_bad;
  *first_bad_seq = 0;
  if (checked != NULL)
    *checked = 0;

  stmt = _gh_store_prepare (self, "SELECT " EVENT_COLUMNS " FROM event e ORDER BY e.seq", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GhEvent) event = event_from_row (stmt);
      g_autofree char *hash = NULL;

      if (event->seq != expected_seq)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, expected_seq, gh_store_get_path (self),
                              "the event is missing");
        }
      if (g_strcmp0 (event->prev_hash, expected_prev) != 0)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, event->seq, gh_store_get_path (self),
                              "it does not link to the event before it");
        }
      hash = gh_event_chain_hash (event);
      if (g_strcmp0 (hash, event->hash) != 0)
        {
          sqlite3_reset (stmt);
          return chain_break (error, first_bad_seq, event->seq, gh_store_get_path (self),
                              "its contents do not match its hash");
        }
      g_free (expected_prev);
      expected_prev = g_steal_pointer (&event->hash);
      expected_seq++;
      if (checked != NULL)
        (*checked)++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading the audit chain");
      return FALSE;
    }

  head = gh_store_get_meta (self, "chain_head");
  if (expected_seq > 1 || head != NULL)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT " %s", expected_seq - 1, expected_prev);
      if (g_strcmp0 (head, want) != 0)
        return chain_break (error, first_bad_seq, expected_seq, gh_store_get_path (self),
                            "events are missing from the end of the chain");
    }
  return TRUE;
}

/* ---- the outbox --------------------------------------------------------- */

GPtrArray *
gh_store_outbox_list (GhStore     *self,
                      gint64       after_seq,
                      int          limit,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) gh_event_free);
  int rc;

  g_return_val_if_fail (GH_IS_STORE (self), NULL);
  stmt = _gh_store_prepare (self,
      "SELECT " EVENT_COLUMNS ", a.body FROM outbox o JOIN event e ON e.seq = o.seq"
      " LEFT JOIN event_attachment a ON a.seq = o.seq"
      " WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int (stmt, 2, limit > 0 ? limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GhEvent *event = event_from_row (stmt);

      event->attachment = _gh_store_column_dup (stmt, 9);
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (self, rc, error, "reading the outbox");
      return NULL;
    }
  return g_steal_pointer (&events);
}

gint64
gh_store_outbox_count (GhStore  *self,
                       GError  **error)
{
  return _gh_store_query_int64 (self, "SELECT count(*) FROM outbox", 0, "counting the outbox",
                                error);
}

static gboolean
exec_with_int64 (GhStore     *self,
                      const char  *sql,
                      gint64       value,
                      GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, value);
  return _gh_store_step_done (self, stmt, "acknowledging events", error);
}

gint64
gh_store_outbox_ack (GhStore     *self,
                     gint64       seq,
                     GError     **error)
{
  gboolean own_transaction;
  gint64 max_seq, acked;

  g_return_val_if_fail (GH_IS_STORE (self), -1);

  max_seq = _gh_store_query_int64 (self, "SELECT coalesce (max (seq), 0) FROM event", 0,
                                   "reading the audit chain", error);
  if (max_seq < 0)
    return -1;
  if (seq < 1 || seq > max_seq)
    {
      /* Acking what was never sent would silently drop events HQ has not seen. */
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND,
                   "outbox ack %" G_GINT64_FORMAT ": no such event (the last is %" G_GINT64_FORMAT ")",
                   seq, max_seq);
      return -1;
    }

  /* HQ has the attachments now: the kiosk keeps no copy of personal data it
   * only held to deliver. One transaction, so both go or neither. */
  own_transaction = !_gh_store_in_transaction (self);
  if (own_transaction && !gh_store_begin (self, error))
    return -1;
  if (!exec_with_int64 (self, "DELETE FROM event_attachment WHERE seq <= ?1", seq, error) ||
      !exec_with_int64 (self, "DELETE FROM outbox WHERE seq <= ?1", seq, error))
    {
      if (own_transaction)
        gh_store_rollback (self);
      return -1;
    }
  acked = sqlite3_changes (_gh_store_get_db (self));
  if (own_transaction && !gh_store_commit (self, error))
    return -1;
  return acked;
}
