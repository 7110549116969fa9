/* The config HQ's own commands check against: the newest published bundle (or a
 * bundle file), verified with a trust file exactly as a kiosk verifies it, since
 * HQ's database is a transport, never a source of trust (docs/hq-schema.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include "hq/gh-hq-import.h"

#include "hq/gh-hq-private.h"

static GBytes *
newest_published_bundle (GhHq    *hq,
                         GError **error)
{
  g_autoptr(PGresult) result = NULL;

  _gh_hq_arm_deadline (hq);
  result = PQexec (hq->conn, "SELECT bundle, config_version FROM glasshouse.bundle"
                             " ORDER BY config_version DESC, change_no DESC LIMIT 1");
  _gh_hq_disarm_deadline (hq);
  if (!_gh_hq_check_result (hq, result, PGRES_TUPLES_OK, "reading the newest published bundle",
                            error))
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, GH_HQ_ERROR, GH_HQ_ERROR_FAILED,
                   "HQ %s has no published bundle (glasshouse.bundle is empty): publish one "
                   "with glasshouse-ctl hq publish, or pass --config BUNDLE",
                   hq->target);
      return NULL;
    }
  return g_bytes_new (PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0));
}

GhCatalog *
gh_hq_load_catalog (GhHq        *hq,
                    GhTrust     *trust,
                    const char  *bundle_path,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GhBundle) bundle = NULL;
  g_autoptr(GError) local = NULL;
  const char *where = bundle_path != NULL ? bundle_path : "the newest bundle in glasshouse.bundle";
  GhCatalog *catalog;

  g_return_val_if_fail (GH_IS_HQ (hq), NULL);
  g_return_val_if_fail (GH_IS_TRUST (trust), NULL);

  if (bundle_path != NULL)
    bytes = gh_bundle_read_file (bundle_path, GH_FILE_READ_DEFAULT, error);
  else
    bytes = newest_published_bundle (hq, error);
  if (bytes == NULL)
    return NULL;
  if ((bundle = gh_bundle_open (bytes, trust, &local)) == NULL ||
      (catalog = gh_catalog_new_from_bytes (gh_bundle_get_payload (bundle), &local)) == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", where);
      return NULL;
    }
  return catalog;
}
