/* The fleet report in the portal behind an HQ staff sign-in (issue 17), against
 * the real glasshouse-portal and a real PostgreSQL: the report answers 303
 * without a staff session (and to a shopper's session), CSRF is required, a
 * wrong passphrase and an unknown name get the same answer, both lock after
 * repeated failures, a signed-in staff member gets the report with the figures
 * HQ's tables hold (member count, the config's category titles) in English and
 * German, with the security headers and a CSP that allows exactly its inline
 * style; signing out ends it; the log names nobody; and without hq-staff-file
 * the HQ pages answer 404.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "auth/gh-auth.h"
#include "gh-portal-fixture.h"
#include "gh-portal-phone.h"
#include "gh-test-utils.h"

#define STAFF_NAME        "hq.maria"
#define STAFF_PASSPHRASE  "Lighthouse-Garden-42"
#define LOCKED_NAME       "hq.jonas"
#define LOCKED_PASSPHRASE "Harbour-Kettle-17"
#define REPORTER_PASSWORD  "reporter-Secret-9"
#define WRONG_TRIES       5   /* the portal's lockout, as for shoppers */

static GhPortalFixture *fx;
static char *skip_reason;
static char *staff_hash;  /* never to be seen in the log */

#define REQUIRE_FIXTURE() GH_PORTAL_REQUIRE_FIXTURE (fx, skip_reason)

/* A page as HQ staff see it, into the build folder for people to look at: @url live
 * (the sign-in page and its stylesheet), or @html as served (the self-contained report). */
static void
screenshot (const char *url,
            const char *html,
            const char *name)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  g_autofree char *dir = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "tests", "portal", NULL);
  g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, name);
  g_autofree char *page = NULL;
  g_autofree char *target = NULL;
  g_autofree char *option = g_strdup_printf ("--screenshot=%s", png);

  if (chromium == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  if (html != NULL)
    {
      page = g_strdup_printf ("%s/%s.html", dir, name);
      g_assert_true (g_file_set_contents (page, html, -1, NULL));
      target = g_strconcat ("file://", page, NULL);
    }
  else
    target = g_strdup (url);
  {
    const char *argv[] = { chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                           "--ignore-certificate-errors", "--hide-scrollbars",
                           "--window-size=1366,900", option, target, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

/* GET /hq for its form's CSRF token, then POST the sign-in. */
static GhPhoneAnswer *
staff_sign_in (GhPhone    *phone,
               const char *name,
               const char *passphrase)
{
  g_autoptr(GhPhoneAnswer) form = gh_phone_get (phone, "/hq");
  g_autofree char *csrf = gh_phone_csrf (form->body);

  g_assert_cmpuint (form->status, ==, 200);
  g_assert_nonnull (csrf);
  return gh_phone_post (phone, "/hq/sign-in", "csrf", csrf, "name", name,
                        "passphrase", passphrase, NULL);
}

static void
test_report_needs_staff (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GhPhoneAnswer) form = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  answer = gh_phone_get (phone, "/hq/report");
  g_assert_cmpuint (answer->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Location"), ==, "/hq");
  gh_phone_assert_security_headers (answer, TRUE);
  g_assert_true (answer->body == NULL || *answer->body == '\0');

  form = gh_phone_get (phone, "/hq");
  g_assert_cmpuint (form->status, ==, 200);
  gh_phone_assert_security_headers (form, TRUE);
  g_assert_nonnull (strstr (form->body, "HQ staff sign-in"));
  g_assert_nonnull (strstr (form->body, "name=\"passphrase\""));

  /* A shopper's session is not a staff session. */
  g_assert_cmpuint (gh_phone_sign_in (phone, "4000000002", "0002"), ==, 303);
  g_clear_pointer (&answer, gh_phone_answer_free);
  answer = gh_phone_get (phone, "/hq/report");
  g_assert_cmpuint (answer->status, ==, 303);
}

static void
test_csrf_required (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) form = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GhPhoneAnswer) report = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  form = gh_phone_get (phone, "/hq");  /* the pre-session cookie, but no token sent */
  answer = gh_phone_post (phone, "/hq/sign-in", "name", STAFF_NAME, "passphrase", STAFF_PASSPHRASE, NULL);
  g_assert_cmpuint (answer->status, ==, 403);
  gh_phone_assert_security_headers (answer, TRUE);
  g_assert_null (g_hash_table_lookup (phone->cookies, "gh_hq"));
  report = gh_phone_get (phone, "/hq/report");
  g_assert_cmpuint (report->status, ==, 303);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) wrong = NULL;
  g_autoptr(GhPhoneAnswer) unknown = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  wrong = staff_sign_in (phone, STAFF_NAME, "Lighthouse-Garden-43");
  unknown = staff_sign_in (phone, "hq.nobody", STAFF_PASSPHRASE);
  g_assert_cmpuint (wrong->status, ==, 403);
  g_assert_nonnull (strstr (wrong->body, "That name and passphrase do not match."));
  /* The same answer, word for word, whether or not the file names them. */
  g_assert_cmpuint (unknown->status, ==, wrong->status);
  g_assert_cmpstr (unknown->body, ==, wrong->body);
  g_assert_null (g_hash_table_lookup (phone->cookies, "gh_hq"));
}

