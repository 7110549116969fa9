/* The member feed and retention (docs/member-feed.md), through glasshouse-ctl as a
 * retailer's IT would run them and through the library: the example feed, the
 * same feed twice, a line that replaces a member's items, every bad input the
 * issue names (each refused with its line and path, every valid line still
 * applied, memory bounded), a kill mid-import, a forgotten member who stays
 * forgotten, the kiosk's later decision kept, tombstones, other stores, and
 * retention deleting the bytes, not hiding them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config/gh-catalog.h"
#include "config/gh-config.h"
#include "members/gh-json-tokens.h"
#include "members/gh-member-import.h"
#include "members/gh-retention.h"
#include "receipts/gh-kiosk-keys.h"
#include "store/gh-store-private.h"
#include "visit/gh-session.h"
#include "gh-test-utils.h"

#define HEADER "{\"format\":\"glasshouse-members/1\"}\n"

typedef struct {
  char *dir;
  char *db;
} Fixture;

/* A store as `demo` leaves it, without shoppers: the demo config applied. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = gh_test_mkdtemp ();
  f->db = g_build_filename (f->dir, "kiosk.db", NULL);
  if (data != NULL)
    {
      /* A kiosk that knows its store: members of other stores are not its own. */
      int status = gh_test_run_ctl (NULL, NULL, "init", "--db", f->db, "--store-id", data, NULL);
      g_assert_cmpint (status, ==, 0);
    }
  store = gh_store_open (f->db, GH_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (gh_config_apply_demo (store, &error));
  g_assert_no_error (error);
  /* As `init` makes a kiosk: with the key its erasure receipts are signed with. */
  g_assert_true (gh_kiosk_keys_ensure (store, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gh_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* Runs `import PATH --json` and returns the exit status; *@counts the summary. */
static int
import (Fixture     *f,
        const char  *path,
        JsonObject **counts,
        char       **err)
{
  g_autofree char *out = NULL;
  int status = gh_test_run_ctl (&out, err, "import", path, "--db", f->db, "--json", NULL);

  if (counts != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      *counts = NULL;
      if (json_parser_load_from_data (parser, out, -1, &error))
        *counts = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  return status;
}

static gint64
count (JsonObject *counts,
       const char *name)
{
  g_assert_nonnull (counts);
  return json_object_get_int_member (counts, name);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (f->db, GH_STORE_OPEN_DEFAULT, &error);
  sqlite3_stmt *stmt;
  gint64 value;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static char *
member (const char *loyalty_id,
        const char *name,
        const char *items,
        const char *consents)
{
  return g_strdup_printf ("{\"loyalty_id\":\"%s\",\"name\":\"%s\",\"stores\":[\"store-001\"],"
                          "\"items\":[%s],\"consents\":[%s]}\n", loyalty_id, name, items,
                          consents != NULL ? consents : "");
}

/* ---- the good path ---------------------------------------------------------------- */

static void
test_example (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *example = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                               "members-example.jsonl", NULL);
  g_autoptr(JsonObject) counts = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (import (f, example, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "added"), ==, 2);
  g_assert_cmpint (count (counts, "items_added"), ==, 4);
  g_assert_cmpint (count (counts, "refused"), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "customer", "show", "7300000042", "--db", f->db,
                                    NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Mina Example (ref crm-88213)"));
  g_assert_nonnull (strstr (out, "Trail running shoe"));
  g_assert_nonnull (strstr (out, "marketing.email                  revoked"));
}

static void
test_same_feed_twice (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *items = g_strdup ("{\"id\":\"a\",\"category\":\"user.contact.email\","
                                     "\"source\":\"provided\",\"attributes\":{\"value\":\"x@y.z\"},"
                                     "\"collected_at\":\"2026-01-02T03:04:05Z\"}");
  g_autofree char *one = member ("5100000001", "Twice Member", items,
                                 "{\"purpose\":\"personalize.offers\",\"state\":\"granted\","
                                 "\"decided_at\":\"2026-01-02\"}");
  g_autofree char *text = g_strconcat (HEADER, one, NULL);
  g_autofree char *path = write_file (f, "twice.jsonl", text);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  gint64 events, item_id;

  g_assert_cmpint (import (f, path, &first, NULL), ==, 0);
  g_assert_cmpint (count (first, "added"), ==, 1);
  events = query_int (f, "SELECT count (*) FROM event");
  item_id = query_int (f, "SELECT id FROM data_item");

  g_assert_cmpint (import (f, path, &second, NULL), ==, 0);
  g_assert_cmpint (count (second, "added"), ==, 0);
  g_assert_cmpint (count (second, "updated"), ==, 0);
  g_assert_cmpint (count (second, "unchanged"), ==, 1);
  g_assert_cmpint (count (second, "items_added") + count (second, "items_updated")
                   + count (second, "items_deleted") + count (second, "consents_changed"), ==, 0);
  /* Only the import's own event, and the very same row. */
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM event"), ==, events + 1);
  g_assert_cmpint (query_int (f, "SELECT id FROM data_item"), ==, item_id);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM event WHERE kind = 'members.imported'"),
                   ==, 2);
}

static void
test_line_replaces_items (Fixture       *f,
                          gconstpointer  data)
{
  const char *a = "{\"id\":\"a\",\"category\":\"user.preference.sizes\",\"source\":\"provided\","
                  "\"attributes\":{\"kind\":\"shoe\",\"size\":\"40\"},\"collected_at\":\"2026-01-01\"}";
  const char *a2 = "{\"id\":\"a\",\"category\":\"user.preference.sizes\",\"source\":\"provided\","
                   "\"attributes\":{\"kind\":\"shoe\",\"size\":\"41\"},\"collected_at\":\"2026-01-01\"}";
  const char *b = "{\"id\":\"b\",\"category\":\"user.contact.phone\",\"source\":\"provided\","
                  "\"attributes\":{\"value\":\"Marker-Dropped-Phone\"},\"collected_at\":\"2026-01-01\"}";
  const char *c = "{\"id\":\"c\",\"category\":\"user.contact.email\",\"source\":\"provided\","
                  "\"attributes\":{\"value\":\"new@example.org\"},\"collected_at\":\"2026-02-01\"}";
  g_autofree char *items1 = g_strdup_printf ("%s,%s", a, b);
  g_autofree char *items2 = g_strdup_printf ("%s,%s", a2, c);
  g_autofree char *line1 = member ("5100000002", "Replace Member", items1, NULL);
  g_autofree char *line2 = member ("5100000002", "Replace Member", items2, NULL);
  g_autofree char *text1 = g_strconcat (HEADER, line1, NULL);
  g_autofree char *text2 = g_strconcat (HEADER, line2, NULL);
  g_autofree char *path1 = write_file (f, "one.jsonl", text1);
  g_autofree char *path2 = write_file (f, "two.jsonl", text2);
  g_autoptr(JsonObject) counts = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (import (f, path1, NULL, NULL), ==, 0);
  g_assert_cmpint (import (f, path2, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "updated"), ==, 1);
  g_assert_cmpint (count (counts, "items_added"), ==, 1);
  g_assert_cmpint (count (counts, "items_updated"), ==, 1);
  g_assert_cmpint (count (counts, "items_deleted"), ==, 1);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "customer", "show", "5100000002", "--db", f->db,
                                    NULL), ==, 0);
  g_assert_null (strstr (out, "Marker-Dropped-Phone"));
  g_assert_nonnull (strstr (out, "\"size\":\"41\""));
  g_assert_nonnull (strstr (out, "new@example.org"));
}

/* ---- bad input ---------------------------------------------------------------------- */

typedef struct {
  const char *line;     /* NULL: made by the test (too long, too deep) */
  const char *message;  /* what stderr says after "feed.jsonl:N: " */
} BadLine;

static void
test_bad_lines (Fixture       *f,
                gconstpointer  data)
{
  const BadLine bad[] = {
    { "{\"loyalty_id\":\"5200000001\",\"name\":\"Broken", "line: not valid JSON: a string without "
      "its closing quote" },
    { "{\"loyalty_id\":\"5200000002\",\"name\":\"Bad \xff\xfe UTF-8\",\"stores\":[\"s\"]}",
      "line: not valid JSON: invalid UTF-8" },
    { NULL, "line: longer than 1048576 bytes (not kept)" },
    { "{\"loyalty_id\":\"42-ABC\",\"name\":\"Shape-Marker-Name\",\"stores\":[\"s\"]}",
      "loyalty_id: not a loyalty number (6 to 19 digits)" },
    { "{\"loyalty_id\":\"5200000005\",\"name\":\"N\",\"stores\":[\"s\"],\"items\":[{\"id\":\"1\","
      "\"category\":\"user.name\",\"source\":\"provided\",\"collected_at\":\"last tuesday\"}]}",
      "items[0].collected_at: not a date and time" },
    { "{\"loyalty_id\":\"5200000006\",\"name\":\"N\",\"stores\":[\"s\"],\"items\":[{\"id\":\"1\","
      "\"category\":\"user.name\",\"source\":\"provided\",\"collected_at\":\"2026-01-01\"},"
      "{\"id\":\"2\",\"category\":\"user.name\",\"source\":\"provided\",\"collected_at\":"
      "\"2026-01-01\"},{\"id\":\"3\",\"category\":\"user.foo\",\"source\":\"provided\","
      "\"collected_at\":\"2026-01-01\"}]}",
      "items[2].category: unknown category \"user.foo\"" },
    { "{\"loyalty_id\":\"5200000007\",\"name\":\"N\",\"stores\":[\"s\"],\"consents\":[{\"purpose\":"
      "\"marketing.pigeon\",\"state\":\"granted\",\"decided_at\":\"2026-01-01\"}]}",
      "consents[0].purpose: unknown purpose \"marketing.pigeon\"" },
    { "{\"loyalty_id\":\"5200000008\",\"name\":\"N\",\"stores\":[\"s\"],\"items\":[{\"id\":\"1\","
      "\"category\":\"user.name\",\"source\":\"guessed\",\"collected_at\":\"2026-01-01\"}]}",
      "items[0].source: unknown source \"guessed\"" },
    { NULL, "line: not valid JSON: nested deeper than 16 levels" },
    { "{\"loyalty_id\":\"5200000010\",\"name\":\"N\",\"stores\":[\"s\"],\"items\":[{\"id\":\"x\","
      "\"category\":\"user.name\",\"source\":\"provided\",\"collected_at\":\"2026-01-01\"},"
      "{\"id\":\"x\",\"category\":\"user.name\",\"source\":\"provided\",\"collected_at\":"
      "\"2026-01-01\"}]}",
      "items[1].id: the same CRM item id as items[0]" },
    { "{\"loyalty_id\":\"5200000011\",\"loyalty_id\":\"5200000012\",\"name\":\"N\",\"stores\":[\"s\"]}",
      "line: not valid JSON: member \"loyalty_id\" appears more than once" },
    { "{\"loyalty_id\":\"5200000013\",\"name\":\"N\",\"stores\":[\"s\"],\"email\":\"a@b.c\"}",
      "line: unknown member \"email\"" },
  };
  g_autoptr(GString) feed = g_string_new (HEADER);
  g_autoptr(JsonObject) counts = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = g_build_filename (f->dir, "feed.jsonl", NULL);
  g_autofree char *rejects_path = g_strconcat (path, ".rejects", NULL);
  g_autofree char *rejects = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  struct stat st;
  guint line = 1, good = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *valid = NULL;
      g_autofree char *loyalty = g_strdup_printf ("53000000%02u", i);

      /* A valid member before each bad line: none may be lost to its neighbour. */
      valid = member (loyalty, "Valid Member", "", NULL);
      g_string_append (feed, valid);
      line++;
      good++;
      if (bad[i].line != NULL)
        g_string_append (feed, bad[i].line);
      else if (strstr (bad[i].message, "longer") != NULL)
        {
          /* 100 MB on one line: refused without being held in memory. */
          g_string_append (feed, "{\"loyalty_id\":\"5200000003\",\"name\":\"");
          char block[1024];

          memset (block, 'a', sizeof block);
          for (guint k = 0; k < 100 * 1024; k++)
            g_string_append_len (feed, block, sizeof block);
          g_string_append (feed, "\",\"stores\":[\"s\"]}");
        }
      else
        {
          /* An attribute object nested 100,000 deep. */
          g_string_append (feed, "{\"loyalty_id\":\"5200000009\",\"name\":\"N\",\"stores\":[\"s\"],"
                                 "\"items\":[{\"id\":\"1\",\"category\":\"user.name\",\"source\":"
                                 "\"provided\",\"collected_at\":\"2026-01-01\",\"attributes\":");
          for (guint k = 0; k < 100000; k++)
            g_string_append (feed, "{\"a\":");
          g_string_append (feed, "1");
          for (guint k = 0; k < 100000; k++)
            g_string_append_c (feed, '}');
          g_string_append (feed, "}]}");
        }
      g_string_append_c (feed, '\n');
      line++;
    }
  /* A truncated last line: the export was cut short. */
  g_string_append (feed, "{\"loyalty_id\":\"5200000099\",\"name\":\"Cut\",\"stores\":[\"s\"],\"ite");
  g_assert_true (g_file_set_contents (path, feed->str, feed->len, &error));
  /* Free it before the import forks: a child's peak RSS counts its parent's pages. */
  g_string_free (g_steal_pointer (&feed), TRUE);

  g_assert_cmpint (import (f, path, &counts, &err), ==, 3);
  g_test_message ("stderr: %.2000s", err);
  g_assert_cmpint (count (counts, "added"), ==, good);
  g_assert_cmpint (count (counts, "refused"), ==, G_N_ELEMENTS (bad) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *expected = g_strdup_printf ("feed.jsonl:%u: %s", 3 + 2 * i, bad[i].message);
      g_assert_nonnull (strstr (err, expected));
    }
  g_assert_nonnull (strstr (err, "(the last line has no newline: the file may be cut short)"));
  /* No member's values in the messages. */
  g_assert_null (strstr (err, "Shape-Marker-Name"));
  g_assert_null (strstr (err, "42-ABC"));
  g_assert_null (strstr (err, "5200000001"));

  /* The refused lines, but the one too long to keep, under a header; owner-only. */
  g_assert_true (g_file_get_contents (rejects_path, &rejects, NULL, &error));
  g_assert_true (g_str_has_prefix (rejects, HEADER));
  g_assert_nonnull (strstr (rejects, "Shape-Marker-Name"));
  g_assert_nonnull (strstr (rejects, "\"Cut\""));
  g_assert_null (strstr (rejects, "aaaaaaaaaaaaaaaa"));
  g_assert_cmpint (stat (rejects_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A 100 MB line cost a fixed buffer, not 100 MB (the largest child so far). */
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  g_test_message ("peak RSS of glasshouse-ctl: %ld KiB", usage.ru_maxrss);
  g_assert_cmpint (usage.ru_maxrss, <, 64 * 1024);
}

static void
test_bad_feeds (Fixture       *f,
                gconstpointer  data)
{
  const struct { const char *text; const char *message; } feeds[] = {
    { "", ": empty feed: the first line must be the header" },
    { "{\"loyalty_id\":\"5400000001\",\"name\":\"N\",\"stores\":[\"s\"]}\n",
      ":1: format: missing" },
    { "{\"format\":\"glasshouse-members/2\"}\n", ":1: format: expected \"glasshouse-members/1\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (feeds); i++)
    {
      g_autofree char *name = g_strdup_printf ("bad-%u.jsonl", i);
      g_autofree char *path = write_file (f, name, feeds[i].text);
      g_autofree char *err = NULL;
      g_autofree char *expected = g_strdup_printf ("glasshouse-ctl: error: %s%s", path,
                                                   feeds[i].message);

      g_assert_cmpint (import (f, path, NULL, &err), ==, 3);
      g_assert_true (g_str_has_prefix (err, expected));
    }
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM customer"), ==, 0);
}

/* A kiosk with a store id takes only its store's members and its store's feeds. */
static void
test_other_store (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *ours = g_strdup ("{\"loyalty_id\":\"5500000001\",\"name\":\"Ours\","
                                    "\"stores\":[\"store-002\",\"store-007\"]}\n");
  g_autofree char *theirs = g_strdup ("{\"loyalty_id\":\"5500000002\",\"name\":\"Theirs\","
                                      "\"stores\":[\"store-001\"]}\n");
  g_autofree char *text = g_strconcat (HEADER, ours, theirs, NULL);
  g_autofree char *path = write_file (f, "stores.jsonl", text);
  g_autofree char *other = g_strconcat ("{\"format\":\"glasshouse-members/1\",\"stores\":"
                                        "[\"store-001\"]}\n", ours, NULL);
  g_autofree char *other_path = write_file (f, "other.jsonl", other);
  g_autoptr(JsonObject) counts = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (import (f, path, &counts, &err), ==, 3);
  g_assert_cmpint (count (counts, "added"), ==, 1);
  g_assert_nonnull (strstr (err, "stores.jsonl:3: stores: the member does not belong to this "
                                 "kiosk's store \"store-007\""));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (import (f, other_path, NULL, &err), ==, 3);
  g_assert_nonnull (strstr (err, "1: stores: the feed is for other stores, not this kiosk's store "
                                 "\"store-007\""));
}

/* ---- people's rights ------------------------------------------------------------------ */

static void
test_forgotten_stays_forgotten (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *with_ref = g_strdup ("{\"loyalty_id\":\"5600000001\",\"ref\":\"crm-1\","
                                        "\"name\":\"Forgotten One\",\"stores\":[\"s\"]}\n");
  g_autofree char *derived = g_strdup ("{\"loyalty_id\":\"5600000002\",\"name\":\"Forgotten Two\","
                                       "\"stores\":[\"s\"]}\n");
  g_autofree char *text = g_strconcat (HEADER, with_ref, derived, NULL);
  g_autofree char *path = write_file (f, "forget.jsonl", text);
  g_autoptr(JsonObject) counts = NULL;

  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "erase", "5600000001", "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "erase", "5600000002", "--db", f->db, NULL), ==, 0);

  g_assert_cmpint (import (f, path, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "suppressed"), ==, 2);
  g_assert_cmpint (count (counts, "added"), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "customer", "show", "5600000001", "--db", f->db,
                                    NULL), ==, 3);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "customer", "show", "5600000002", "--db", f->db,
                                    NULL), ==, 3);
}

static void
test_tombstone (Fixture       *f,
                gconstpointer  data)
{
  const char *item = "{\"id\":\"t\",\"category\":\"user.contact.email\",\"source\":\"provided\","
                     "\"attributes\":{\"value\":\"Tombstone-Marker-Email\"},"
                     "\"collected_at\":\"2026-03-01\"}";
  g_autofree char *line = member ("5700000001", "Tombstone-Marker-Name", item, NULL);
  g_autofree char *text = g_strconcat (HEADER, line, NULL);
  g_autofree char *path = write_file (f, "alive.jsonl", text);
  g_autofree char *dead = write_file (f, "dead.jsonl", HEADER "{\"loyalty_id\":\"5700000001\","
                                      "\"deleted\":true,\"deleted_at\":\"2026-11-30\"}\n");
  g_autoptr(JsonObject) counts = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);
  g_assert_cmpint (import (f, dead, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "deleted"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM customer"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM suppression"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM event WHERE kind = 'erasure.completed'"
                                 " AND actor = 'crm'"), ==, 1);
  bytes = gh_test_read_store_files (f->db);
  g_assert_false (gh_test_bytes_contain (bytes, "Tombstone-Marker-Email"));
  g_assert_false (gh_test_bytes_contain (bytes, "Tombstone-Marker-Name"));
  /* The member's line again does not bring them back. */
  g_clear_pointer (&counts, json_object_unref);
  g_assert_cmpint (import (f, path, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "suppressed"), ==, 1);
}

/* A shopper who switched something off at the kiosk after the CRM's export keeps it;
 * a decision the CRM recorded later still reaches the store, as an event. */
static void
test_kiosk_decision_wins (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *early = member ("5800000001", "Decider", "",
                                   "{\"purpose\":\"personalize.offers\",\"state\":\"granted\","
                                   "\"decided_at\":\"2026-01-01T00:00:00Z\"}");
  g_autofree char *text = g_strconcat (HEADER, early, NULL);
  g_autofree char *path = write_file (f, "early.jsonl", text);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (g_date_time_new_now_utc (), 1);
  g_autofree char *when = g_date_time_format_iso8601 (tomorrow);
  g_autofree char *consent = g_strdup_printf ("{\"purpose\":\"personalize.offers\",\"state\":"
                                              "\"granted\",\"decided_at\":\"%s\"}", when);
  g_autofree char *late = member ("5800000001", "Decider", "", consent);
  g_autofree char *late_text = g_strconcat (HEADER, late, NULL);
  g_autofree char *late_path = write_file (f, "late.jsonl", late_text);
  g_autoptr(JsonObject) counts = NULL;
  g_autofree char *out = NULL;
  const char *state_sql = "SELECT state FROM consent WHERE purpose_id = 'personalize.offers'";

  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);
  g_assert_cmpint (query_int (f, state_sql), ==, 1);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "consent", "set", "5800000001",
                                    "personalize.offers", "revoked", "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (import (f, path, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "consents_changed"), ==, 0);
  g_assert_cmpint (query_int (f, state_sql), ==, 0);

  g_clear_pointer (&counts, json_object_unref);
  g_assert_cmpint (import (f, late_path, &counts, NULL), ==, 0);
  g_assert_cmpint (count (counts, "consents_changed"), ==, 1);
  g_assert_cmpint (query_int (f, state_sql), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM event WHERE kind = 'consent.granted'"
                                 " AND actor = 'crm'"), ==, 1);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "audit", "verify", "--db", f->db, NULL), ==, 0);
}

