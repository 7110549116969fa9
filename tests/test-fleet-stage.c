/* What a sync pulled from HQ, between the pull and the store: member lines staged by the
 * chunk, decisions and erasures that HQ numbered between a chunk's lines, an erasure that
 * finds its member's lines still staged, and rows staged by a kiosk of before the chunks.
 * No PostgreSQL: the stage is the kiosk's own (test-fleet has the whole fleet).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "store/gh-store-private.h"
#include "visit/gh-fleet-apply.h"
#include "gh-test-hq-fleet.h"
#include "gh-test-utils.h"

typedef struct {
  char    *dir;
  char    *db;
  GhStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GhCatalog) catalog = NULL;

  f->dir = gh_test_mkdtemp ();
  f->db = g_build_filename (f->dir, "kiosk.db", NULL);
  f->store = gh_test_demo_kiosk_store (f->db, &catalog);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  gh_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* One row of HQ's COPY of (change_no, ref, line), as the pull stages it. */
static void
append_copy_row (GString    *chunk,
                 gint64      change_no,
                 const char *ref,
                 const char *name)
{
  g_autofree char *loyalty = g_strdup_printf ("73000000%05" G_GINT64_FORMAT, change_no);
  g_autofree char *email = g_strdup_printf ("%s@example.org", ref);
  g_autofree char *line = gh_test_member_line (ref, loyalty, name, email, "[\"store-1\"]");

  g_string_append_printf (chunk, "%" G_GINT64_FORMAT "\t%s\t", change_no, ref);
  /* COPY's text escaping: the line is JSON, so only backslashes need it. */
  for (const char *p = line; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append_c (chunk, '\\');
      g_string_append_c (chunk, *p);
    }
  g_string_append_c (chunk, '\n');
}

static void
stage (Fixture    *f,
       gint64      change_no,
       const char *stream,
       const char *ref,
       const char *payload)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_store_begin (f->store, &error));
  g_assert_true (gh_fleet_stage (f->store, change_no, stream, ref, payload, &error));
  g_assert_true (gh_store_commit (f->store, &error));
  g_assert_no_error (error);
}

static char *
decision (const char *purpose,
          const char *state)
{
  return g_strdup_printf ("{\"purpose\":\"%s\",\"state\":\"%s\",\"notice_version\":null,"
                          "\"decided_at\":\"2026-11-02T00:00:00.000000Z\",\"origin\":\"portal\","
                          "\"kiosk_id\":null}", purpose, state);
}

static void
apply_all (Fixture        *f,
           GhFleetApplied *applied)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gh_fleet_apply_pending (f->store, applied, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (gh_fleet_pending_count (f->store, &error), ==, 0);
}

/* The kinds of the events HQ's changes made, in the chain's order, with each import's
 * count of lines: "members.imported:1,consent.revoked,members.imported:1". */
static char *
hq_events (Fixture *f)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (_gh_store_get_db (f->store),
                                       "SELECT kind, json_extract (body, '$.lines') FROM event"
                                       " WHERE actor = 'hq' AND kind <> 'config.applied'"
                                       " ORDER BY seq", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        g_string_append_printf (out, ":%d", sqlite3_column_int (stmt, 1));
    }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A decision HQ numbered between two lines of a chunk is applied between them: the line
 * before it, the decision, then the line after it. */
static void
test_chunk_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) chunk = g_string_new (NULL);
  g_autofree char *revoke = decision ("marketing.email", "revoked");
  g_autofree char *events = NULL;
  g_autoptr(GError) error = NULL;
  GhFleetApplied applied = { 0 };

  append_copy_row (chunk, 10, "m-ann", "Ann Chunk");
  append_copy_row (chunk, 30, "m-bob", "Bob Chunk");
  append_copy_row (chunk, 31, "m-cy", "Cy Chunk");
  stage (f, 10, "members", "", chunk->str);
  stage (f, 20, "decision", "m-ann", revoke);
  g_assert_cmpint (gh_fleet_pending_count (f->store, &error), ==, 4);

  apply_all (f, &applied);
  g_assert_cmpuint (applied.members, ==, 3);
  g_assert_cmpuint (applied.decisions, ==, 1);
  events = hq_events (f);
  g_assert_cmpstr (events, ==, "members.imported:1,consent.revoked,members.imported:2");
  /* GH_CONSENT_REVOKED is 0. */
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM consent c"
                                                " JOIN customer s ON s.id = c.customer_id"
                                                " WHERE s.ref = ?1"
                                                " AND c.purpose_id = 'marketing.email'"
                                                " AND c.state = 0", "m-ann"), ==, 1);
}

