/* What a store's IT person installs: the kiosk's unit checked by systemd-analyze, the
 * user and folders made by the real systemd-sysusers and systemd-tmpfiles (into a
 * scratch root), and the shipped glasshouse.conf read by the same code as the kiosk,
 * agreeing with the units on where the store lives.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "config/gh-site-settings.h"
#include "gh-test-utils.h"

static char *
source_path (const char *relative)
{
  const char *source = g_getenv ("GLASSHOUSE_SOURCE_DIR");

  g_assert_nonnull (source);
  return g_build_filename (source, relative, NULL);
}

static char *
run (const char * const *argv,
     int                *status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status,
                &error);
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

static void
test_kiosk_unit (void)
{
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *template = NULL;
  g_autofree char *in = source_path ("data/systemd/glasshouse-kiosk.service.in");
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *unit = g_build_filename (dir, "glasshouse-kiosk.service", NULL);
  g_autofree char *bindir = g_path_get_dirname (g_getenv ("GLASSHOUSE_KIOSK"));
  g_autofree char *output = NULL;
  g_autoptr(GString) text = NULL;
  int status;

  if (analyze == NULL || !g_file_test ("/usr/bin/cage", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("systemd-analyze or cage is not installed");
      return;
    }
  g_assert_true (g_file_get_contents (in, &template, NULL, NULL));
  text = g_string_new (template);
  /* verify insists that ExecStart's binaries exist: point it at the kiosk just built. */
  g_assert_cmpuint (g_string_replace (text, "@bindir@", bindir, 0), ==, 1);
  g_assert_true (g_file_set_contents (unit, text->str, -1, NULL));
  {
    /* The man page is checked once the package is installed (tools/check-package.sh). */
    const char *argv[] = { analyze, "verify", "--man=no", unit, NULL };
    output = run (argv, &status);
  }
  g_test_message ("systemd-analyze verify: %s", output);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_null (strstr (output, "glasshouse-kiosk.service"));

  /* What the unit promises, each a line a reviewer would look for. */
  for (const char *const *line = (const char *const[]) { "Type=notify\n", "NotifyAccess=all\n",
                                                          "User=glasshouse\n", "Restart=always\n",
                                                          "WatchdogSec=", "LimitCORE=0\n",
                                                          "ExecStart=/usr/bin/cage ", NULL };
       *line != NULL; line++)
    g_assert_nonnull (strstr (text->str, *line));
  gh_test_rmdir (dir);
}

/* systemd-sysusers and systemd-tmpfiles, run for real into a scratch root, make the user
 * and the folders with the modes the kiosk's data needs. */