/* ---- faults ----------------------------------------------------------------------------- */

static void
test_kill_mid_import (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *feed = g_build_filename (f->dir, "big.jsonl", NULL);
  g_autofree char *ctl_out = NULL;
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");
  g_autoptr(GError) error = NULL;
  gint64 customers;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "3000", "--seed", "5",
                                    "--write-feed", feed, "--db", f->db, NULL), ==, 0);
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      const char *argv[] = { ctl, "import", feed, "--db", f->db, "--batch", "100", NULL };
      g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                          | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                          &error);
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

      g_assert_no_error (error);
      /* Kill it once some batches are in, wherever it is then. */
      while (query_int (f, "SELECT count (*) FROM customer") < 200 * (attempt + 1) &&
             g_get_monotonic_time () < deadline)
        g_usleep (2000);
      g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, NULL);

      customers = query_int (f, "SELECT count (*) FROM customer");
      g_test_message ("attempt %u: killed with %" G_GINT64_FORMAT " members in", attempt, customers);
      /* As it was after a whole batch. */
      g_assert_cmpint (customers % 100, ==, 0);
      g_assert_cmpint (query_int (f, "SELECT count (*) FROM pragma_integrity_check"
                                     " WHERE integrity_check = 'ok'"), ==, 1);
      g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "audit", "verify", "--db", f->db, NULL), ==, 0);
    }
  /* The next run finishes the job. */
  g_assert_cmpint (gh_test_run_ctl (&ctl_out, NULL, "import", feed, "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM customer"), ==, 3000);
}