static void
lock_out (GhPhone    *phone,
          const char *name)
{
  for (int i = 1; i <= WRONG_TRIES; i++)
    {
      g_autoptr(GhPhoneAnswer) answer = staff_sign_in (phone, name, "not-the-passphrase");
      g_assert_cmpuint (answer->status, ==, i < WRONG_TRIES ? 403 : 429);
    }
}

static void
test_lockout (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) right = NULL;
  g_autoptr(GhPhoneAnswer) other = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  lock_out (phone, LOCKED_NAME);
  /* Locked: even the right passphrase is refused, and says when to come back. */
  right = staff_sign_in (phone, LOCKED_NAME, LOCKED_PASSPHRASE);
  g_assert_cmpuint (right->status, ==, 429);
  g_assert_nonnull (soup_message_headers_get_one (right->headers, "Retry-After"));
  g_assert_nonnull (strstr (right->body, "Too many wrong passphrases"));
  g_assert_null (g_hash_table_lookup (phone->cookies, "gh_hq"));
  /* A name the file does not list locks alike. */
  lock_out (phone, "hq.nobody-else");
  /* Another staff member is not locked by it. */
  other = staff_sign_in (phone, STAFF_NAME, STAFF_PASSPHRASE);
  g_assert_cmpuint (other->status, ==, 303);
}

static gint64
member_count (void)
{
  g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
  PGresult *result = PQexec (db, "SELECT count (*) FROM glasshouse.member");
  gint64 count;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  count = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return count;
}

/* The CSP allows the page's one inline style by its hash, and nothing else inline. */
static void
assert_report_csp (GhPhoneAnswer *answer)
{
  const char *csp = soup_message_headers_get_one (answer->headers, "Content-Security-Policy");
  const char *start = strstr (answer->body, "<style>");
  const char *end = start != NULL ? strstr (start, "</style>") : NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *hash = NULL;
  g_autofree char *source = NULL;

  g_assert_nonnull (csp);
  g_assert_nonnull (end);
  start += strlen ("<style>");
  g_checksum_update (checksum, (const guchar *) start, end - start);
  g_checksum_get_digest (checksum, digest, &length);
  hash = g_base64_encode (digest, length);
  source = g_strdup_printf ("style-src 'sha256-%s'", hash);
  g_assert_nonnull (strstr (csp, source));
  g_assert_nonnull (strstr (csp, "script-src 'none'"));
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_null (strstr (answer->body, "<script"));
}

