/* glasshouse-ctl hq report on a small fleet whose every figure is known in advance:
 * members through hq import, the decisions, erasures, data copies and preview counts
 * the kiosks' push and heartbeat would write put in with plain SQL in the documented
 * shape (docs/hq-schema.md). Checks the figures in --json, that the HTML carries them
 * (in English and German), is self-contained, flags the category no offer reads and
 * not the one that powers an offer for every member, and that headless Chromium
 * renders its charts (the screenshot is left in the build folder).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gh-test-bundle.h"
#include "gh-test-hq.h"
#include "gh-test-utils.h"

static GhTestPg *pg;
static char *pg_skip_reason;

#define REQUIRE_PG() GH_TEST_REQUIRE_PG (pg, pg_skip_reason)

#define NOW "2026-12-09T12:00:00Z"   /* a Wednesday: weeks of 16, 23, 30 Nov and 7 Dec */

/* The test config plus an offer nobody can get (golf purchases). */
static char *
fleet_config (void)
{
  g_autofree char *base = gh_test_bundle_config (1);
  g_autoptr(JsonNode) root = json_from_string (base, NULL);
  JsonArray *offers = json_object_get_array_member (json_node_get_object (root), "offers");
  JsonNode *golf = json_from_string (
      "{\"id\":\"golf-days\",\"title\":{\"en\":\"Golf days\",\"de\":\"Golftage\"},"
      "\"description\":{\"en\":\"Tee time\"},\"purpose\":\"personalize.offers\","
      "\"rule\":[{\"category\":\"user.behavior.purchase_history\",\"where\":[{\"attribute\":"
      "\"department\",\"op\":\"equals\",\"value\":\"golf\"}]}]}", NULL);

  json_array_add_element (offers, golf);
  return json_to_string (root, FALSE);
}

#define ITEM(id, cat, attrs, at) \
  "{\"id\":\"" id "\",\"category\":\"" cat "\",\"source\":\"observed\",\"attributes\":" attrs \
  ",\"collected_at\":\"" at "\",\"retained_until\":\"2099-01-01\"}"
#define SIZES ITEM ("sz", "user.preference.sizes", "{\"shoe\":\"42\"}", "2026-10-01")
#define EMAIL ITEM ("em", "user.contact.email", "{}", "2026-10-01")
#define RUN(n) ITEM ("p" n, "user.behavior.purchase_history", "{\"department\":\"running\"}", "2026-11-01")
#define TENNIS(n) ITEM ("t" n, "user.behavior.purchase_history", "{\"department\":\"tennis\"}", "2026-11-01")
#define MEMBER(n, store, items, consents) \
  "{\"loyalty_id\":\"73000000" n "\",\"ref\":\"m" n "\",\"name\":\"Member " n "\",\"stores\":[\"" \
  store "\"],\"member_since\":\"2026-01-01\",\"items\":[" items "],\"consents\":[" consents "]}"
#define EMAIL_ON "{\"purpose\":\"marketing.email\",\"state\":\"granted\",\"decided_at\":\"2026-10-01\"}"

static const char *members[] = {
  MEMBER ("01", "s-1", SIZES "," EMAIL "," RUN ("1") "," RUN ("2"), EMAIL_ON),
  MEMBER ("02", "s-1", SIZES "," EMAIL "," RUN ("1") "," RUN ("2"), EMAIL_ON),
  MEMBER ("03", "s-1", SIZES "," EMAIL "," RUN ("1") "," RUN ("2"), ""),
  MEMBER ("04", "s-1", SIZES "," EMAIL "," RUN ("1"), ""),
  MEMBER ("05", "s-1", SIZES "," EMAIL "," TENNIS ("1") "," TENNIS ("2"), ""),
  MEMBER ("06", "s-1", SIZES "," EMAIL, ""),
  MEMBER ("07", "s-2", SIZES "," EMAIL, ""),
  MEMBER ("08", "s-2", SIZES "," EMAIL, ""),
  MEMBER ("09", "s-2", SIZES, ""),
  MEMBER ("10", "s-2", SIZES, ""),
  MEMBER ("11", "s-2", SIZES, ""),
  MEMBER ("12", "s-2", SIZES, ""),
  /* A member of both stores: counted once for the fleet, once in each store. */
  "{\"loyalty_id\":\"7300000013\",\"ref\":\"m13\",\"name\":\"Member 13\",\"stores\":"
  "[\"s-1\",\"s-2\"],\"member_since\":\"2026-01-01\",\"items\":[" SIZES "]}",
  NULL
};