/* ---- retention --------------------------------------------------------------------------- */

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  /* Browsing is kept 180 days in the demo config: collected ten days ago, due in 170. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) collected = g_date_time_add_days (now, -10);
  g_autoptr(GDateTime) due = g_date_time_add_days (now, 171);
  g_autofree char *when = g_date_time_format (collected, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *items = g_strdup_printf (
      "{\"id\":\"old\",\"category\":\"user.behavior.browsing_history\",\"source\":\"observed\","
      "\"attributes\":{\"item\":\"Retention-Marker-Old\"},\"collected_at\":\"%s\"},"
      "{\"id\":\"keep\",\"category\":\"user.contact.email\",\"source\":\"provided\","
      "\"attributes\":{\"value\":\"Retention-Marker-Kept\"},\"collected_at\":\"%s\"}", when, when);
  g_autofree char *line = member ("5900000001", "Retention Member", items, NULL);
  g_autofree char *text = g_strconcat (HEADER, line, NULL);
  g_autofree char *path = write_file (f, "ret.jsonl", text);
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GhRetentionResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSession) before = NULL;
  g_autoptr(GhSession) after = NULL;
  gboolean is_due = FALSE;

  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);
  store = gh_store_open (f->db, GH_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  catalog = gh_catalog_load_active (store, &error);
  g_assert_no_error (error);
  bytes = gh_test_read_store_files (f->db);
  g_assert_true (gh_test_bytes_contain (bytes, "Retention-Marker-Old"));
  g_clear_pointer (&bytes, g_bytes_unref);
  before = gh_session_load (f->db, catalog, "5900000001", "en", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gh_session_get_items (before)->len, ==, 2);

  g_assert_true (gh_retention_is_due (store, g_date_time_to_unix (due) - 86400 * 3, &is_due,
                                      &error));
  g_assert_false (is_due);
  g_assert_true (gh_retention_is_due (store, g_date_time_to_unix (due), &is_due, &error));
  g_assert_true (is_due);
  result = gh_retention_run (store, g_date_time_to_unix (due), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->items, ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (result->items_by_category,
                                                           "user.behavior.browsing_history")), ==, 1);
  g_assert_false (result->log_pending);
  g_clear_object (&store);

  /* Gone from the bytes of the database, its -wal and -shm, not just hidden. */
  bytes = gh_test_read_store_files (f->db);
  g_assert_false (gh_test_bytes_contain (bytes, "Retention-Marker-Old"));
  g_assert_true (gh_test_bytes_contain (bytes, "Retention-Marker-Kept"));
  /* The kiosk no longer lists it; the member stays a member. */
  after = gh_session_load (f->db, catalog, "5900000001", "en", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gh_session_get_items (after)->len, ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM event WHERE kind = 'retention.purged'"),
                   ==, 1);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "audit", "verify", "--db", f->db, NULL), ==, 0);
}

