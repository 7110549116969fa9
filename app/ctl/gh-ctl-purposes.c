/* Which purposes `consent set` accepts: those of the active configuration, as
 * GhCatalog sees them, so the CLI and the kiosk agree on what may be switched off.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include "config/gh-catalog.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-purposes.h"

gboolean
gh_ctl_check_purpose (GhStore         *store,
                      const char      *purpose_id,
                      GhConsentState   state,
                      char           **notice_version,
                      GError         **error)
{
  g_autoptr(GhCatalog) catalog = NULL;
  g_autoptr(GError) local_error = NULL;
  GhPurpose *purpose;

  catalog = gh_catalog_load_active (store, &local_error);
  if (catalog == NULL)
    {
      if (g_error_matches (local_error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE))
        g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                     "%s: no configuration applied yet, so no purposes are known",
                     gh_store_get_path (store));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  purpose = gh_catalog_find_purpose (catalog, purpose_id);
  if (purpose == NULL)
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "unknown purpose \"%s\" (not in the active configuration, version %" G_GINT64_FORMAT ")",
                   purpose_id, gh_catalog_get_version (catalog));
      return FALSE;
    }
  if (state == GH_CONSENT_REVOKED && !gh_purpose_get_can_revoke (purpose))
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "purpose \"%s\" rests on %s, not on consent, and cannot be switched off",
                   purpose_id, gh_legal_basis_to_string (gh_purpose_get_legal_basis (purpose)));
      return FALSE;
    }
  *notice_version = g_strdup (gh_purpose_get_notice_version (purpose));
  return TRUE;
}