static void
test_report (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) signed_in = NULL;
  g_autoptr(GhPhoneAnswer) answer = NULL;
  g_autoptr(GhPhoneAnswer) german = NULL;
  g_autofree char *members = NULL;
  g_autoptr(GhDataCategory) category = NULL;
  g_autofree char *title_en = NULL;
  g_autofree char *title_de = NULL;
  const char *cookie;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  signed_in = staff_sign_in (phone, STAFF_NAME, STAFF_PASSPHRASE);
  g_assert_cmpuint (signed_in->status, ==, 303);
  g_assert_cmpstr (soup_message_headers_get_one (signed_in->headers, "Location"), ==, "/hq/report");
  cookie = soup_message_headers_get_list (signed_in->headers, "Set-Cookie");
  g_assert_nonnull (strstr (cookie, "gh_hq="));
  g_assert_nonnull (strstr (cookie, "HttpOnly"));
  g_assert_nonnull (strstr (cookie, "Secure"));
  g_assert_nonnull (strstr (cookie, "SameSite=Strict"));
  g_assert_nonnull (strstr (cookie, "Max-Age=3600"));

  answer = gh_phone_get (phone, "/hq/report?lang=en");
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "Referrer-Policy"), ==, "no-referrer");
  g_assert_cmpstr (soup_message_headers_get_one (answer->headers, "X-Frame-Options"), ==, "DENY");
  assert_report_csp (answer);
  /* The figures of HQ's tables: as many members as HQ holds, the config's titles. */
  members = g_strdup_printf ("<b>%" G_GINT64_FORMAT "</b>Members the report is based on", member_count ());
  g_assert_cmpint (member_count (), ==, GH_PORTAL_FIXTURE_MEMBERS);
  g_assert_nonnull (strstr (answer->body, members));
  category = g_list_model_get_item (gh_catalog_get_data_categories (fx->catalog), 0);
  title_en = g_markup_escape_text (gh_data_category_get_title (category, "en"), -1);
  title_de = g_markup_escape_text (gh_data_category_get_title (category, "de"), -1);
  g_assert_nonnull (strstr (answer->body, title_en));
  g_assert_nonnull (strstr (answer->body, "Does our data earn its keep?"));
  {
    g_autofree char *base = gh_portal_fixture_base (fx);
    g_autofree char *sign_in = g_strconcat (base, "/hq", NULL);

    screenshot (sign_in, NULL, "portal-hq-sign-in");
    screenshot (NULL, answer->body, "portal-hq-report");
  }

  german = gh_phone_get (phone, "/hq/report?lang=de");
  g_assert_cmpuint (german->status, ==, 200);
  assert_report_csp (german);
  g_assert_nonnull (strstr (german->body, "<html lang=\"de\""));
  g_assert_nonnull (strstr (german->body, "Mitglieder, auf denen der Bericht beruht"));
  g_assert_nonnull (strstr (german->body, title_de));
  g_assert_null (strstr (german->body, "Members the report is based on"));
}

static void
test_sign_out (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) signed_in = NULL;
  g_autoptr(GhPhoneAnswer) home = NULL;
  g_autoptr(GhPhoneAnswer) out = NULL;
  g_autoptr(GhPhoneAnswer) after = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *cookie = NULL;

  REQUIRE_FIXTURE ();
  phone = gh_portal_fixture_phone (fx);
  signed_in = staff_sign_in (phone, STAFF_NAME, STAFF_PASSPHRASE);
  g_assert_cmpuint (signed_in->status, ==, 303);
  cookie = g_strdup (g_hash_table_lookup (phone->cookies, "gh_hq"));
  home = gh_phone_get (phone, "/hq");
  g_assert_nonnull (strstr (home->body, "/hq/report?lang=en"));
  csrf = gh_phone_csrf (home->body);
  out = gh_phone_post (phone, "/hq/sign-out", "csrf", csrf, NULL);
  g_assert_cmpuint (out->status, ==, 303);
  /* The session is over at the portal, not only in this browser. */
  g_hash_table_replace (phone->cookies, g_strdup ("gh_hq"), g_strdup (cookie));
  after = gh_phone_get (phone, "/hq/report");
  g_assert_cmpuint (after->status, ==, 303);
}