static void
test_retention_legal_hold_and_cli (Fixture       *f,
                                   gconstpointer  data)
{
  /* Purchases are under a ten-year legal hold in the demo config: an erasure keeps them. */
  const char *items = "{\"id\":\"p\",\"category\":\"user.behavior.purchase_history\","
                      "\"source\":\"observed\",\"attributes\":{\"item\":\"Held-Marker-Receipt\"},"
                      "\"collected_at\":\"2026-01-01T00:00:00Z\"},"
                      "{\"id\":\"m\",\"category\":\"user.contact.email\",\"source\":\"provided\","
                      "\"attributes\":{\"value\":\"Last-Marker-Email\"},"
                      "\"collected_at\":\"2026-01-01T00:00:00Z\"}";
  g_autofree char *line = member ("5900000002", "Held Member", items, NULL);
  g_autofree char *text = g_strconcat (HEADER, line, NULL);
  g_autofree char *path = write_file (f, "held.jsonl", text);
  g_autofree char *out = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);
  /* The email is due in 2029: the member's last item goes, the member stays. */
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "retention", "run", "--now", "2029-06-01T00:00:00Z",
                                    "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "retention: 1 data item and 0 legal-hold records"));
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "customer", "show", "5900000002", "--db", f->db,
                                    NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "erase", "5900000002", "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM legal_hold"), ==, 1);
  bytes = gh_test_read_store_files (f->db);
  g_assert_true (gh_test_bytes_contain (bytes, "Held-Marker-Receipt"));
  g_clear_pointer (&bytes, g_bytes_unref);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (gh_test_run_ctl (&out, NULL, "retention", "run", "--now", "2036-06-01T00:00:00Z",
                                    "--db", f->db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "and 1 legal-hold record past"));
  bytes = gh_test_read_store_files (f->db);
  g_assert_false (gh_test_bytes_contain (bytes, "Held-Marker-Receipt"));
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "retention", "run", "--now", "yesterday", "--db",
                                    f->db, NULL), ==, 2);
}

