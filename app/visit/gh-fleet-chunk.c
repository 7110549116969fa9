/* Member lines from HQ, staged by the chunk. A CRM's nightly changes come by the hundred
 * thousand, and sqlite's cost is the rows, not the bytes: staged one line a row, 100,000
 * lines took 0.3 s, three times the COPY that brought them; in rows of 2,000 lines, a
 * tenth of that (tests/perf/bench-hq-pull). A chunk is the rows of HQ's COPY as they came
 * (change_no, ref, line; COPY's text escaping), keyed in fleet_pending by its first change
 * number. Decisions and erasures from HQ may fall between its lines: gh-fleet-apply.c
 * applies a chunk's lines only up to the next staged row and stages the rest again.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-visit"
#include "config.h"

#include "visit/gh-fleet-chunk-private.h"

#include <string.h>

#include "store/gh-store-private.h"
#include "visit/gh-fleet-apply.h"

static void
chunk_line_free (GhFleetChunkLine *line)
{
  g_free (line->ref);
  g_free (line->line);
  g_free (line);
}

/* Undoes COPY's text-format escaping of @length bytes at @field. */
static char *
copy_unescape (const char *field,
               gsize       length)
{
  char *out = g_malloc (length + 1), *o = out;

  for (const char *in = field; in < field + length; in++)
    {
      if (*in != '\\' || in + 1 >= field + length)
        {
          *o++ = *in;
          continue;
        }
      switch (*++in)
        {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'v': *o++ = '\v'; break;
        default: *o++ = *in; break;   /* \\ and any other escaped character */
        }
    }
  *o = '\0';
  return out;
}

GPtrArray *
_gh_fleet_chunk_parse (const char  *payload,
                       GError     **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_line_free);
  const char *at = payload, *end = payload + strlen (payload);

  while (at < end)
    {
      const char *row_end = memchr (at, '\n', end - at);
      const char *stop = row_end != NULL ? row_end : end;
      const char *ref = memchr (at, '\t', stop - at);
      const char *line = ref != NULL ? memchr (ref + 1, '\t', stop - ref - 1) : NULL;
      GhFleetChunkLine *entry;
      char *number_end = NULL;
      gint64 change_no = g_ascii_strtoll (at, &number_end, 10);

      if (line == NULL || number_end != ref || change_no <= 0)
        {
          g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT,
                       "a staged chunk of member lines is malformed at byte %" G_GSIZE_FORMAT,
                       (gsize) (at - payload));
          return NULL;
        }
      entry = g_new0 (GhFleetChunkLine, 1);
      entry->change_no = change_no;
      entry->ref = copy_unescape (ref + 1, line - ref - 1);
      entry->line = copy_unescape (line + 1, stop - line - 1);
      entry->raw_start = at - payload;
      entry->raw_end = (row_end != NULL ? row_end + 1 : end) - payload;
      g_ptr_array_add (lines, entry);
      at = row_end != NULL ? row_end + 1 : end;
    }
  return g_steal_pointer (&lines);
}

char *
_gh_fleet_chunk_rest (const char  *payload,
                      GPtrArray   *lines,
                      guint        from,
                      const char  *drop_ref)
{
  GString *rest = g_string_new (NULL);

  for (guint i = from; i < lines->len; i++)
    {
      const GhFleetChunkLine *entry = g_ptr_array_index (lines, i);

      if (drop_ref == NULL || g_strcmp0 (entry->ref, drop_ref) != 0)
        g_string_append_len (rest, payload + entry->raw_start,
                             entry->raw_end - entry->raw_start);
    }
  if (rest->len == 0)
    {
      g_string_free (rest, TRUE);
      return NULL;
    }
  return g_string_free (rest, FALSE);
}

/* @ref as it stands between two tabs in COPY's text. */
static char *
copy_field_pattern (const char *ref)
{
  GString *pattern = g_string_new ("\t");

  for (const char *p = ref; *p != '\0'; p++)
    switch (*p)
      {
      case '\\': g_string_append (pattern, "\\\\"); break;
      case '\t': g_string_append (pattern, "\\t"); break;
      case '\n': g_string_append (pattern, "\\n"); break;
      case '\r': g_string_append (pattern, "\\r"); break;
      default: g_string_append_c (pattern, *p); break;
      }
  g_string_append_c (pattern, '\t');
  return g_string_free (pattern, FALSE);
}

typedef struct {
  gint64  change_no;
  char   *payload;
} Chunk;

static void
chunk_free (Chunk *chunk)
{
  g_free (chunk->payload);
  g_free (chunk);
}

/* Reads every staged chunk (instr over their text): an erasure is rare beside the member
 * lines, and an index of refs would cost the stage the per-row writes chunks avoid. */
gboolean
_gh_fleet_chunks_drop_ref (GhStore     *store,
                           const char  *ref,
                           GError     **error)
{
  g_autofree char *pattern = copy_field_pattern (ref);
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT change_no, payload FROM fleet_pending"
      " WHERE stream = 'members' AND instr (payload, ?1) > 0", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Chunk *chunk = g_new0 (Chunk, 1);

      chunk->change_no = sqlite3_column_int64 (stmt, 0);
      chunk->payload = _gh_store_column_dup (stmt, 1);
      g_ptr_array_add (chunks, chunk);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _gh_store_set_error (store, rc, error, "reading what HQ sent");
      return FALSE;
    }

  for (guint i = 0; i < chunks->len; i++)
    {
      const Chunk *chunk = g_ptr_array_index (chunks, i);
      g_autoptr(GPtrArray) lines = _gh_fleet_chunk_parse (chunk->payload, error);
      g_autofree char *rest = NULL;
      sqlite3_stmt *remove;

      if (lines == NULL)
        return FALSE;
      rest = _gh_fleet_chunk_rest (chunk->payload, lines, 0, ref);
      remove = _gh_store_prepare (store, "DELETE FROM fleet_pending WHERE change_no = ?1", error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_int64 (remove, 1, chunk->change_no);
      if (!_gh_store_step_done (store, remove, "clearing what HQ sent", error))
        return FALSE;
      if (rest != NULL)
        {
          g_autoptr(GPtrArray) kept = _gh_fleet_chunk_parse (rest, error);

          const GhFleetChunkLine *first;

          if (kept == NULL)
            return FALSE;
          first = g_ptr_array_index (kept, 0);
          if (!gh_fleet_stage (store, first->change_no, "members", "", rest, error))
            return FALSE;
        }
    }
  return TRUE;
}
