/* glasshouse-ctl hq import against a real, throwaway PostgreSQL: members, items, the
 * lines kiosks pull and the CRM's decisions land as docs/hq-import.md says; the same
 * feed twice writes nothing; a changed member is one new line; a refused line is
 * reported with its number and kept in a 0600 rejects file; a tombstone erases and the
 * ref never comes back; a kiosk's later decision beats the CRM's; the config is the
 * published bundle verified with --trust (or --config), and a bundle that fails the
 * check stops the import; an import killed mid-way and run again ends where one
 * uninterrupted import ends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/stat.h>

#include "gh-test-bundle.h"
#include "gh-test-hq.h"
#include "gh-test-utils.h"

static GhTestPg *pg;
static char *pg_skip_reason;

#define REQUIRE_PG() GH_TEST_REQUIRE_PG (pg, pg_skip_reason)

#define ITEM(id, cat, attrs) \
  "{\"id\":\"" id "\",\"category\":\"" cat "\",\"source\":\"observed\",\"attributes\":" attrs \
  ",\"collected_at\":\"2026-10-01T10:00:00Z\",\"retained_until\":\"2099-01-01\"}"

static const char *alice =
  "{\"loyalty_id\":\"7300000001\",\"ref\":\"crm-alice\",\"name\":\"Alice\",\"stores\":[\"s-1\"],"
  "\"items\":[" ITEM ("a1", "user.contact.email", "{\"address\":\"a@example.org\"}") ","
  ITEM ("a2", "user.preference.sizes", "{\"shoe\":\"38\"}") "],"
  "\"consents\":[{\"purpose\":\"marketing.email\",\"state\":\"granted\","
  "\"decided_at\":\"2026-09-01T00:00:00Z\",\"notice_version\":\"3\"}]}";
static const char *bob =  /* no ref: HQ derives one */
  "{\"loyalty_id\":\"7300000002\",\"name\":\"Bob\",\"stores\":[\"s-1\",\"s-2\"],"
  "\"member_since\":\"2020-05-01\",\"items\":[" ITEM ("b1", "user.preference.sizes", "{}") "]}";
static const char *carol =
  "{\"loyalty_id\":\"7300000003\",\"ref\":\"crm-carol\",\"name\":\"Carol\",\"stores\":[\"s-2\"],"
  "\"consents\":[{\"purpose\":\"personalize.offers\",\"state\":\"revoked\","
  "\"decided_at\":\"2026-09-02T00:00:00Z\"}]}";
static const char *bad_category =
  "{\"loyalty_id\":\"7300000004\",\"ref\":\"crm-dave\",\"name\":\"Dave\",\"stores\":[\"s-1\"],"
  "\"items\":[" ITEM ("d1", "user.nonexistent", "{}") "]}";

static JsonObject *
parse_summary (const char *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_counts (const char *out,
               gint64      added,
               gint64      updated,
               gint64      unchanged,
               gint64      deleted,
               gint64      refused,
               gint64      suppressed)
{
  g_autoptr(JsonObject) summary = parse_summary (out);

  g_assert_cmpint (json_object_get_int_member (summary, "added"), ==, added);
  g_assert_cmpint (json_object_get_int_member (summary, "updated"), ==, updated);
  g_assert_cmpint (json_object_get_int_member (summary, "unchanged"), ==, unchanged);
  g_assert_cmpint (json_object_get_int_member (summary, "deleted"), ==, deleted);
  g_assert_cmpint (json_object_get_int_member (summary, "refused"), ==, refused);
  g_assert_cmpint (json_object_get_int_member (summary, "suppressed"), ==, suppressed);
}

static gint64
db_int (GhTestHq   *hq,
        const char *sql)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
  return gh_test_pg_int (db, sql);
}

static char *
db_value (GhTestHq   *hq,
          const char *sql)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
  return gh_test_pg_value (db, sql);
}

static void
db_exec (GhTestHq   *hq,
         const char *sql)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
  gh_test_pg_exec (db, sql);
}

