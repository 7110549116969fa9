/* The pull half of a sync round: what HQ holds for this kiosk, by change number.
 *
 * Each stream (member changes of the kiosk's store, decisions, erasures, bundles) has a
 * cursor in the store's meta. A pull first asks HQ for the settled mark
 * (glasshouse.settled_change_no: every number up to it belongs to a finished transaction,
 * see schema.sql), then reads each stream's rows above its cursor and up to that mark,
 * and stages each page together with the new cursor in one sqlite transaction: a round
 * killed at any point resumes where it stopped, and a repeated page changes nothing. So a
 * page need not wait for the disk (gh_store_begin_redoable): lost in a power cut, it comes
 * again; applying the stage to the store is what waits.
 * Bundles are not staged: each is verified with the kiosk's own trust file and applied
 * (or refused and recorded) right away, or, when the kiosk program runs, left in its inbox.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq-sync.h"
#include "hq/gh-hq-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "config/gh-config.h"
#include "config/gh-inbox.h"
#include "hq/gh-hq-pull-private.h"

#define DEFAULT_PAGE 20000
/* The page cache the store's connection may use while staging: a page of 20,000 member
 * lines is some 8 MB, and with sqlite's default 2 MiB the stage's index pages are
 * written out and read back over and over (bench-hq-pull: 0.80 s a 100,000 lines with
 * the default, 0.66 s with this). The pull runs in glasshouse-ctl, never in the kiosk. */
#define STAGING_CACHE_MIB 64
#define BUNDLE_PAGE 20

static gint64
cursor_get (GhStore    *store,
            const char *stream)
{
  g_autofree char *key = g_strconcat ("hq_cursor_", stream, NULL);
  g_autofree char *value = gh_store_get_meta (store, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* Only ever forward: two rounds at once (the timer and someone by hand) must not move a
 * cursor back over what the other applied. */
static gboolean
cursor_set (GhStore     *store,
            const char  *stream,
            gint64       change_no,
            GError     **error)
{
  g_autofree char *key = g_strconcat ("hq_cursor_", stream, NULL);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, change_no);

  if (change_no <= cursor_get (store, stream))
    return TRUE;
  return gh_store_set_meta (store, key, value, error);
}

gboolean
_gh_hq_settle (GhHq    *self,
               gint64  *mark,
               GError **error)
{
  PGresult *result;
  gboolean ok = TRUE, got = FALSE;

  /* One round trip: the statements of one query string answer one result each. A long hq
   * import holds the shared lock for its whole transaction: wait a while, then give up this
   * round rather than hang (the next round tries again). */
  _gh_hq_arm_deadline (self);
  if (!PQsendQuery (self->conn, "BEGIN; SET LOCAL lock_timeout = '10s';"
                                " SELECT glasshouse.settled_change_no (); COMMIT"))
    {
      _gh_hq_disarm_deadline (self);
      _gh_hq_set_result_error (self, NULL, "waiting for HQ's writers", error);
      return FALSE;
    }
  while ((result = PQgetResult (self->conn)) != NULL)
    {
      ExecStatusType status = PQresultStatus (result);

      if (ok && status == PGRES_TUPLES_OK && PQntuples (result) == 1)
        {
          *mark = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
          got = TRUE;
        }
      else if (ok && status != PGRES_COMMAND_OK)
        ok = _gh_hq_check_result (self, result, PGRES_COMMAND_OK, "waiting for HQ's writers",
                                  error);
      PQclear (result);
    }
  _gh_hq_disarm_deadline (self);
  if (ok && !got)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "HQ %s: no settled change number came back", self->target);
      ok = FALSE;
    }
  if (!ok)
    _gh_hq_rollback (self);
  return ok;
}

