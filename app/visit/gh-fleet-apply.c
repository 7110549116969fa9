/* Applying what a sync pulled from HQ (gh-hq-pull.c stages it in fleet_pending): a
 * decision made at another kiosk, on the phone or by the CRM becomes this kiosk's consent
 * with an event of actor "hq" that names where it was made (HQ's arrival trigger never
 * turns such an event into a decision again); an erasure runs the same erasure as "Forget
 * me"; member lines go through the member import. Also the two file locks that keep all of
 * this out of a shopper's visit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-fleet-apply.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "members/gh-member-import.h"
#include "store/gh-store-private.h"
#include "visit/gh-erasure.h"
#include "visit/gh-fleet-chunk-private.h"

/* Member lines given to the import at once: one feed, its own batched transactions. */
#define MEMBER_LINES_AT_ONCE 2000

int
gh_fleet_lock_try (const char   *db_path,
                   GhFleetLock   lock,
                   gboolean      exclusive,
                   GError      **error)
{
  g_autofree char *path = g_strconcat (db_path, lock == GH_FLEET_LOCK_RUNNING ? ".running.lock"
                                                                          : ".visit.lock", NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s: cannot open: %s",
                   path, g_strerror (saved));
      return -1;
    }
  if (flock (fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved != EWOULDBLOCK)
        g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s: cannot lock: %s",
                     path, g_strerror (saved));
      return -1;
    }
  return fd;
}

void
gh_fleet_lock_release (int fd)
{
  if (fd >= 0)
    close (fd);  /* closing the only descriptor drops the flock */
}

gboolean
gh_fleet_stage (GhStore     *store,
                gint64       change_no,
                const char  *stream,
                const char  *ref,
                const char  *payload,
                GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT OR IGNORE INTO fleet_pending (change_no, stream, ref, payload)"
      " VALUES (?1, ?2, ?3, ?4)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change_no);
  sqlite3_bind_text (stmt, 2, stream, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, payload, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "staging what HQ sent", error);
}

gint64
gh_fleet_pending_count (GhStore  *store,
                        GError  **error)
{
  /* A chunk counts its lines: each of its rows ends with a newline. */
  return _gh_store_query_int64 (store,
      "SELECT coalesce (sum (CASE stream WHEN 'members'"
      "                       THEN length (payload) - length (replace (payload, char (10), ''))"
      "                       ELSE 1 END), 0) FROM fleet_pending", 0, "counting what HQ sent",
      error);
}

typedef struct {
  gint64  change_no;
  char   *stream;
  char   *ref;
  char   *payload;
} Pending;