static void
test_import (void)
{
  g_autofree char *config = NULL;
  g_autoptr(GhTestHq) hq = NULL;
  g_autofree char *feed = NULL, *out = NULL, *err = NULL, *rejects = NULL, *rejected = NULL;
  g_autofree char *bob_ref = NULL, *line = NULL, *updated_at = NULL;
  const char *lines[] = { alice, bob, "", carol, bad_category, NULL };
  GStatBuf st;

  REQUIRE_PG ();
  config = gh_test_bundle_config (1);
  hq = gh_test_hq_new (pg, config, TRUE);
  feed = gh_test_hq_write_feed (hq, "feed.jsonl", lines);

  g_assert_cmpint (gh_test_hq_import (hq, feed, &out, &err, NULL), ==, 3);
  assert_counts (out, 3, 0, 0, 0, 1, 0);
  /* The refused line: its number (the header is line 1, the blank line counts) and path. */
  g_assert_nonnull (strstr (err, "feed.jsonl:6: items[0].category"));
  rejects = g_strconcat (feed, ".rejects", NULL);
  g_assert_cmpint (g_stat (rejects, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (rejects, &rejected, NULL, NULL));
  g_assert_nonnull (strstr (rejected, "crm-dave"));

  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member"), ==, 3);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_item"), ==, 3);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_change"), ==, 3);
  /* Bob's ref is the keyed hash of his loyalty number, the key kept in meta. */
  bob_ref = db_value (hq, "SELECT ref FROM glasshouse.member WHERE loyalty_id = '7300000002'");
  g_assert_true (g_str_has_prefix (bob_ref, "cust-"));
  g_assert_cmpint (db_int (hq, "SELECT length (value) FROM glasshouse.meta"
                               " WHERE key = 'member_ref_key'"), ==, 64);
  line = db_value (hq, "SELECT line FROM glasshouse.member_change WHERE ref LIKE 'cust-%'");
  g_assert_nonnull (strstr (line, bob_ref));
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_change"
                               " WHERE stores = '{s-1,s-2}' AND ref LIKE 'cust-%'"), ==, 1);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member"
                               " WHERE member_since = '2020-05-01' AND ref LIKE 'cust-%'"), ==, 1);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.decision WHERE origin = 'crm'"),
                   ==, 2);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_item"
                               " WHERE attributes ->> 'shoe' = '38'"), ==, 1);

  /* The same feed again writes nothing. */
  updated_at = db_value (hq, "SELECT max (updated_at) FROM glasshouse.member");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_hq_import (hq, feed, &out, NULL, NULL), ==, 3);
  assert_counts (out, 0, 0, 3, 0, 1, 0);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_change"), ==, 3);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.decision"), ==, 2);
  g_assert_cmpstr (db_value (hq, "SELECT max (updated_at) FROM glasshouse.member"), ==, updated_at);
}