static char *
decision_payload (PGresult *result,
                  int       row)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *names[] = { NULL, NULL, "purpose", "state", "notice_version", "decided_at",
                          "origin", "kiosk_id" };

  json_builder_begin_object (builder);
  for (int column = 2; column < (int) G_N_ELEMENTS (names); column++)
    {
      json_builder_set_member_name (builder, names[column]);
      if (PQgetisnull (result, row, column))
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, PQgetvalue (result, row, column));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
erasure_payload (PGresult *result,
                 int       row)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requested_at");
  json_builder_add_string_value (builder, PQgetvalue (result, row, 2));
  json_builder_set_member_name (builder, "origin");
  json_builder_add_string_value (builder, PQgetvalue (result, row, 3));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef struct {
  const char *stream;
  const char *sql;   /* $1 cursor, $2 settled mark, $3 store (may be NULL), $4 page */
  char     *(*payload) (PGresult *result, int row);  /* NULL: column 2 as it is */
} Stream;

static const Stream streams[] = {
  /* Pulled as COPY by pull_member_page. */
  { "member", NULL, NULL },
  { "decision",
    "SELECT change_no, ref, purpose_id,"
    "       glasshouse.effective_state (ref, purpose_id, change_no, state, decided_at),"
    "       notice_version,"
    "       to_char (decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    "       origin, kiosk_id"
    "  FROM glasshouse.decision"
    " WHERE change_no > $1 AND change_no <= $2 AND $3::text IS NOT DISTINCT FROM $3"
    " ORDER BY change_no LIMIT $4", decision_payload },
  { "erasure",
    "SELECT change_no, ref,"
    "       to_char (requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    "       origin"
    "  FROM glasshouse.erasure"
    " WHERE change_no > $1 AND change_no <= $2 AND $3::text IS NOT DISTINCT FROM $3"
    " ORDER BY change_no LIMIT $4", erasure_payload },
};

/* One page of @stream into the stage, with its cursor. *@more: a full page came back. */
static gboolean
pull_page (GhHq                   *self,
           GhStore                *store,
           const Stream           *stream,
           gint64                  settled,
           int                     page,
           gint64                 *staged,
           gboolean               *more,
           GError                **error)
{
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, cursor_get (store,
                                                                          stream->stream));
  g_autofree char *mark = g_strdup_printf ("%" G_GINT64_FORMAT, settled);
  g_autofree char *limit = g_strdup_printf ("%d", page);
  g_autofree char *store_id = gh_store_get_meta (store, "store_id");
  const char *params[] = { cursor, mark, store_id, limit };
  g_autoptr(PGresult) result = NULL;
  g_autofree char *what = g_strdup_printf ("pulling %ss", stream->stream);
  int rows;

  _gh_hq_arm_deadline (self);
  result = PQexecParams (self->conn, stream->sql, 4, NULL, params, NULL, NULL, 0);
  _gh_hq_disarm_deadline (self);
  if (!_gh_hq_check_result (self, result, PGRES_TUPLES_OK, what, error))
    return FALSE;
  rows = PQntuples (result);
  *more = rows == page;
  /* Nothing new: no write, no fsync (the empty round stays cheap). */
  if (rows == 0 && cursor_get (store, stream->stream) == settled)
    return TRUE;

  /* Redoable: a page lost in a power cut loses its cursor with it and comes again. */
  if (!gh_store_begin_redoable (store, error))
    return FALSE;
  for (int row = 0; row < rows; row++)
    {
      g_autofree char *payload = stream->payload != NULL ? stream->payload (result, row) : NULL;

      if (!gh_fleet_stage (store, g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10),
                           stream->stream, PQgetvalue (result, row, 1),
                           payload != NULL ? payload : PQgetvalue (result, row, 2), error))
        goto fail;
    }
  /* A short page means everything up to the mark is in: the cursor may jump to it. */
  if (!cursor_set (store, stream->stream,
                   *more ? g_ascii_strtoll (PQgetvalue (result, rows - 1, 0), NULL, 10) : settled,
                   error)
      || !gh_store_commit (store, error))
    goto fail;
  *staged += rows;
  return TRUE;