static void
test_sysusers_and_tmpfiles (void)
{
  g_autofree char *root = gh_test_mkdtemp ();
  g_autofree char *sysusers = source_path ("data/systemd/glasshouse.sysusers");
  g_autofree char *tmpfiles = source_path ("data/systemd/glasshouse.tmpfiles");
  g_autofree char *passwd = NULL;
  g_autofree char *group = NULL;
  g_autofree char *etc = g_build_filename (root, "etc", NULL);
  g_autofree char *state = g_build_filename (root, "var/lib/glasshouse", NULL);
  g_autofree char *inbox = g_build_filename (root, "var/lib/glasshouse/inbox", NULL);
  g_autofree char *path = NULL;
  g_autofree char *output = NULL;
  struct stat st;
  int status;

  if (g_find_program_in_path ("systemd-sysusers") == NULL || getuid () != 0)
    {
      g_test_skip ("needs systemd-sysusers and root (to chown into the scratch root)");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (etc, 0755), ==, 0);
  /* The groups the kiosk joins exist on every Debian system. */
  path = g_build_filename (etc, "group", NULL);
  g_assert_true (g_file_set_contents (path, "root:x:0:\nvideo:x:44:\ninput:x:105:\nrender:x:106:\n",
                                      -1, NULL));
  g_clear_pointer (&path, g_free);
  {
    g_autofree char *root_option = g_strdup_printf ("--root=%s", root);
    const char *argv[] = { "systemd-sysusers", root_option, sysusers, NULL };
    output = run (argv, &status);
    g_test_message ("systemd-sysusers: %s", output);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  path = g_build_filename (etc, "passwd", NULL);
  g_assert_true (g_file_get_contents (path, &passwd, NULL, NULL));
  g_assert_nonnull (strstr (passwd, "glasshouse:x:"));
  g_assert_nonnull (strstr (passwd, ":/var/lib/glasshouse:/usr/sbin/nologin"));
  g_clear_pointer (&path, g_free);
  path = g_build_filename (etc, "group", NULL);
  g_assert_true (g_file_get_contents (path, &group, NULL, NULL));
  g_assert_nonnull (strstr (group, "video:x:44:glasshouse"));
  g_assert_nonnull (strstr (group, "input:x:105:glasshouse"));

  g_clear_pointer (&output, g_free);
  {
    g_autofree char *root_option = g_strdup_printf ("--root=%s", root);
    const char *argv[] = { "systemd-tmpfiles", "--create", root_option, tmpfiles, NULL };
    output = run (argv, &status);
    g_test_message ("systemd-tmpfiles: %s", output);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_cmpint (stat (state, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0750);
  g_assert_cmpint (stat (inbox, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0750);
  g_assert_cmpint (st.st_uid, !=, 0);  /* the glasshouse user sysusers made */
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", root);
    (void) !system (command);
  }
}

/* The shipped glasshouse.conf parses with the kiosk's own code and names the folder the
 * units may write (ReadWritePaths) and tmpfiles creates. */
static void
test_shipped_settings (void)
{
  g_autofree char *path = source_path ("data/glasshouse.conf");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhSiteSettings) settings = gh_site_settings_load (path, &error);
  g_autofree char *unit = NULL;
  g_autofree char *unit_path = source_path ("data/systemd/glasshouse-kiosk.service.in");

  g_assert_no_error (error);
  g_assert_cmpstr (settings->db_path, ==, "/var/lib/glasshouse/glasshouse.db");
  g_assert_true (g_str_has_prefix (settings->inbox_dir, "/var/lib/glasshouse/"));
  g_assert_nonnull (settings->trust_file);
  g_assert_nonnull (settings->hq_connection_file);
  g_assert_true (g_file_get_contents (unit_path, &unit, NULL, NULL));
  g_assert_nonnull (strstr (unit, "ReadWritePaths=/var/lib/glasshouse\n"));
}

/* A settings file with a typo is refused with its name and the key, and a relative path or
 * a world-readable HQ password file too. */
static void
test_bad_settings (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "glasshouse.conf", NULL);
  g_autofree char *secret = g_build_filename (dir, "hq.conninfo", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GhSiteSettings) settings = NULL;
  g_autofree char *conninfo = NULL;
  struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "[kiosk]\ndbb=/x\n", "[kiosk] has no key \"dbb\"" },
    { "[kisok]\ndb=/x\n", "unknown group [kisok]" },
    { "[kiosk]\ndb=glasshouse.db\n", "[kiosk] db must be an absolute path" },
    { "[kiosk]\nportal-url=privacy.example\n", "must be an http:// or https:// address" },
    { "db=/x\n", "glasshouse.conf" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GhSiteSettings) refused = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      refused = gh_site_settings_load (path, &error);
      g_assert_null (refused);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  text = g_strdup_printf ("[hq]\nconnection-file=%s\n", secret);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (g_file_set_contents (secret, "host=hq.example user=k password=s3cret\n", -1, NULL));
  settings = gh_site_settings_load (path, NULL);
  g_assert_nonnull (settings);
  g_assert_cmpint (chmod (secret, 0644), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (gh_site_settings_read_hq_conninfo (settings, &error));
    g_assert_nonnull (strstr (error->message, "readable by everyone"));
    g_assert_null (strstr (error->message, "s3cret"));
  }
  g_assert_cmpint (chmod (secret, 0600), ==, 0);
  conninfo = gh_site_settings_read_hq_conninfo (settings, NULL);
  g_assert_cmpstr (conninfo, ==, "host=hq.example user=k password=s3cret");
  gh_test_rmdir (dir);
}

static JsonObject *
health_json (const char *db,
             int        *status)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  *status = gh_test_run_ctl (&out, NULL, "health", "--json", "--db", db, NULL);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Monitoring sees what the staff page sees: a refused bundle's reason, the events waiting
 * for HQ, and a broken audit chain as exit 4 with the first bad event. */
static void
test_health_json (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *bogus = g_build_filename (dir, "bogus.bundle", NULL);
  g_autoptr(JsonObject) healthy = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) broken = NULL;
  JsonObject *last_refused;
  sqlite3 *sql;
  int status;

  g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "demo", "--customers", "5", "--db", db, NULL), ==, 0);
  healthy = health_json (db, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_object_get_boolean_member (healthy, "ok"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (healthy, "config"),
                                               "version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (healthy, "hq"),
                                               "outbox_pending"), >, 0);
  g_assert_true (json_object_get_null_member (healthy, "last_refused_bundle"));

  g_assert_true (g_file_set_contents (bogus, "{\"format\": \"glasshouse-bundle/1\"}", -1, NULL));
  {
    g_autofree char *trust = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                               "demo-hq-key-DO-NOT-USE.pub", NULL);
    g_assert_cmpint (gh_test_run_ctl (NULL, NULL, "config", "apply", "--trust", trust, bogus,
                                      "--db", db, NULL), ==, 3);
  }
  refused = health_json (db, &status);
  g_assert_cmpint (status, ==, 0);
  last_refused = json_object_get_object_member (refused, "last_refused_bundle");
  g_assert_nonnull (last_refused);
  g_assert_nonnull (json_object_get_string_member (last_refused, "reason"));

  g_assert_cmpint (sqlite3_open (db, &sql), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sql, "DROP TRIGGER IF EXISTS event_no_update;"
                                      "UPDATE event SET body = '{\"forged\":true}' WHERE seq = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (sql);
  broken = health_json (db, &status);
  g_assert_cmpint (status, ==, 4);
  g_assert_false (json_object_get_boolean_member (broken, "ok"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (broken,
                                                                                 "audit_chain"),
                                                  "intact"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (broken, "audit_chain"),
                                               "first_bad_event"), ==, 1);
  gh_test_rmdir (dir);
}

