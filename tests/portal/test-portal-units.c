/* glasshouse-portal's parts without a server: the key file (the shipped example
 * loads; each bad value is refused with the file, key and reason; so is each bad
 * line of the HQ staff file, with its number and never its hash; the binary
 * exits 2 with one line), the systemd unit (systemd-analyze verify), language
 * negotiation and the .mo reader, and template escaping.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "portal/gh-portal-config.h"
#include "portal/gh-portal-i18n.h"
#include "portal/gh-portal-page.h"
#include "portal/gh-portal-private.h"
#include "auth/gh-auth.h"
#include "gh-test-utils.h"

static char *
source_file (const char *relative)
{
  return g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), relative, NULL);
}

static void
test_example_loads (void)
{
  g_autofree char *path = source_file ("data/portal/glasshouse-portal.conf");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhPortalConfig) config = gh_portal_config_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (config->address, ==, "127.0.0.1");
  g_assert_cmpint (config->port, ==, 8080);
  g_assert_true (config->behind_proxy);
  g_assert_null (config->tls_certificate);
  g_assert_cmpint (config->session_minutes, ==, 10);
}

static void
check_refused (const char *text,
               const char *expected)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "portal.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GhPortalConfig) config = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  config = gh_portal_config_load (path, &error);
  g_assert_null (config);
  g_assert_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID);
  if (strstr (error->message, expected) == NULL || strstr (error->message, path) == NULL)
    gh_test_fail ("expected \"%s\" (and the path) in: %s", expected, error->message);
  g_assert_null (strchr (error->message, '\n'));
  gh_test_rmdir (dir);
}

#define OK_BASE "[portal]\npostgres=dbname=hq password=secret-pw\nbundle-trust=/x.pub\n"

static void
test_refusals (void)
{
  check_refused ("[portal]\nbundle-trust=/x.pub\n", "[portal] postgres: missing");
  check_refused ("[portal]\npostgres=dbname=hq\n", "[portal] bundle-trust: missing");
  check_refused (OK_BASE "port=70000\n", "[portal] port: must be between 0 and 65535");
  check_refused (OK_BASE "port=eighty\n", "[portal] port: not a whole number");
  check_refused (OK_BASE "address=localhost\n", "[portal] address: not an IP address");
  check_refused (OK_BASE "tls-certificate=/a.pem\n", "[portal] tls-key: tls-certificate and tls-key go together");
  check_refused (OK_BASE "behind-proxy=maybe\n", "[portal] behind-proxy: not true or false");
  check_refused ("[other]\nx=1\n", "no [portal] group");
  check_refused ("not a key file", "portal.conf");
  check_refused (OK_BASE "hq-staff-file=/etc/glasshouse/portal-hq-staff\n", "[portal] hq-report-postgres: missing");
}

/* A bad line of the HQ staff file is refused with FILE:LINE and why, never
 * quoting the line (it holds a hash). */
static void
check_staff_refused (const char *text,
                     guint       line,
                     const char *expected)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "portal-hq-staff", NULL);
  g_autofree char *where = g_strdup_printf ("%s:%u: ", path, line);
  g_autoptr(GError) error = NULL;
  GhPortalStaff *staff;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  staff = _gh_portal_staff_load (path, &error);
  g_assert_null (staff);
  g_assert_error (error, GH_PORTAL_CONFIG_ERROR, GH_PORTAL_CONFIG_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, where) || strstr (error->message, expected) == NULL)
    gh_test_fail ("expected \"%s%s\" in: %s", where, expected, error->message);
  g_assert_null (strstr (error->message, "$argon2id$"));
  g_assert_null (strstr (error->message, "c2FsdHNhbHQ"));
  gh_test_rmdir (dir);
}

static void
test_staff_file (void)
{
  g_autofree char *hash = gh_auth_hash_pin ("Lighthouse-Garden-42");
  g_autofree char *good = g_strdup_printf ("# HQ staff\n\nhq.maria %s\n", hash);
  g_autofree char *twice = g_strdup_printf ("hq.maria %s\nhq.maria %s\n", hash, hash);
  g_autofree char *three = g_strdup_printf ("hq.maria %s extra\n", hash);
  g_autofree char *bad_name = g_strdup_printf ("# x\nhq/maria %s\n", hash);
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "portal-hq-staff", NULL);
  g_autoptr(GError) error = NULL;
  GhPortalStaff *staff;
  g_autofree char *found = NULL;

  g_assert_true (g_file_set_contents (path, good, -1, NULL));
  staff = _gh_portal_staff_load (path, &error);
  g_assert_no_error (error);
  found = _gh_portal_staff_hash (staff, "hq.maria");
  g_assert_cmpstr (found, ==, hash);
  g_assert_null (_gh_portal_staff_hash (staff, "hq.nobody"));
  _gh_portal_staff_free (staff);
  gh_test_rmdir (dir);

  check_staff_refused ("hq.maria $argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$broken\n", 1,
                       "not an argon2id hash");
  check_staff_refused ("# only a name\nhq.maria\n", 2, "expected NAME ARGON2ID-HASH");
  check_staff_refused (three, 1, "expected NAME ARGON2ID-HASH");
  check_staff_refused (bad_name, 2, "a name is");
  check_staff_refused (twice, 2, "already listed");
  check_staff_refused ("hq.maria 1234\n", 1, "not an argon2id hash");
}