#define DECISION(ref, purpose, state, origin, kiosk, seq, at) \
  "INSERT INTO glasshouse.decision (ref, purpose_id, state, decided_at, received_at, origin," \
  " kiosk_id, seq) VALUES ('" ref "', '" purpose "', '" state "', '" at "', '" at "', '" origin \
  "', " kiosk ", " seq ");"
#define RECEIPT(n, at) \
  "INSERT INTO glasshouse.receipt (receipt_id, kiosk_id, kind, ref, token, short_code," \
  " expires_at, issued_at, body) VALUES ('00000000-0000-4000-8000-00000000000" n "', 'k-1'," \
  " 'access', 'm03', 't', 'ABCDEFG" n "', '2027-01-01', '" at "', '{}');"

static void
build_fleet (GhTestHq *hq)
{
  g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
  g_autofree char *feed = gh_test_hq_write_feed (hq, "fleet.jsonl", members);
  const char *tombstone[] = { "{\"loyalty_id\":\"7300000011\",\"deleted\":true,"
                              "\"deleted_at\":\"2026-11-24T10:00:00Z\"}", NULL };
  g_autofree char *second = gh_test_hq_write_feed (hq, "tombstone.jsonl", tombstone);

  g_assert_cmpint (gh_test_hq_import (hq, feed, NULL, NULL, NULL), ==, 0);
  /* The CRM's two grants arrived before the range (the import stamps them now). */
  gh_test_pg_exec (db, "UPDATE glasshouse.decision SET received_at = '2026-11-02T10:00:00Z'");
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.decision"), ==, 2);
  gh_test_pg_exec (db,
      DECISION ("m03", "marketing.email", "granted", "kiosk", "'k-1'", "1", "2026-11-24T09:00:00Z")
      DECISION ("m04", "marketing.email", "granted", "portal", "NULL", "NULL", "2026-11-25T09:00:00Z")
      DECISION ("m03", "marketing.email", "revoked", "kiosk", "'k-1'", "2", "2026-12-01T09:00:00Z")
      DECISION ("m01", "marketing.email", "revoked", "portal", "NULL", "NULL", "2026-12-02T09:00:00Z")
      DECISION ("m07", "marketing.email", "granted", "kiosk", "'k-2'", "1", "2026-12-08T09:00:00Z")
      DECISION ("m02", "marketing.email", "granted", "kiosk", "'k-1'", "3", "2026-12-08T10:00:00Z")
      DECISION ("m04", "marketing.email", "revoked", "crm", "NULL", "NULL", "2026-12-08T11:00:00Z")
      RECEIPT ("1", "2026-11-17T12:00:00Z") RECEIPT ("2", "2026-12-01T12:00:00Z")
      RECEIPT ("3", "2026-12-01T13:00:00Z")
      "INSERT INTO glasshouse.preview_daily VALUES"
      " ('k-1', '2026-11-24', 'marketing.email', 5, 2),"
      " ('k-2', '2026-12-01', 'marketing.email', 3, 1),"
      " ('k-1', '2026-12-08', 'personalize.offers', 4, 4),"
      " ('k-1', '2026-11-02', 'personalize.offers', 9, 0);"  /* before the range */
      "SELECT glasshouse.erase_member ('m12', 'kiosk', '2026-11-25T08:00:00Z', 'k-2');");
  /* Member 11 erased by the CRM's tombstone, through hq import. */
  g_assert_cmpint (gh_test_hq_import (hq, second, NULL, NULL, NULL), ==, 0);
  gh_test_pg_exec (db, "UPDATE glasshouse.erasure SET received_at = CASE ref"
                       " WHEN 'm11' THEN timestamptz '2026-11-24T16:00:00Z'"
                       " ELSE timestamptz '2026-11-26T08:00:00Z' END");
  g_assert_cmpint (gh_test_pg_int (db, "SELECT count (*) FROM glasshouse.member"), ==, 11);
}