/* ---- the demo goes through the same door ------------------------------------------------ */

static void
test_demo_feed_matches_demo (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *feed = g_build_filename (f->dir, "demo.jsonl", NULL);
  g_autofree char *other = g_build_filename (f->dir, "demo.db", NULL);
  g_autofree char *from_feed = NULL;
  g_autofree char *from_demo = NULL;

  g_autoptr(GRegex) row_ids = g_regex_new ("\"id\" : [0-9]+", 0, 0, NULL);

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "50", "--seed", "3",
                                    "--write-feed", feed, "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "import", feed, "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "50", "--seed", "3",
                                    "--db", other, NULL), ==, 0);
  /* The demo imports as of midnight, a plain import as of now: what falls due in
   * between would differ, so both are compared past tomorrow's retention run. */
  {
    g_autoptr(GDateTime) tomorrow = g_date_time_add_days (g_date_time_new_now_utc (), 1);
    g_autofree char *when = g_date_time_format_iso8601 (tomorrow);

    g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "retention", "run", "--now", when, "--db", f->db,
                                      NULL), ==, 0);
    g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "retention", "run", "--now", when, "--db", other,
                                      NULL), ==, 0);
  }
  g_assert_cmpint (gh_test_run_ctl (&from_feed, NULL, "customer", "show", "4000000042", "--json",
                                    "--db", f->db, NULL), ==, 0);
  g_assert_cmpint (gh_test_run_ctl (&from_demo, NULL, "customer", "show", "4000000042", "--json",
                                    "--db", other, NULL), ==, 0);
  /* The same member, item for item; only the stores' row numbers differ. */
  {
    g_autofree char *a = g_regex_replace_literal (row_ids, from_feed, -1, 0, "", 0, NULL);
    g_autofree char *b = g_regex_replace_literal (row_ids, from_demo, -1, 0, "", 0, NULL);
    g_assert_true (strstr (a, "\"category\"") != NULL);
    g_assert_true (g_str_equal (a, b));
  }
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM data_item WHERE crm_id IS NULL"), ==, 0);
}