static void
pending_free (Pending *pending)
{
  g_free (pending->stream);
  g_free (pending->ref);
  g_free (pending->payload);
  g_free (pending);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

/* The oldest staged rows, at most @limit, all of the first row's stream. */
static GPtrArray *
next_pending (GhStore  *store,
              int       limit,
              GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT change_no, stream, ref, payload FROM fleet_pending ORDER BY change_no LIMIT ?1",
      error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Pending *row = g_new0 (Pending, 1);

      row->change_no = sqlite3_column_int64 (stmt, 0);
      row->stream = _gh_store_column_dup (stmt, 1);
      row->ref = _gh_store_column_dup (stmt, 2);
      row->payload = _gh_store_column_dup (stmt, 3);
      if (rows->len > 0
          && g_strcmp0 (row->stream, ((Pending *) g_ptr_array_index (rows, 0))->stream) != 0)
        {
          pending_free (row);
          break;
        }
      g_ptr_array_add (rows, row);
      /* A chunk is a batch of member lines on its own. */
      if (g_str_equal (row->stream, "members"))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading what HQ sent");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static gboolean
unstage (GhStore  *store,
         gint64    from,
         gint64    to,
         GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "DELETE FROM fleet_pending WHERE change_no BETWEEN ?1 AND ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  return _gh_store_step_done (store, stmt, "clearing what HQ sent", error);
}

/* TRUE if the kiosk made a decision on @purpose for @ref that HQ has not acknowledged yet:
 * it is later than anything HQ sent, and wins once pushed. */
static gboolean
local_decision_waiting (GhStore     *store,
                        const char  *ref,
                        const char  *purpose,
                        gboolean    *waiting,
                        GError     **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT 1 FROM outbox o JOIN event e ON e.seq = o.seq"
      " WHERE e.customer_ref = ?1 AND e.kind IN ('consent.granted', 'consent.revoked')"
      "   AND e.actor <> 'hq' AND json_extract (e.body, '$.purpose') = ?2 LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "looking for the kiosk's own decisions");
      return FALSE;
    }
  *waiting = rc == SQLITE_ROW;
  return TRUE;
}

/* TRUE in *@later when the stage holds a later decision for the same member and purpose. */
static gboolean
later_staged (GhStore        *store,
              const Pending  *row,
              const char     *purpose,
              gboolean       *later,
              GError        **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT 1 FROM fleet_pending WHERE ref = ?1 AND stream = 'decision' AND change_no > ?2"
      "   AND json_extract (payload, '$.purpose') = ?3 LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->ref, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, row->change_no);
  sqlite3_bind_text (stmt, 3, purpose, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading what HQ sent");
      return FALSE;
    }
  *later = rc == SQLITE_ROW;
  return TRUE;
}

/* The event body: the consent body's fields, then where the decision was made. */
static char *
decision_body (JsonObject  *decision,
               gint64       change_no)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *fields[] = { "purpose", "state", "notice_version", "origin", "kiosk_id",
                           "decided_at" };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      json_builder_set_member_name (builder, fields[i]);
      if (json_object_has_member (decision, fields[i])
          && !json_object_get_null_member (decision, fields[i]))
        json_builder_add_string_value (builder, json_object_get_string_member (decision,
                                                                               fields[i]));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_set_member_name (builder, "hq_change_no");
  json_builder_add_int_value (builder, change_no);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
apply_decision (GhStore         *store,
                const Pending   *row,
                GhFleetApplied  *applied,
                GError         **error)
{
  g_autoptr(JsonNode) node = json_from_string (row->payload, NULL);
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *body = NULL;
  JsonObject *decision;
  const char *purpose, *state_text;
  GhConsentState state;
  gboolean waiting = FALSE;
  GhConsentState current = GH_CONSENT_REVOKED;
  gboolean present = FALSE;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return unstage (store, row->change_no, row->change_no, error);  /* we wrote it: cannot be */
  decision = json_node_get_object (node);
  purpose = json_object_get_string_member_with_default (decision, "purpose", NULL);
  state_text = json_object_get_string_member_with_default (decision, "state", "");
  state = g_str_equal (state_text, "granted") ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;

  /* Only the last staged decision per member and purpose counts (HQ's order). The
   * kiosk's own decisions come back too and are not skipped: one made here and pushed
   * may be later at HQ than one from the phone staged with it, and must stay in force. */
  if (purpose == NULL)
    goto ignore;
  if (!later_staged (store, row, purpose, &waiting, error))
    return FALSE;
  if (waiting)
    goto ignore;
  customer = gh_store_find_customer_by_ref (store, row->ref, &local);
  if (customer == NULL)
    {
      if (!g_error_matches (local, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      goto ignore;  /* not a member here, or forgotten: stays so */
    }
  if (!local_decision_waiting (store, row->ref, purpose, &waiting, error)
      || !_gh_store_read_consent_state (store, customer->id, purpose, NULL, &present, &current,
                                        NULL, error))
    return FALSE;
  if (waiting || (present && current == state))
    goto ignore;

  body = decision_body (decision, row->change_no);
  if (!_gh_store_write_consent_row (store, customer->id, purpose, state,
                      json_object_get_string_member_with_default (decision, "notice_version",
                                                                  NULL), error)
      || gh_store_append_event (store, "hq", row->ref,
                                state == GH_CONSENT_GRANTED ? "consent.granted"
                                                            : "consent.revoked",
                                body, error) < 0)
    return FALSE;
  applied->decisions++;
  return unstage (store, row->change_no, row->change_no, error);

ignore:
  applied->ignored++;
  return unstage (store, row->change_no, row->change_no, error);
}

static gboolean
suppress (GhStore     *store,
          const char  *ref,
          GError     **error)
{
  g_autofree char *now = _gh_store_now_iso ();
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "INSERT OR IGNORE INTO suppression (customer_ref, since) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  return _gh_store_step_done (store, stmt, "adding to the suppression list", error);
}

/* Runs in no transaction: the erasure makes its own and then empties the WAL. Re-running
 * after a kill finds the member gone and only makes sure of the suppression. */
static gboolean
apply_erasure (GhStore         *store,
               const Pending   *row,
               GhFleetApplied  *applied,
               GError         **error)
{
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) local = NULL;
  sqlite3_stmt *stmt;

  customer = gh_store_find_customer_by_ref (store, row->ref, &local);
  if (customer != NULL)
    {
      g_autoptr(GhErasureResult) result = gh_erasure_forget_customer (store, NULL, customer, "hq",
                                                                      NULL, error);
      if (result == NULL)
        return FALSE;
    }
  else if (!g_error_matches (local, GH_STORE_ERROR, GH_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!gh_store_begin (store, error))
    return FALSE;
  /* Member lines staged for them would be refused anyway; they are personal data. */
  /* Chunks hold many members (ref ""): their lines of @ref go below. */
  stmt = _gh_store_prepare (store, "DELETE FROM fleet_pending"
                                   " WHERE ref = ?1 AND stream <> 'members'", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, row->ref, -1, SQLITE_STATIC);
  if (!_gh_store_step_done (store, stmt, "clearing what HQ sent", error)
      || !_gh_fleet_chunks_drop_ref (store, row->ref, error)
      || !suppress (store, row->ref, error) || !gh_store_commit (store, error))
    goto fail;
  applied->erasures++;
  /* The staged lines were deleted after the erasure's own checkpoint: until the next one,
   * their old pages would stay in the database file beside the zeroed ones in the WAL. */
  return gh_erasure_checkpoint (store, error);

fail:
  gh_store_rollback (store);
  return FALSE;
}

static void
count_refused (guint64      line_number,
               const char  *line,
               gsize        length,
               const char  *message,
               gpointer     user_data)
{
  g_message ("a member line from HQ was refused: %s", message);
}

/* The member import over @lines (JSON texts) as one feed: it checks them as it checks any
 * feed and is idempotent, so a kill before the lines leave the stage only repeats the same
 * work. */
static gboolean
import_lines (GhStore         *store,
              const char     **lines,
              guint            n_lines,
              GhFleetApplied  *applied,
              GError         **error)
{
  g_autoptr(GString) feed = g_string_new ("{\"format\":\"glasshouse-members/1\","
                                          "\"source\":\"HQ\"}\n");
  g_autoptr(GInputStream) input = NULL;
  GhMemberImportOptions options = { .actor = "hq", .on_refused = count_refused };
  GhMemberImportSummary summary = { 0 };
  gsize length;

  for (guint i = 0; i < n_lines; i++)
    {
      g_string_append (feed, lines[i]);
      g_string_append_c (feed, '\n');
    }
  length = feed->len;
  input = g_memory_input_stream_new_from_data (g_string_free (g_steal_pointer (&feed), FALSE),
                                               length, g_free);
  if (!gh_member_import (store, input, &options, &summary, NULL, error))
    return FALSE;
  applied->members += summary.lines;
  applied->refused += summary.refused;
  return TRUE;
}

/* Member lines staged one a row (by a kiosk of before store schema 9). */
static gboolean
apply_members (GhStore         *store,
               GPtrArray       *rows,
               GhFleetApplied  *applied,
               GError         **error)
{
  g_autofree const char **lines = g_new0 (const char *, rows->len);

  for (guint i = 0; i < rows->len; i++)
    lines[i] = ((const Pending *) g_ptr_array_index (rows, i))->payload;
  if (!import_lines (store, lines, rows->len, applied, error) || !gh_store_begin (store, error))
    return FALSE;
  if (!unstage (store, ((Pending *) g_ptr_array_index (rows, 0))->change_no,
                ((Pending *) g_ptr_array_index (rows, rows->len - 1))->change_no, error)
      || !gh_store_commit (store, error))
    {
      gh_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

/* The change number of the staged row after @change_no, or 0 when there is none. */
static gint64
next_staged (GhStore  *store,
             gint64    change_no,
             GError  **error)
{
  return _gh_store_query_int64 (store, "SELECT coalesce (min (change_no), 0) FROM fleet_pending"
                                       " WHERE change_no > ?1", change_no,
                                "reading what HQ sent", error);
}

/* A chunk's lines up to the next staged row (a decision or an erasure HQ numbered between
 * them waits for its turn), then the chunk staged again with the lines left, in one
 * transaction. */
static gboolean
apply_member_chunk (GhStore         *store,
                    const Pending   *row,
                    GhFleetApplied  *applied,
                    GError         **error)
{
  g_autoptr(GPtrArray) lines = _gh_fleet_chunk_parse (row->payload, error);
  g_autofree const char **texts = NULL;
  g_autofree char *rest = NULL;
  gint64 next;
  guint now = 0;

  if (lines == NULL || (next = next_staged (store, row->change_no, error)) < 0)
    return FALSE;
  texts = g_new0 (const char *, lines->len);
  /* The first line is the chunk's key: always its turn. */
  while (now < lines->len
         && (now == 0 || next == 0
             || ((GhFleetChunkLine *) g_ptr_array_index (lines, now))->change_no < next))
    {
      texts[now] = ((GhFleetChunkLine *) g_ptr_array_index (lines, now))->line;
      now++;
    }
  if (!import_lines (store, texts, now, applied, error) || !gh_store_begin (store, error))
    return FALSE;
  rest = _gh_fleet_chunk_rest (row->payload, lines, now, NULL);
  if (!unstage (store, row->change_no, row->change_no, error)
      || (rest != NULL
          && !gh_fleet_stage (store,
                              ((GhFleetChunkLine *) g_ptr_array_index (lines, now))->change_no,
                              "members", "", rest, error))
      || !gh_store_commit (store, error))
    {
      gh_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
gh_fleet_apply_pending (GhStore         *store,
                        GhFleetApplied  *applied,
                        GhFleetStepFunc  step,
                        gpointer         user_data,
                        GError         **error)
{
  GhFleetApplied local = { 0 };

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);

  if (applied == NULL)
    applied = &local;
  for (;;)
    {
      g_autoptr(GPtrArray) rows = next_pending (store, MEMBER_LINES_AT_ONCE, error);
      const Pending *first;
      gboolean ok;

      if (rows == NULL)
        return FALSE;
      if (rows->len == 0)
        return TRUE;
      first = g_ptr_array_index (rows, 0);
      if (g_str_equal (first->stream, "members"))
        ok = apply_member_chunk (store, first, applied, error);
      else if (g_str_equal (first->stream, "member"))
        ok = apply_members (store, rows, applied, error);
      else if (g_str_equal (first->stream, "erasure"))
        ok = apply_erasure (store, first, applied, error);
      else
        {
          ok = gh_store_begin (store, error);
          if (ok && !(ok = apply_decision (store, first, applied, error)))
            gh_store_rollback (store);
          else if (ok)
            ok = gh_store_commit (store, error);
        }
      if (!ok)
        return FALSE;
      if (step != NULL)
        step (first->change_no, user_data);
    }
}