static void
test_log_scrubbed (void)
{
  g_autofree char *log = NULL;
  const char *secrets[] = { STAFF_NAME, STAFF_PASSPHRASE, LOCKED_NAME, LOCKED_PASSPHRASE,
                            "hq.nobody", "not-the-passphrase", REPORTER_PASSWORD, "argon2id", NULL };

  REQUIRE_FIXTURE ();
  log = gh_portal_fixture_log (fx);
  g_assert_nonnull (strstr (log, "POST hq-sign-in 303"));
  g_assert_nonnull (strstr (log, "GET hq-report 200"));
  g_assert_null (strstr (log, staff_hash));
  gh_portal_fixture_assert_log_lacks (log, secrets);
}

/* Without hq-staff-file the HQ pages are not there at all. */
static void
test_off_without_staff_file (void)
{
  g_autoptr(GhPhone) phone = NULL;
  g_autoptr(GhPhoneAnswer) sign_in = NULL;

  REQUIRE_FIXTURE ();
  gh_portal_fixture_stop (fx);
  gh_portal_fixture_start (fx, FALSE, NULL);
  phone = gh_portal_fixture_phone (fx);
  gh_phone_assert_invalid (phone, "/hq", 404);
  gh_phone_assert_invalid (phone, "/hq/report", 404);
  sign_in = gh_phone_post (phone, "/hq/sign-in", "name", STAFF_NAME, "passphrase", STAFF_PASSPHRASE, NULL);
  g_assert_cmpuint (sign_in->status, ==, 404);
}

/* The staff file and a login in glasshouse_admin, then the portal with its HQ pages. */
static void
start_with_staff (void)
{
  g_autoptr(PGconn) db = gh_portal_fixture_admin (fx);
  g_autofree char *locked_hash = gh_auth_hash_pin (LOCKED_PASSPHRASE);
  g_autofree char *path = g_build_filename (fx->dir, "portal-hq-staff", NULL);
  g_autofree char *staff = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *extra = NULL;

  staff_hash = gh_auth_hash_pin (STAFF_PASSPHRASE);
  staff = g_strdup_printf ("# HQ staff who may read the fleet report\n%s %s\n\n%s\t%s\n",
                           STAFF_NAME, staff_hash, LOCKED_NAME, locked_hash);
  g_assert_true (g_file_set_contents_full (path, staff, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  gh_test_pg_exec (db, "CREATE ROLE hq_reporter LOGIN PASSWORD '" REPORTER_PASSWORD "'"
                       " IN ROLE glasshouse_admin");
  conninfo = gh_test_pg_conninfo (fx->pg, fx->dbname, "hq_reporter", REPORTER_PASSWORD);
  extra = g_strdup_printf ("hq-staff-file=%s\nhq-report-postgres=%s", path, conninfo);
  gh_portal_fixture_start (fx, FALSE, extra);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  fx = gh_portal_fixture_new (&skip_reason);
  if (fx != NULL)
    start_with_staff ();

  g_test_add_func ("/portal-hq/01-report-needs-staff", test_report_needs_staff);
  g_test_add_func ("/portal-hq/02-csrf-required", test_csrf_required);
  g_test_add_func ("/portal-hq/03-wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/portal-hq/04-lockout", test_lockout);
  g_test_add_func ("/portal-hq/05-report", test_report);
  g_test_add_func ("/portal-hq/06-sign-out", test_sign_out);
  g_test_add_func ("/portal-hq/07-log-scrubbed", test_log_scrubbed);
  g_test_add_func ("/portal-hq/08-off-without-staff-file", test_off_without_staff_file);
  status = gh_test_run_and_free (fx, (GDestroyNotify) gh_portal_fixture_free, skip_reason);
  g_free (staff_hash);
  return status;
}