/* ---- the tokenizer ------------------------------------------------------------------------- */

static void
test_tokenizer (void)
{
  const struct { const char *text; const char *refusal; } cases[] = {
    { "{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\ud83d\\ude00\"]}", NULL },
    { "{\"a\":\"\\u0000\"}", "NUL character" },
    { "{\"a\":\"\\ud83d\"}", "unpaired surrogate" },
    { "{\"a\":\"\\ude00\"}", "unpaired surrogate" },
    { "{\"a\":1,\"a\":2}", "appears more than once" },
    { "{\"a\\u0062\":1,\"ab\":2}", "appears more than once" },
    { "{\"a\":1} x", "more text after" },
    { "{\"a\":\"tab\there\"}", "control character" },
    { "{\"a\":01}", "expected ','" },
    { "{\"a\":1.}", "without digits" },
    { "[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]", "nested deeper" },
    { "{\"a\":tru}", "not a JSON value" },
  };
  g_autoptr(GArray) tokens = g_array_new (FALSE, FALSE, sizeof (GhJsonToken));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;
      gboolean ok = gh_json_tokenize (cases[i].text, strlen (cases[i].text), 16, tokens, &message);

      g_test_message ("%s -> %s", cases[i].text, ok ? "ok" : message);
      if (cases[i].refusal == NULL)
        g_assert_true (ok);
      else
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (message, cases[i].refusal));
        }
    }
  /* The strings come out unescaped, emoji and all. */
  {
    const char *text = "{\"k\":\"x\\u00e9\\ud83d\\ude00\\n\"}";
    g_autofree char *value = NULL;

    g_assert_true (gh_json_tokenize (text, strlen (text), 16, tokens, NULL));
    value = gh_json_token_dup (text, &g_array_index (tokens, GhJsonToken, 2));
    g_assert_cmpstr (value, ==, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  }
}

