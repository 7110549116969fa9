/* Helpers of the HQ member and report tests (see the header).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "gh-test-hq.h"

#include "hq/gh-hq.h"
#include "gh-test-bundle.h"
#include "gh-test-utils.h"

GhTestHq *
gh_test_hq_new (GhTestPg   *pg,
                const char *config,
                gboolean    publish)
{
  static int counter;
  g_autoptr(PGconn) admin = gh_test_pg_admin (pg, "postgres");
  g_autoptr(GhHq) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autofree char *create = NULL;
  g_autofree char *prefix = NULL;
  GhTestHq *hq = g_new0 (GhTestHq, 1);

  hq->dbname = g_strdup_printf ("hqr_%d_%d", (int) getpid (), ++counter);
  create = g_strdup_printf ("CREATE DATABASE %s", hq->dbname);
  gh_test_pg_exec (admin, create);
  hq->conninfo = gh_test_pg_conninfo (pg, hq->dbname, "postgres", NULL);
  link = gh_hq_connect (hq->conninfo, &error);
  g_assert_no_error (error);
  g_assert_true (gh_hq_init_schema (link, &error));
  g_assert_no_error (error);

  hq->dir = gh_test_mkdtemp ();
  prefix = gh_test_bundle_keygen (hq->dir, "hq");
  hq->trust_path = g_strconcat (prefix, ".pub", NULL);
  bundle = gh_test_bundle_sign (config, prefix);
  hq->bundle_path = gh_test_bundle_write (hq->dir, "config.bundle", bundle);
  if (publish)
    {
      g_autoptr(PGconn) db = gh_test_pg_admin (pg, hq->dbname);
      g_autofree char *text = g_strndup (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
      const char *params[1] = { text };
      PGresult *result = PQexecParams (db, "INSERT INTO glasshouse.bundle"
                                       " (config_version, bundle) VALUES (1, $1)",
                                       1, NULL, params, NULL, NULL, 0);

      g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
      PQclear (result);
    }
  return hq;
}

void
gh_test_hq_free (GhTestHq *hq)
{
  if (hq == NULL)
    return;
  gh_test_rmdir (hq->dir);
  g_free (hq->dir);
  g_free (hq->dbname);
  g_free (hq->conninfo);
  g_free (hq->trust_path);
  g_free (hq->bundle_path);
  g_free (hq);
}

char *
gh_test_hq_write_feed (GhTestHq           *hq,
                       const char         *name,
                       const char * const *lines)
{
  g_autoptr(GString) text = g_string_new ("{\"format\":\"glasshouse-members/1\","
                                          "\"source\":\"test CRM\"}\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (hq->dir, name, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_string_append (text, lines[i]);
      g_string_append_c (text, '\n');
    }
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  return path;
}

int
gh_test_hq_import (GhTestHq    *hq,
                   const char  *feed_path,
                   char       **out,
                   char       **err,
                   ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list extra;
  const char *arg;

  g_ptr_array_add (args, (gpointer) "hq");
  g_ptr_array_add (args, (gpointer) "import");
  g_ptr_array_add (args, (gpointer) "--postgres");
  g_ptr_array_add (args, hq->conninfo);
  g_ptr_array_add (args, (gpointer) "--trust");
  g_ptr_array_add (args, hq->trust_path);
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (extra, err);
  while ((arg = va_arg (extra, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (extra);
  g_ptr_array_add (args, (gpointer) feed_path);
  g_ptr_array_add (args, NULL);
  return gh_test_run_ctlv (out, err, (const char * const *) args->pdata);
}