/* The version in the metainfo's newest release is the one every program prints, and the
 * desktop file and metainfo carry the German, French and Spanish texts from po/. */
static void
test_versions_and_translations (void)
{
  const char *build = g_getenv ("GLASSHOUSE_BUILD_DIR");
  g_autofree char *metainfo_path = g_build_filename (build, "data", "org.glasshouse.Kiosk.metainfo.xml",
                                                     NULL);
  g_autofree char *desktop_path = g_build_filename (build, "data", "org.glasshouse.Kiosk.desktop",
                                                    NULL);
  g_autofree char *metainfo = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *release = NULL;
  g_autoptr(GRegex) newest = g_regex_new ("<release version=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *portal = g_build_filename (build, "app", "portal", "glasshouse-portal", NULL);
  const char *programs[] = { g_getenv ("GLASSHOUSE_KIOSK"), g_getenv ("GLASSHOUSE_CTL"), portal };

  g_assert_true (g_file_get_contents (metainfo_path, &metainfo, NULL, NULL));
  g_assert_true (g_regex_match (newest, metainfo, 0, &match));
  release = g_match_info_fetch (match, 1);
  g_assert_cmpstr (release, ==, PACKAGE_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *base = g_path_get_basename (programs[i]);
      g_autofree char *expected = g_strdup_printf ("%s %s\n", base, release);
      g_autofree char *output = NULL;
      const char *argv[] = { programs[i], "--version", NULL };
      int status;

      output = run (argv, &status);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_cmpstr (output, ==, expected);
    }

  g_assert_nonnull (strstr (metainfo, "<translation type=\"gettext\">glasshouse</translation>"));
  g_assert_nonnull (strstr (metainfo, "<binary>glasshouse-ctl</binary>"));
  g_assert_nonnull (strstr (metainfo, "xml:lang=\"de\">Sehen Sie, was ein Geschäft"));
  g_assert_nonnull (strstr (metainfo, "xml:lang=\"fr\""));
  g_assert_true (g_file_get_contents (desktop_path, &desktop, NULL, NULL));
  g_assert_nonnull (strstr (desktop, "Comment[es]=Vea lo que una tienda"));
  g_assert_nonnull (strstr (desktop, "Keywords[de]=Datenschutz;"));
}

/* The bash completion, run by bash with bash-completion loaded, completes commands and
 * verbs from the glasshouse-ctl just built. */
static void
test_bash_completion (void)
{
  g_autofree char *completion = source_path ("data/completions/glasshouse-ctl");
  g_autofree char *bindir = g_path_get_dirname (g_getenv ("GLASSHOUSE_CTL"));
  g_autofree char *script = NULL;
  g_autofree char *output = NULL;
  int status;

  if (!g_file_test ("/usr/share/bash-completion/bash_completion", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("bash-completion is not installed");
      return;
    }
  script = g_strdup_printf (
    "export PATH='%s':$PATH; source /usr/share/bash-completion/bash_completion; source '%s';"
    "for line in 'glasshouse-ctl au' 'glasshouse-ctl outbox ' 'glasshouse-ctl --db x.db con'"
    " 'glasshouse-ctl audit verify --js'; do"
    "  read -ra COMP_WORDS <<< \"$line\"; [[ $line == *' ' ]] && COMP_WORDS+=('');"
    "  COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE=$line; COMP_POINT=${#line};"
    "  _glasshouse_ctl; echo \"$line => ${COMPREPLY[*]}\"; done", bindir, completion);
  {
    const char *argv[] = { "bash", "-c", script, NULL };
    output = run (argv, &status);
  }
  g_test_message ("%s", output);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (output, "glasshouse-ctl au => audit\n"));
  g_assert_nonnull (strstr (output, "glasshouse-ctl outbox  => export ack push\n"));
  g_assert_nonnull (strstr (output, "glasshouse-ctl --db x.db con => config consent\n"));
  g_assert_nonnull (strstr (output, "glasshouse-ctl audit verify --js => --json\n"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deploy/kiosk-unit", test_kiosk_unit);
  g_test_add_func ("/deploy/sysusers-and-tmpfiles", test_sysusers_and_tmpfiles);
  g_test_add_func ("/deploy/shipped-settings", test_shipped_settings);
  g_test_add_func ("/deploy/bad-settings", test_bad_settings);
  g_test_add_func ("/deploy/health-json", test_health_json);
  g_test_add_func ("/deploy/versions-and-translations", test_versions_and_translations);
  g_test_add_func ("/deploy/bash-completion", test_bash_completion);
  return g_test_run ();
}