fail:
  gh_store_rollback (store);
  return FALSE;
}

/* The member stream is the big one (a CRM's nightly changes): its page comes as COPY and is
 * staged as it arrives, so the server's sending and the store's writing overlap, and no
 * result set of the whole page is built in memory. The rows are staged as they came, by
 * the chunk of GH_FLEET_MEMBER_CHUNK_LINES (gh-fleet-chunk.c says why). */
static gboolean
stage_chunk (GhStore   *store,
             gint64     first,
             GString   *chunk,
             GError   **error)
{
  gboolean ok = gh_fleet_stage (store, first, "members", "", chunk->str, error);

  g_string_truncate (chunk, 0);
  return ok;
}

static gboolean
pull_member_page (GhHq      *self,
                  GhStore   *store,
                  gint64     settled,
                  int        page,
                  gint64    *staged,
                  gboolean  *more,
                  GError   **error)
{
  g_autofree char *store_id = gh_store_get_meta (store, "store_id");
  g_autofree char *condition = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) start = NULL;
  g_autoptr(GString) chunk = g_string_sized_new (1024 * 1024);
  gboolean ok = TRUE, begun = FALSE;
  gint64 rows = 0, last = 0, chunk_first = 0;
  guint chunk_lines = 0;
  PGresult *end;
  char *buffer;
  int n;

  if (!gh_store_set_cache_size (store, STAGING_CACHE_MIB, error))
    return FALSE;
  /* COPY takes no parameters: the numbers are ours, the store id is quoted by libpq. */
  if (store_id != NULL)
    {
      char *quoted = PQescapeLiteral (self->conn, store_id, strlen (store_id));

      if (quoted == NULL)
        {
          _gh_hq_set_result_error (self, NULL, "pulling member changes", error);
          return FALSE;
        }
      condition = g_strdup_printf ("%s = ANY (stores)", quoted);
      PQfreemem (quoted);
    }
  sql = g_strdup_printf ("COPY (SELECT change_no, ref, line FROM glasshouse.member_change"
                         " WHERE change_no > %" G_GINT64_FORMAT " AND change_no <= %"
                         G_GINT64_FORMAT " AND %s ORDER BY change_no LIMIT %d) TO STDOUT",
                         cursor_get (store, "member"), settled,
                         condition != NULL ? condition : "true", page);
  _gh_hq_arm_deadline (self);
  start = PQexec (self->conn, sql);
  if (!_gh_hq_check_result (self, start, PGRES_COPY_OUT, "pulling member changes", error))
    {
      _gh_hq_disarm_deadline (self);
      return FALSE;
    }
  while ((n = PQgetCopyData (self->conn, &buffer, 0)) > 0)
    {
      char *number_end = NULL;
      gint64 change_no = g_ascii_strtoll (buffer, &number_end, 10);
      char *ref = memchr (buffer, '\t', n);
      char *line = ref != NULL ? memchr (ref + 1, '\t', buffer + n - ref - 1) : NULL;

      if (ok && (line == NULL || number_end != ref || change_no <= last
                 || buffer[n - 1] != '\n'))
        {
          g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                       "HQ %s: a member change came back malformed", self->target);
          ok = FALSE;
        }
      if (ok && !begun)
        ok = begun = gh_store_begin_redoable (store, error);
      if (ok)
        {
          if (chunk_lines == 0)
            chunk_first = change_no;
          g_string_append_len (chunk, buffer, n);
          last = change_no;
          rows++;
          if (++chunk_lines == GH_FLEET_MEMBER_CHUNK_LINES)
            {
              ok = stage_chunk (store, chunk_first, chunk, error);
              chunk_lines = 0;
            }
        }
      PQfreemem (buffer);
    }
  if (ok && chunk_lines > 0)
    ok = stage_chunk (store, chunk_first, chunk, error);
  if (n == -2 && ok)
    {
      _gh_hq_set_result_error (self, NULL, "pulling member changes", error);
      ok = FALSE;
    }
  while ((end = PQgetResult (self->conn)) != NULL)
    {
      if (ok && PQresultStatus (end) != PGRES_COMMAND_OK)
        ok = _gh_hq_check_result (self, end, PGRES_COMMAND_OK, "pulling member changes", error);
      PQclear (end);
    }
  _gh_hq_disarm_deadline (self);

  *more = ok && rows == page;
  if (ok && rows == 0 && cursor_get (store, "member") == settled)
    return TRUE;
  if (ok && !begun)
    ok = begun = gh_store_begin_redoable (store, error);
  /* A short page means everything up to the mark is in: the cursor may jump to it. */
  if (ok)
    ok = cursor_set (store, "member", *more ? last : settled, error)
         && gh_store_commit (store, error);
  if (!ok)
    {
      if (begun)
        gh_store_rollback (store);
      return FALSE;
    }
  *staged += rows;
  return TRUE;
}