static void
test_binary_refuses (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "portal.conf", NULL);
  const char *argv[] = { g_getenv ("GLASSHOUSE_PORTAL"), "--config", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (path, OK_BASE "port=-1\n", -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_true (g_str_has_prefix (err, "glasshouse-portal: error: "));
  g_assert_nonnull (strstr (err, "port"));
  g_assert_null (strstr (err, "secret-pw"));
  g_assert_cmpint (g_strv_length (g_strsplit (g_strstrip (err), "\n", -1)), ==, 1);
  gh_test_rmdir (dir);
}

static void
test_unit_verifies (void)
{
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *in = source_file ("data/portal/glasshouse-portal.service.in");
  g_autofree char *template = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *bindir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GString) text = NULL;
  int status = 0;

  if (analyze == NULL)
    {
      g_test_skip ("systemd-analyze is not installed");
      return;
    }
  g_assert_true (g_file_get_contents (in, &template, NULL, NULL));
  text = g_string_new (template);
  /* verify insists that ExecStart's binary exists: point it at the one just built. */
  bindir = g_path_get_dirname (g_getenv ("GLASSHOUSE_PORTAL"));
  g_assert_cmpuint (g_string_replace (text, "@bindir@", bindir, 0), ==, 1);
  g_assert_nonnull (strstr (text->str, "/glasshouse-portal --config /etc/glasshouse/glasshouse-portal.conf"));
  dir = gh_test_mkdtemp ();
  unit = g_build_filename (dir, "glasshouse-portal.service", NULL);
  g_assert_true (g_file_set_contents (unit, text->str, -1, NULL));
  {
    /* The man page is checked with the installed package (tools/check-package.sh). */
    const char *argv[] = { analyze, "verify", "--man=no", unit, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
  }
  if (!g_spawn_check_wait_status (status, NULL) || strstr (err, "glasshouse-portal.service") != NULL)
    gh_test_fail ("systemd-analyze verify: %s", err);
  gh_test_rmdir (dir);
}

static void
test_languages (void)
{
  g_autofree char *po = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "po", NULL);

  gh_portal_i18n_init (po, NULL);
  g_assert_cmpstr (gh_portal_i18n_negotiate ("de-DE,de;q=0.9,en;q=0.8"), ==, "de");
  g_assert_cmpstr (gh_portal_i18n_negotiate ("fr-FR,en;q=0.5,de;q=0.4"), ==, "en");
  g_assert_cmpstr (gh_portal_i18n_negotiate ("en;q=0.2, de;q=0.9"), ==, "de");
  g_assert_null (gh_portal_i18n_negotiate ("ja"));
  g_assert_null (gh_portal_i18n_negotiate (NULL));
  g_assert_cmpstr (gh_portal_pgettext ("de", "portal", "Sign in"), ==, "Anmelden");
  g_assert_cmpstr (gh_portal_pgettext ("en", "portal", "Sign in"), ==, "Sign in");
  g_assert_cmpstr (gh_portal_pgettext ("de", "portal", "no such msgid"), ==, "no such msgid");
  g_assert_cmpstr (gh_portal_pgettext ("xx", "portal", "Sign in"), ==, "Sign in");
}

static void
test_template_escapes (void)
{
  g_autofree char *html = gh_portal_template ("message.html",
                                              "heading", "<script>alert(1)</script>",
                                              "text", "a \"quoted\" & 'single'",
                                              "home", "Start",
                                              NULL);

  g_assert_null (strstr (html, "<script>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;"));
  g_assert_nonnull (strstr (html, "&quot;quoted&quot; &amp; &apos;single&apos;"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-units/config/example", test_example_loads);
  g_test_add_func ("/portal-units/config/refusals", test_refusals);
  g_test_add_func ("/portal-units/config/binary", test_binary_refuses);
  g_test_add_func ("/portal-units/config/staff-file", test_staff_file);
  g_test_add_func ("/portal-units/unit", test_unit_verifies);
  g_test_add_func ("/portal-units/languages", test_languages);
  g_test_add_func ("/portal-units/template", test_template_escapes);
  return g_test_run ();
}