/* Times in a feed: the fast path and GDateTime agree, and impossible dates are refused. */
static void
test_times (Fixture       *f,
            gconstpointer  data)
{
  const char *times[] = { "2024-02-29T23:59:59Z", "2026-03-01T11:00:00+01:00", "2000-01-01",
                          "2100-12-31T00:00:00Z", "1999-12-31T23:59:59.500Z" };
  g_autoptr(GString) items = g_string_new (NULL);
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GPtrArray) held = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    g_string_append_printf (items, "%s{\"id\":\"%u\",\"category\":\"user.name\",\"source\":"
                            "\"provided\",\"collected_at\":\"%s\",\"retained_until\":"
                            "\"2200-01-01T00:00:00Z\"}", i > 0 ? "," : "", i, times[i]);
  line = member ("6000000001", "Timely", items->str, NULL);
  text = g_strconcat (HEADER, line, NULL);
  path = write_file (f, "times.jsonl", text);
  g_assert_cmpint (import (f, path, NULL, NULL), ==, 0);

  store = gh_store_open (f->db, GH_STORE_OPEN_DEFAULT, &error);
  customer = gh_store_find_customer (store, "6000000001", &error);
  g_assert_no_error (error);
  held = gh_store_list_data_items (store, customer->id, &error);
  g_assert_cmpuint (held->len, ==, G_N_ELEMENTS (times));
  for (guint k = 0; k < G_N_ELEMENTS (times); k++)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autofree char *full = strlen (times[k]) == 10 ? g_strconcat (times[k], "T00:00:00Z", NULL)
                                                      : g_strdup (times[k]);
      g_autoptr(GDateTime) expected = g_date_time_new_from_iso8601 (full, utc);
      gboolean found = FALSE;

      g_assert_nonnull (expected);
      for (guint i = 0; i < held->len; i++)
        found |= ((const GhDataItem *) g_ptr_array_index (held, i))->collected_at
                 == g_date_time_to_unix (expected);
      g_assert_true (found);
    }

  bad = write_file (f, "bad-times.jsonl", HEADER "{\"loyalty_id\":\"6000000002\",\"name\":\"N\","
                    "\"stores\":[\"s\"],\"items\":[{\"id\":\"1\",\"category\":\"user.name\","
                    "\"source\":\"provided\",\"collected_at\":\"2023-02-29T00:00:00Z\"}]}\n");
  g_assert_cmpint (import (f, bad, NULL, &err), ==, 3);
  g_assert_nonnull (strstr (err, "bad-times.jsonl:2: items[0].collected_at: not a date and time"));
}