static void
test_changes (void)
{
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhTestHq) hq = NULL;
  g_autofree char *first = NULL, *second = NULL, *third = NULL, *out = NULL;
  const char *lines1[] = { alice, carol, NULL };
  /* Alice: her email item gone, her size changed, email switched off in the CRM on
   * 2026-09-10; a kiosk had her switch it on again on 2026-09-20 (below). */
  const char *alice2 =
    "{\"loyalty_id\":\"7300000001\",\"ref\":\"crm-alice\",\"name\":\"Alice B.\",\"stores\":[\"s-1\"],"
    "\"items\":[" ITEM ("a2", "user.preference.sizes", "{\"shoe\":\"39\"}") "],"
    "\"consents\":[{\"purpose\":\"marketing.email\",\"state\":\"revoked\","
    "\"decided_at\":\"2026-09-10T00:00:00Z\"}]}";
  const char *carol_gone = "{\"loyalty_id\":\"7300000003\",\"deleted\":true,"
                           "\"deleted_at\":\"2026-11-30T18:00:00Z\"}";
  const char *lines2[] = { alice2, carol_gone, NULL };
  const char *lines3[] = { carol, NULL };

  REQUIRE_PG ();
  hq = gh_test_hq_new (pg, config, TRUE);
  first = gh_test_hq_write_feed (hq, "first.jsonl", lines1);
  g_assert_cmpint (gh_test_hq_import (hq, first, NULL, NULL, NULL), ==, 0);
  /* A kiosk's decision, as the push records it, made after the CRM's export. */
  db_exec (hq, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, origin,"
               " kiosk_id, seq) VALUES ('crm-alice', 'marketing.email', 'granted',"
               " '2026-09-20', 'kiosk', 'k-1', 7)");
  db_exec (hq, "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, origin,"
               " kiosk_id, seq) VALUES ('crm-alice', 'marketing.email', 'revoked',"
               " '2026-09-05', 'kiosk', 'k-1', 8)");
  /* Now the current state is revoked (the highest change_no), decided 2026-09-05. */

  second = gh_test_hq_write_feed (hq, "second.jsonl", lines2);
  g_assert_cmpint (gh_test_hq_import (hq, second, &out, NULL, NULL), ==, 0);
  assert_counts (out, 0, 1, 0, 1, 0, 0);
  {
    g_autoptr(JsonObject) summary = parse_summary (out);
    g_assert_cmpint (json_object_get_int_member (summary, "items_deleted"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (summary, "items_updated"), ==, 1);
    /* The CRM's revocation matches the current state: not recorded again. */
    g_assert_cmpint (json_object_get_int_member (summary, "consents_changed"), ==, 0);
  }
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_change"
                               " WHERE ref = 'crm-alice'"), ==, 2);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_item"
                               " WHERE ref = 'crm-alice'"), ==, 1);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member"
                               " WHERE display_name = 'Alice B.'"), ==, 1);
  /* Carol is erased through erase_member, with the tombstone's time. */
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member WHERE ref = 'crm-carol'"),
                   ==, 0);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member_change"
                               " WHERE ref = 'crm-carol'"), ==, 0);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.erasure WHERE ref = 'crm-carol'"
                               " AND origin = 'crm' AND requested_at = '2026-11-30T18:00:00Z'"),
                   ==, 1);

  /* Carol's old line again: suppressed, never brought back. */
  g_clear_pointer (&out, g_free);
  third = gh_test_hq_write_feed (hq, "third.jsonl", lines3);
  g_assert_cmpint (gh_test_hq_import (hq, third, &out, NULL, NULL), ==, 0);
  assert_counts (out, 0, 0, 0, 0, 0, 1);
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member WHERE ref = 'crm-carol'"),
                   ==, 0);

  /* A later CRM decision that changes the state is recorded. */
  {
    const char *alice3 =
      "{\"loyalty_id\":\"7300000001\",\"ref\":\"crm-alice\",\"name\":\"Alice B.\",\"stores\":[\"s-1\"],"
      "\"items\":[" ITEM ("a2", "user.preference.sizes", "{\"shoe\":\"39\"}") "],"
      "\"consents\":[{\"purpose\":\"marketing.email\",\"state\":\"granted\","
      "\"decided_at\":\"2026-10-10T00:00:00Z\"}]}";
    const char *lines4[] = { alice3, NULL };
    g_autofree char *fourth = gh_test_hq_write_feed (hq, "fourth.jsonl", lines4);

    g_assert_cmpint (gh_test_hq_import (hq, fourth, NULL, NULL, NULL), ==, 0);
    g_assert_cmpstr (db_value (hq, "SELECT state || '/' || origin FROM glasshouse.decision"
                                   " WHERE ref = 'crm-alice' ORDER BY change_no DESC LIMIT 1"),
                     ==, "granted/crm");
  }
}

/* The config: the published bundle verified with --trust, or --config; one signed by
 * a key the trust file lacks, or none published, stops the import before any write. */
static void
test_config (void)
{
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhTestHq) hq = NULL;
  g_autoptr(GhTestHq) other = NULL;
  g_autofree char *feed = NULL, *err = NULL, *out = NULL;
  const char *lines[] = { alice, NULL };

  REQUIRE_PG ();
  hq = gh_test_hq_new (pg, config, FALSE);
  feed = gh_test_hq_write_feed (hq, "feed.jsonl", lines);
  g_assert_cmpint (gh_test_hq_import (hq, feed, NULL, &err, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "glasshouse-ctl: error: HQ "));
  g_assert_nonnull (strstr (err, "has no published bundle"));

  /* A bundle signed by another HQ key: refused as a kiosk refuses it. */
  other = gh_test_hq_new (pg, config, FALSE);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_hq_import (hq, feed, NULL, &err, "--config", other->bundle_path, NULL),
                   ==, 3);
  g_assert_nonnull (strstr (err, other->bundle_path));
  g_assert_cmpint (db_int (hq, "SELECT count (*) FROM glasshouse.member"), ==, 0);

  g_assert_cmpint (gh_test_hq_import (hq, feed, &out, NULL, "--config", hq->bundle_path, NULL),
                   ==, 0);
  assert_counts (out, 1, 0, 0, 0, 0, 0);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "import", "--postgres", hq->conninfo, feed,
                                    NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--trust"));
}