/* An erasure staged before a chunk takes the member's lines out of it: their name never
 * reaches the store, and nothing of it stays in the store's files; the others are imported. */
static void
test_erasure_clears_chunk (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GString) chunk = g_string_new (NULL);
  g_autoptr(GBytes) files = NULL;
  GhFleetApplied applied = { 0 };

  append_copy_row (chunk, 10, "m-bob", "Bob Keeps");
  append_copy_row (chunk, 11, "m-gone", "Zelda Forgotten");
  append_copy_row (chunk, 12, "m-cy", "Cy Keeps");
  append_copy_row (chunk, 13, "m-gone", "Zelda Forgotten");
  stage (f, 5, "erasure", "m-gone",
         "{\"requested_at\":\"2026-11-02T00:00:00.000000Z\",\"origin\":\"portal\"}");
  stage (f, 10, "members", "", chunk->str);

  apply_all (f, &applied);
  g_assert_cmpuint (applied.erasures, ==, 1);
  g_assert_cmpuint (applied.members, ==, 2);
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM customer"
                                                " WHERE ref IN ('m-bob', 'm-cy')",
                                      NULL), ==, 2);
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM suppression"
                                                " WHERE customer_ref = ?1", "m-gone"), ==, 1);
  g_clear_object (&f->store);
  files = gh_test_read_store_files (f->db);
  g_assert_false (gh_test_bytes_contain (files, "Zelda Forgotten"));
  g_assert_true (gh_test_bytes_contain (files, "Bob Keeps"));
}

/* Rows a kiosk staged before the chunks (one member line a row) still apply after the
 * store moves to schema 9, beside chunks staged after it. */
static void
test_rows_of_before (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GString) chunk = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = gh_test_member_line ("m-old", "7300000000001", "Olga Before",
                                               "olga@example.org", "[\"store-1\"]");
  GhFleetApplied applied = { 0 };

  /* The stage as schema 8 made it, with a row in it. */
  g_assert_true (_gh_store_exec (f->store,
      "DROP TABLE fleet_pending;"
      "CREATE TABLE fleet_pending (change_no INTEGER PRIMARY KEY, stream TEXT NOT NULL"
      "  CHECK (stream IN ('member', 'decision', 'erasure')), ref TEXT NOT NULL,"
      "  payload TEXT NOT NULL);"
      "CREATE INDEX fleet_pending_by_ref ON fleet_pending (ref);"
      "PRAGMA user_version = 8", &error));
  g_assert_no_error (error);
  stage (f, 3, "member", "m-old", line);
  g_clear_object (&f->store);
  f->store = gh_store_open (f->db, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  append_copy_row (chunk, 7, "m-new", "Nina After");
  stage (f, 7, "members", "", chunk->str);
  g_assert_cmpint (gh_fleet_pending_count (f->store, &error), ==, 2);
  apply_all (f, &applied);
  g_assert_cmpuint (applied.members, ==, 2);
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM customer"
                                                " WHERE ref IN ('m-old', 'm-new')",
                                      NULL), ==, 2);
}

/* A chunk that is not what the pull stages stops the apply with a message that says so,
 * and stays staged: nothing HQ sent is lost. */
static void
test_malformed_chunk (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stage (f, 10, "members", "", "10\tm-ann\n");
  g_assert_false (gh_fleet_apply_pending (f->store, NULL, NULL, NULL, &error));
  g_assert_error (error, GH_STORE_ERROR, GH_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "malformed at byte 0"));
  g_clear_error (&error);
  g_assert_cmpint (gh_test_store_int (f->store, "SELECT count (*) FROM fleet_pending", NULL),
                   ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/fleet-stage/chunk-order", Fixture, NULL, fixture_set_up, test_chunk_order,
              fixture_tear_down);
  g_test_add ("/fleet-stage/erasure-clears-chunk", Fixture, NULL, fixture_set_up,
              test_erasure_clears_chunk, fixture_tear_down);
  g_test_add ("/fleet-stage/rows-of-before", Fixture, NULL, fixture_set_up, test_rows_of_before,
              fixture_tear_down);
  g_test_add ("/fleet-stage/malformed-chunk", Fixture, NULL, fixture_set_up,
              test_malformed_chunk, fixture_tear_down);
  return g_test_run ();
}