static void
test_units (void)
{
  gh_test_verify_units ("glasshouse-retention.service.in", "glasshouse-retention.timer",
                        "retention run");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define add(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  add ("/members/example", test_example, NULL);
  add ("/members/same-feed-twice", test_same_feed_twice, NULL);
  add ("/members/line-replaces-items", test_line_replaces_items, NULL);
  add ("/members/bad-lines", test_bad_lines, NULL);
  add ("/members/bad-feeds", test_bad_feeds, NULL);
  add ("/members/other-store", test_other_store, "store-007");
  add ("/members/forgotten-stays-forgotten", test_forgotten_stays_forgotten, NULL);
  add ("/members/tombstone", test_tombstone, NULL);
  add ("/members/kiosk-decision-wins", test_kiosk_decision_wins, NULL);
  add ("/members/kill-mid-import", test_kill_mid_import, NULL);
  add ("/members/times", test_times, NULL);
  add ("/members/demo-feed-matches-demo", test_demo_feed_matches_demo, NULL);
  add ("/retention/run", test_retention, NULL);
  add ("/retention/legal-hold-and-cli", test_retention_legal_hold_and_cli, NULL);
#undef add
  g_test_add_func ("/members/tokenizer", test_tokenizer);
  g_test_add_func ("/retention/units", test_units);
  return g_test_run ();
}