/* ---- killed mid-way ------------------------------------------------------------------- */

static char *
big_feed (GhTestHq *hq,
          guint     n)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (lines, g_strdup_printf (
        "{\"loyalty_id\":\"%u\",%s\"name\":\"Member %u\",\"stores\":[\"s-%u\"],"
        "\"member_since\":\"2024-01-01\","
        "\"items\":[" ITEM ("e", "user.contact.email", "{}") ","
        ITEM ("s", "user.preference.sizes", "{\"shoe\":\"%u\"}") "],"
        "\"consents\":[{\"purpose\":\"marketing.email\",\"state\":\"%s\","
        "\"decided_at\":\"2026-09-01T00:00:00Z\"}]}",
        8000000 + i, i % 3 == 0 ? "" : "\"ref\":\"crm-x\",", i, i % 4, 36 + i % 10,
        i % 2 ? "granted" : "revoked"));
  /* Unique refs for those that give one. */
  for (guint i = 0; i < n; i++)
    {
      char *line = g_ptr_array_index (lines, i);
      g_autofree char *ref = g_strdup_printf ("\"ref\":\"crm-%u\",", i);
      if (strstr (line, "\"ref\":\"crm-x\",") != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (line, "\"ref\":\"crm-x\",", 2);
          lines->pdata[i] = g_strconcat (parts[0], ref, parts[1], NULL);
          g_free (line);
        }
    }
  g_ptr_array_add (lines, NULL);
  return gh_test_hq_write_feed (hq, "big.jsonl", (const char * const *) lines->pdata);
}

/* Everything the import writes, without the change numbers and clocks a rerun moves. */
static char *
end_state (GhTestHq *hq)
{
  return db_value (hq,
      "SELECT md5 (concat ("
      " (SELECT string_agg (concat_ws ('|', ref, loyalty_id, display_name, stores::text,"
      "   member_since), ',' ORDER BY ref) FROM glasshouse.member),"
      " (SELECT string_agg (concat_ws ('|', ref, item_id, category, attributes::text,"
      "   retained_until), ',' ORDER BY ref, item_id) FROM glasshouse.member_item),"
      " (SELECT string_agg (concat_ws ('|', ref, line), ',' ORDER BY ref, change_no)"
      "   FROM glasshouse.member_change),"
      " (SELECT string_agg (concat_ws ('|', ref, purpose_id, state, origin), ','"
      "   ORDER BY ref, purpose_id, change_no) FROM glasshouse.decision)))");
}

/* The set-up of an interrupted import: @clean imports a feed of @n members undisturbed
 * (in batches of @batch), its end state into @expected; the HQ returned, with the same
 * config and the same key for derived refs (it is per HQ) so both derive alike, gets
 * its own copy of the feed into @feed, for the test to interrupt importing it. */
static GhTestHq *
interrupted_import_set_up (const char  *config,
                           guint        n,
                           const char  *batch,
                           GhTestHq   **clean,
                           char       **feed,
                           char       **expected)
{
  g_autofree char *clean_feed = NULL;
  g_autofree char *key = NULL;
  g_autofree char *sql = NULL;
  GhTestHq *hq;

  *clean = gh_test_hq_new (pg, config, TRUE);
  clean_feed = big_feed (*clean, n);
  g_assert_cmpint (gh_test_hq_import (*clean, clean_feed, NULL, NULL, "--batch", batch, NULL), ==, 0);
  *expected = end_state (*clean);

  hq = gh_test_hq_new (pg, config, TRUE);
  *feed = big_feed (hq, n);
  key = db_value (*clean, "SELECT value FROM glasshouse.meta WHERE key = 'member_ref_key'");
  sql = g_strdup_printf ("INSERT INTO glasshouse.meta VALUES ('member_ref_key', '%s')", key);
  db_exec (hq, sql);
  return hq;
}

/* glasshouse-ctl hq import of @feed into @hq, running; stdout silenced, stderr as @stderr_flag. */
static GSubprocess *
start_import (GhTestHq         *hq,
              const char       *feed,
              const char       *batch,
              GSubprocessFlags  stderr_flag)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | stderr_flag, &error,
                                           g_getenv ("GLASSHOUSE_CTL"), "hq", "import", "--postgres",
                                           hq->conninfo, "--trust", hq->trust_path, "--batch", batch,
                                           feed, NULL);

  g_assert_no_error (error);
  return process;
}