gboolean
_gh_hq_pull_streams (GhHq                   *self,
                     GhStore                *store,
                     gint64                  settled,
                     const GhHqSyncOptions  *options,
                     GhHqSyncResult         *result,
                     GError                **error)
{
  int page = options->page > 0 ? options->page : DEFAULT_PAGE;

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    {
      gboolean more = TRUE;

      /* Row-level security shows a kiosk its store's members only once HQ approved it:
       * pulling before would move the cursor past rows it could not see yet. */
      if (g_str_equal (streams[i].stream, "member") && !result->approved)
        continue;

      while (more)
        {
          if (i == 0 ? !pull_member_page (self, store, settled, page, &result->staged, &more,
                                          error)
                     : !pull_page (self, store, &streams[i], settled, page, &result->staged,
                                   &more, error))
            return FALSE;
          if (options->progress != NULL)
            options->progress (GH_HQ_SYNC_STAGED_PAGE, cursor_get (store, streams[i].stream),
                               options->user_data);
        }
    }
  return TRUE;
}

gboolean
gh_hq_pull_members (GhHq      *self,
                    GhStore   *store,
                    int        page,
                    gint64    *staged,
                    GError   **error)
{
  gint64 settled = 0, local = 0;
  gboolean more = TRUE;

  g_return_val_if_fail (GH_IS_HQ (self), FALSE);
  if (staged == NULL)
    staged = &local;
  if (!_gh_hq_settle (self, &settled, error))
    return FALSE;
  while (more)
    if (!pull_member_page (self, store, settled, page > 0 ? page : DEFAULT_PAGE, staged, &more,
                           error))
      return FALSE;
  return TRUE;
}

/* ---- bundles -------------------------------------------------------------------- */

/* The kiosk program runs: hand the bundle to its inbox (written aside, renamed in), which
 * verifies it with the same trust and holds it during a visit. */