static JsonObject *
find_by_id (JsonObject *root,
            const char *array,
            const char *id)
{
  JsonArray *items = json_object_get_array_member (root, array);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return item;
    }
  g_assert_not_reached ();
}

static void
assert_ints (JsonArray    *array,
             const gint64 *expected,
             guint         n)
{
  g_assert_cmpint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (json_array_get_int_element (array, i), ==, expected[i]);
}

static void
assert_shares (JsonArray    *array,
               const double *expected,
               guint         n)
{
  g_assert_cmpint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, i), expected[i], 1e-9);
}

static void
check_json (JsonObject *root)
{
  JsonObject *email = find_by_id (root, "categories", "user.contact.email");
  JsonObject *sizes = find_by_id (root, "categories", "user.preference.sizes");
  JsonObject *history = find_by_id (root, "categories", "user.behavior.purchase_history");
  JsonObject *marketing = find_by_id (root, "purposes", "marketing.email");
  JsonObject *personal = find_by_id (root, "purposes", "personalize.offers");
  JsonObject *origins = json_object_get_object_member (marketing, "switched_off_by_origin");
  JsonObject *by_store = json_object_get_object_member (marketing, "share_on_by_store");
  JsonObject *preview = json_object_get_object_member (marketing, "preview");
  JsonArray *requests = json_object_get_array_member (root, "requests");
  JsonArray *nobody = json_object_get_array_member (root, "offers_reaching_nobody");
  const gint64 on[] = { 0, 2, 0, 1 }, off[] = { 0, 0, 2, 1 };
  const double all[] = { 2 / 11.0, 4 / 11.0, 2 / 11.0, 2 / 11.0 }, always[] = { 1, 1, 1, 1 };
  const double s1[] = { 2 / 7.0, 4 / 7.0, 2 / 7.0, 1 / 7.0 }, s2[] = { 0, 0, 0, 0.2 };

  g_assert_cmpstr (json_object_get_string_member (root, "from"), ==, "2026-11-16");
  g_assert_cmpstr (json_object_get_string_member (root, "to"), ==, "2026-12-09");
  g_assert_cmpint (json_object_get_int_member (root, "config_version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (root, "members"), ==, 11);

  /* Email: held for 8, read by no offer: flagged. Sizes: an offer for every member. */
  g_assert_cmpint (json_object_get_int_member (email, "held"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (email, "earns"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (email, "verdict"), ==, "no_offer");
  g_assert_true (json_object_get_boolean_member (email, "flagged"));
  g_assert_cmpint (json_object_get_int_member (sizes, "held"), ==, 11);
  g_assert_cmpint (json_object_get_int_member (sizes, "earns"), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (sizes, "verdict"), ==, "earns");
  g_assert_false (json_object_get_boolean_member (sizes, "flagged"));
  g_assert_cmpint (json_object_get_int_member (history, "held"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (history, "earns"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (history, "does_nothing"), ==, 2);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (history, "offers")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (history, "retention_days"), ==, 3650);

  g_assert_cmpint (json_object_get_int_member (find_by_id (root, "offers", "size-alert"), "reach"),
                   ==, 11);
  g_assert_cmpint (json_object_get_int_member (find_by_id (root, "offers", "running-shoes"), "reach"),
                   ==, 3);
  g_assert_cmpint (json_array_get_length (nobody), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (nobody, 0), ==, "golf-days");

  assert_shares (json_object_get_array_member (marketing, "share_on"), all, 4);
  assert_shares (json_object_get_array_member (by_store, "s-1"), s1, 4);
  assert_shares (json_object_get_array_member (by_store, "s-2"), s2, 4);
  assert_shares (json_object_get_array_member (personal, "share_on"), always, 4);
  assert_ints (json_object_get_array_member (marketing, "switched_on"), on, 4);
  assert_ints (json_object_get_array_member (marketing, "switched_off"), off, 4);
  g_assert_cmpint (json_object_get_int_member (origins, "kiosk"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (origins, "portal"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (origins, "crm"), ==, 1);

  g_assert_cmpint (json_object_get_int_member (preview, "opened"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (preview, "kept_on"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (preview, "kept_on_share"),
                                  0.375, 1e-9);
  preview = json_object_get_object_member (personal, "preview");
  g_assert_cmpint (json_object_get_int_member (preview, "opened"), ==, 4);

  {
    const gint64 copies[] = { 1, 0, 2, 0 }, erasures[] = { 0, 2, 0, 0 };
    JsonObject *week1 = json_array_get_object_element (requests, 1);

    for (guint w = 0; w < 4; w++)
      {
        JsonObject *week = json_array_get_object_element (requests, w);
        g_assert_cmpint (json_object_get_int_member (week, "copies"), ==, copies[w]);
        g_assert_cmpint (json_object_get_int_member (week, "erasures"), ==, erasures[w]);
      }
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (week1, "erasure_median_hours"),
                                    15.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (week1, "erasure_max_hours"),
                                    24.0, 1e-9);
  }
}

static guint
count_pixels (GdkPixbuf *pixbuf,
              guint32    rgb)
{
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint count = 0;

  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        const guchar *p = pixels + y * stride + x * n_channels;
        if (p[0] == (rgb >> 16) && p[1] == ((rgb >> 8) & 0xff) && p[2] == (rgb & 0xff))
          count++;
      }
  return count;
}

/* Headless Chromium renders the page; its screenshot goes to the build folder. */
static void
screenshot (const char *html_path,
            const char *png_name,
            int         height)
{
  g_autofree char *png = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), png_name, NULL);
  g_autofree char *uri = g_filename_to_uri (html_path, NULL, NULL);
  g_autofree char *shot = g_strdup_printf ("--screenshot=%s", png);
  g_autofree char *size = g_strdup_printf ("--window-size=1366,%d", height);
  g_autofree char *profile = gh_test_mkdtemp ();
  g_autofree char *profile_arg = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autoptr(GSubprocess) chromium = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const char *program = g_getenv ("GLASSHOUSE_CHROMIUM") ? g_getenv ("GLASSHOUSE_CHROMIUM")
                                                          : "chromium";

  if (g_find_program_in_path (program) == NULL)
    {
      g_test_skip ("chromium is not installed");
      gh_test_rmdir (profile);
      return;
    }
  g_unlink (png);
  chromium = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error, program, "--headless=new", "--no-sandbox", "--disable-gpu",
                               "--no-first-run", "--hide-scrollbars", profile_arg, size, shot, uri,
                               NULL);
  g_assert_no_error (error);
  g_subprocess_wait (chromium, NULL, &error);
  g_assert_no_error (error);
  gh_test_rmdir (profile);
  pixbuf = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1366);
  /* The categories chart: its "makes an offer true" green and "does nothing" grey bars,
   * colours nothing else on the first screen uses in area. */
  g_assert_cmpuint (count_pixels (pixbuf, 0xb8c0c7), >, 2000);
  g_assert_cmpuint (count_pixels (pixbuf, 0x1a7f5a), >, 2000);
  g_test_message ("screenshot: %s", png);
}

static void
test_report (void)
{
  g_autofree char *config = NULL;
  g_autoptr(GhTestHq) hq = NULL;
  g_autofree char *html_path = NULL, *html = NULL, *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  REQUIRE_PG ();
  config = fleet_config ();
  hq = gh_test_hq_new (pg, config, TRUE);
  build_fleet (hq);
  html_path = g_build_filename (hq->dir, "report.html", NULL);
  g_assert_cmpint (gh_test_run_ctl (&out, &err, "hq", "report", "--postgres", hq->conninfo,
                                    "--trust", hq->trust_path, "--html", html_path, "--weeks", "4",
                                    "--now", NOW, "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  check_json (json_node_get_object (json_parser_get_root (parser)));

  g_assert_true (g_file_get_contents (html_path, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "2026-11-16 to 2026-12-09"));
  g_assert_nonnull (strstr (html, "Held for 8 members, used by no offer: stop collecting it"));
  g_assert_nonnull (strstr (html, "data-verdict=\"no_offer\""));
  g_assert_nonnull (strstr (html, "Earns its keep: makes an offer true for 100 % of the 11 members"));
  g_assert_nonnull (strstr (html, "Offers that reach nobody:</span> Golf days"));
  g_assert_nonnull (strstr (html, "37.5 %"));     /* the preview kept email on */
  g_assert_nonnull (strstr (html, "15.0 h"));     /* the erasures' median */
  g_assert_nonnull (strstr (html, "<svg"));
  /* Self-contained: nothing fetched, nothing run. */
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "src="));
  g_assert_null (strstr (html, "href="));
  g_assert_null (strstr (html, "url("));
  screenshot (html_path, "hq-report.png", 900);
  screenshot (html_path, "hq-report-full.png", 5200);

  /* German, from po/. */
  g_clear_pointer (&html, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "hq", "report", "--postgres", hq->conninfo,
                                    "--trust", hq->trust_path, "--html", html_path, "--weeks", "4",
                                    "--now", NOW, "--language", "de", NULL), ==, 0);
  g_assert_true (g_file_get_contents (html_path, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, "<html lang=\"de\""));
  g_assert_nonnull (strstr (html, "Für 8 Mitglieder gespeichert, von keinem Angebot genutzt"));
  g_assert_nonnull (strstr (html, "37,5 %"));
  g_assert_nonnull (strstr (html, "Golftage"));
}

static void
test_errors (void)
{
  g_autofree char *config = gh_test_bundle_config (1);
  g_autoptr(GhTestHq) hq = NULL;
  g_autofree char *err = NULL, *html_path = NULL;
  int port = gh_test_free_port ();
  g_autofree char *down = g_strdup_printf ("host=127.0.0.1 port=%d dbname=x user=x connect_timeout=3",
                                           port);

  REQUIRE_PG ();
  hq = gh_test_hq_new (pg, config, TRUE);
  html_path = g_build_filename (hq->dir, "report.html", NULL);
  /* An HQ without members yet: a report of zeros, not a failure. */
  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "hq", "report", "--postgres", hq->conninfo,
                                    "--trust", hq->trust_path, "--html", html_path, NULL), ==, 0);
  g_assert_true (g_file_test (html_path, G_FILE_TEST_IS_REGULAR));
  g_unlink (html_path);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "report", "--postgres", hq->conninfo,
                                    "--trust", hq->trust_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--html"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "report", "--postgres", hq->conninfo,
                                    "--trust", hq->trust_path, "--html", html_path,
                                    "--language", "xx", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--language"));
  /* HQ down: exit 3, one line, and no page. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "hq", "report", "--postgres", down,
                                    "--trust", hq->trust_path, "--html", html_path, NULL), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: "));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_assert_false (g_file_test (html_path, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pg = gh_test_pg_start_sealed (FALSE, &pg_skip_reason);

  g_test_add_func ("/hq-report/known-answers", test_report);
  g_test_add_func ("/hq-report/errors", test_errors);

  return gh_test_run_and_free (pg, (GDestroyNotify) gh_test_pg_stop, pg_skip_reason);
}
