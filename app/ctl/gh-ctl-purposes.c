/* Which purposes `consent set` accepts: those of the active configuration.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "gh-ctl.h"
#include "gh-ctl-purposes.h"

static JsonObject *
find_purpose (JsonNode   *config,
              const char *purpose_id)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (config) ? json_node_get_object (config) : NULL;
  JsonArray *purposes;

  if (root == NULL || !json_object_has_member (root, "purposes"))
    return NULL;
  purposes = json_object_get_array_member (root, "purposes");
  for (guint i = 0; purposes != NULL && i < json_array_get_length (purposes); i++)
    {
      JsonObject *purpose = json_array_get_object_element (purposes, i);
      if (purpose != NULL && g_strcmp0 (json_object_get_string_member_with_default (purpose, "id", NULL),
                                        purpose_id) == 0)
        return purpose;
    }
  return NULL;
}

gboolean
gh_ctl_check_purpose (GhStore         *store,
                      const char      *purpose_id,
                      GhConsentState   state,
                      char           **notice_version,
                      GError         **error)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *purpose;
  const char *basis;
  g_autofree char *text = NULL;
  gsize size;
  const char *data;

  payload = gh_store_get_active_config (store, NULL, &local_error);
  if (payload == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                     "%s: no configuration applied yet, so no purposes are known",
                     gh_store_get_path (store));
      return FALSE;
    }
  data = g_bytes_get_data (payload, &size);
  text = g_strndup (data, size);
  config = json_from_string (text, NULL);
  purpose = config != NULL ? find_purpose (config, purpose_id) : NULL;
  if (purpose == NULL)
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "unknown purpose \"%s\" (not in the active configuration)", purpose_id);
      return FALSE;
    }

  basis = json_object_get_string_member_with_default (purpose, "legal_basis", "consent");
  if (state == GH_CONSENT_REVOKED &&
      (g_strcmp0 (basis, "contract") == 0 || g_strcmp0 (basis, "legal_obligation") == 0))
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "purpose \"%s\" rests on %s, not on consent, and cannot be switched off",
                   purpose_id, basis);
      return FALSE;
    }
  *notice_version = g_strdup (json_object_get_string_member_with_default (purpose, "notice_version", NULL));
  return TRUE;
}