/* Waits (10 s at the most) until @hq holds @at_least members; returns how many it holds. */
static gint64
wait_for_members (GhTestHq *hq,
                  gint64    at_least)
{
  gint64 members = 0;

  for (int tries = 0; tries < 2000 && members < at_least; tries++)
    {
      g_usleep (5000);
      members = db_int (hq, "SELECT count (*) FROM glasshouse.member");
    }
  return members;
}

static void
test_killed (void)
{
  const guint n = 4000;
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhTestHq) hq = NULL;
  g_autoptr(GhTestHq) clean = NULL;
  g_autofree char *feed = NULL, *expected = NULL, *got = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 members;

  REQUIRE_PG ();
  hq = interrupted_import_set_up (config, n, "200", &clean, &feed, &expected);
  process = start_import (hq, feed, "200", G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Kill it once some batches are in and before it ends. */
  wait_for_members (hq, n / 4);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (process));
  members = db_int (hq, "SELECT count (*) FROM glasshouse.member");
  g_test_message ("killed with %" G_GINT64_FORMAT " of %u members in", members, n);
  g_assert_cmpint (members, >, 0);
  g_assert_cmpint (members, <, n);
  g_assert_cmpint (members % 200, ==, 0);  /* whole batches only */

  g_assert_cmpint (gh_test_hq_import (hq, feed, NULL, NULL, "--batch", "200", NULL), ==, 0);
  got = end_state (hq);
  g_assert_cmpstr (got, ==, expected);
}

/* HQ drops the connection mid-import (the server ends the session, as a restart or an
 * admin would): one error line, exit 3, the committed batches kept; run again, the
 * import ends where an uninterrupted one does. And HQ not there at all: exit 3. */
static void
test_connection_lost (void)
{
  const guint n = 2000;
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhTestHq) hq = NULL;
  g_autoptr(GhTestHq) clean = NULL;
  g_autofree char *feed = NULL, *expected = NULL, *got = NULL;
  g_autofree char *err = NULL, *down = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  gint64 members;

  REQUIRE_PG ();
  hq = interrupted_import_set_up (config, n, "100", &clean, &feed, &expected);
  process = start_import (hq, feed, "100", G_SUBPROCESS_FLAGS_STDERR_PIPE);
  wait_for_members (hq, n / 5);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (pg_terminate_backend (pid))"
                                            " FROM pg_stat_activity WHERE datname = '%s'"
                                            " AND pid <> pg_backend_pid ()", hq->dbname);
    g_assert_cmpint (db_int (hq, sql), >=, 1);
  }
  g_subprocess_communicate (process, NULL, NULL, NULL, &err_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 3);
  err = g_strndup (g_bytes_get_data (err_bytes, NULL), g_bytes_get_size (err_bytes));
  g_assert_nonnull (strstr (err, "glasshouse-ctl: error: HQ "));
  members = db_int (hq, "SELECT count (*) FROM glasshouse.member");
  g_test_message ("connection lost with %" G_GINT64_FORMAT " of %u members in", members, n);
  g_assert_cmpint (members % 100, ==, 0);
  g_assert_cmpint (members, <, n);

  g_assert_cmpint (gh_test_hq_import (hq, feed, NULL, NULL, "--batch", "100", NULL), ==, 0);
  got = end_state (hq);
  g_assert_cmpstr (got, ==, expected);

  g_clear_pointer (&err, g_free);
  down = g_strdup_printf ("host=127.0.0.1 port=%d dbname=x user=x connect_timeout=3",
                          gh_test_free_port ());
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "import", "--postgres", down, "--trust",
                                    hq->trust_path, feed, NULL), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start_sealed (FALSE, &pg_skip_reason);

  g_test_add_func ("/hq-import/import", test_import);
  g_test_add_func ("/hq-import/changes", test_changes);
  g_test_add_func ("/hq-import/config", test_config);
  g_test_add_func ("/hq-import/killed", test_killed);
  g_test_add_func ("/hq-import/connection-lost", test_connection_lost);

  return gh_test_run_and_free (pg, (GDestroyNotify) gh_test_pg_stop, pg_skip_reason);
}