static gboolean
bundle_to_inbox (GhStore      *store,
                 const char   *inbox_dir,
                 gint64        change_no,
                 const char   *bytes,
                 gsize         length,
                 GError      **error)
{
  g_autofree char *dir = inbox_dir != NULL ? g_strdup (inbox_dir)
                                           : gh_inbox_default_directory (store);
  g_autofree char *name = g_strdup_printf ("hq-change-%" G_GINT64_FORMAT ".bundle", change_no);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                   "%s: cannot make the inbox: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* g_file_set_contents writes a temporary file and renames it into place. */
  if (!g_file_set_contents_full (path, bytes, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local))
    {
      g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_bundle (GhStore                *store,
              const GhHqSyncOptions  *options,
              gint64                  change_no,
              gint64                  claimed_version,
              const char             *bytes,
              gsize                   length,
              GhHqSyncResult         *result,
              GError                **error)
{
  g_autoptr(GBytes) bundle = g_bytes_new (bytes, length);
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *source = g_strdup_printf ("HQ change %" G_GINT64_FORMAT, change_no);
  gint64 active = 0;
  g_autoptr(GBytes) config = gh_store_get_active_config (store, &active, NULL);

  /* Pulled again after a round died between applying and moving the cursor. */
  if (claimed_version > 0 && claimed_version == active)
    return TRUE;
  catalog = gh_config_apply (store, bundle, options->trust, source, &local);
  if (catalog != NULL)
    {
      result->bundles_applied++;
      return TRUE;
    }
  if (!gh_config_is_rejection (local))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* Refused and recorded (config.rejected); the heartbeat says so; the next one is pulled. */
  {
    g_autofree char *said = g_strdup_printf ("version %" G_GINT64_FORMAT ": %s", claimed_version,
                                             local->message);
    result->bundles_refused++;
    return gh_store_set_meta (store, "hq_last_refused_bundle", said, error);
  }
}

gboolean
_gh_hq_pull_bundles (GhHq                   *self,
                     GhStore                *store,
                     gint64                  settled,
                     const GhHqSyncOptions  *options,
                     GhHqSyncResult         *result,
                     GError                **error)
{
  int running = -1;
  gboolean more = TRUE, ok = TRUE;
  g_autoptr(GError) lock_error = NULL;

  /* Without the trust file nothing could be verified; before approval row-level security
   * hides the store's bundles, and the cursor must not pass them. */
  if (options->trust == NULL || !result->approved)
    return TRUE;
  /* Without the kiosk program running, the sync applies bundles itself. */
  running = gh_fleet_lock_try (gh_store_get_path (store), GH_FLEET_LOCK_RUNNING, TRUE,
                               &lock_error);
  if (running < 0 && lock_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&lock_error));
      return FALSE;
    }
  while (ok && more)
    {
      g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 cursor_get (store, "bundle"));
      g_autofree char *mark = g_strdup_printf ("%" G_GINT64_FORMAT, settled);
      g_autofree char *store_id = gh_store_get_meta (store, "store_id");
      const char *params[] = { cursor, mark, store_id };
      g_autoptr(PGresult) rows = NULL;
      int n;

      _gh_hq_arm_deadline (self);
      rows = PQexecParams (self->conn,
                           "SELECT change_no, config_version, bundle FROM glasshouse.bundle"
                           " WHERE change_no > $1 AND change_no <= $2"
                           "   AND ($3::text IS NULL OR stores IS NULL OR $3 = ANY (stores))"
                           " ORDER BY change_no LIMIT " G_STRINGIFY (BUNDLE_PAGE),
                           3, NULL, params, NULL, NULL, 0);
      _gh_hq_disarm_deadline (self);
      if (!(ok = _gh_hq_check_result (self, rows, PGRES_TUPLES_OK, "pulling bundles", error)))
        break;
      n = PQntuples (rows);
      more = n == BUNDLE_PAGE;
      for (int row = 0; row < n && ok; row++)
        {
          gint64 change_no = g_ascii_strtoll (PQgetvalue (rows, row, 0), NULL, 10);
          gint64 version = g_ascii_strtoll (PQgetvalue (rows, row, 1), NULL, 10);
          const char *bytes = PQgetvalue (rows, row, 2);
          gsize length = PQgetlength (rows, row, 2);

          if (running >= 0)
            ok = apply_bundle (store, options, change_no, version, bytes, length, result, error);
          else if ((ok = bundle_to_inbox (store, options->inbox_dir, change_no, bytes, length,
                                          error)))
            result->bundles_to_inbox++;
          ok = ok && cursor_set (store, "bundle", change_no, error);
          if (ok && options->progress != NULL)
            options->progress (GH_HQ_SYNC_BUNDLE, change_no, options->user_data);
        }
      if (ok && !more)
        ok = cursor_set (store, "bundle", settled, error);
    }
  gh_fleet_lock_release (running);
  return ok;
}
