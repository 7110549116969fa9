/* A purpose's "notice_change" (docs/config-format.md): what HQ says about the
 * latest change of its privacy notice. A change that asks again makes shoppers
 * whose consent was given under an earlier notice_version choose again after
 * signing in; until they do, the purpose is kept under the old terms or paused,
 * as the config says. A change that does not ask again is only told, under
 * "What's new since your last visit". Kept apart from gh-catalog-parse.c, which
 * reads everything else about a purpose.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-catalog-private.h"
#include "config/gh-json-limits.h"

gboolean
_gh_catalog_parse_notice_change (GhCatalog   *self,
                                 JsonObject  *purpose_object,
                                 const char  *purpose_path,
                                 GhPurpose   *purpose,
                                 GError     **error)
{
  static const char * const fields[] = { "asks_again", "until_answered", "what_changed", NULL };
  g_autofree char *path = NULL;
  JsonNode *member = json_object_get_member (purpose_object, "notice_change");
  JsonObject *object;
  const char *text;

  if (member == NULL)
    return TRUE;
  if (!_gh_catalog_read_object (member, purpose_path, "notice_change", &object, error))
    return FALSE;
  path = g_strdup_printf ("%s.notice_change", purpose_path);
  if (!_gh_catalog_check_members (object, path, fields, error))
    return FALSE;

  if (!_gh_catalog_require (object, path, "asks_again", &member, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return _gh_catalog_fail (error, path, "asks_again", "expected true or false");
  purpose->notice_asks_again = json_node_get_boolean (member);
  /* Only a consent rests on the shopper's yes; the other bases have nothing to ask. */
  if (purpose->notice_asks_again && purpose->legal_basis != GH_LEGAL_BASIS_CONSENT)
    return _gh_catalog_fail (error, path, "asks_again",
                             "only a consent purpose can ask again (this one is %s)",
                             gh_legal_basis_to_string (purpose->legal_basis));

  member = json_object_get_member (object, "until_answered");
  if (member != NULL && !purpose->notice_asks_again)
    return _gh_catalog_fail (error, path, "until_answered",
                             "only a change that asks again has a time until it is answered");
  if (purpose->notice_asks_again)
    {
      if (!_gh_catalog_require (object, path, "until_answered", &member, error)
          || !_gh_catalog_read_string (member, path, "until_answered", 16, &text, error))
        return FALSE;
      if (g_str_equal (text, "paused"))
        purpose->notice_pauses = TRUE;
      else if (!g_str_equal (text, "kept"))
        {
          g_autofree char *quoted = gh_json_quote (text);
          return _gh_catalog_fail (error, path, "until_answered",
                                   "expected \"kept\" or \"paused\", got %s", quoted);
        }
    }

  return _gh_catalog_read_required_text (self, object, path, "what_changed",
                                         GH_CATALOG_MAX_TEXT_BYTES, &purpose->what_changed,
                                         error);
}

gboolean
gh_purpose_get_notice_asks_again (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), FALSE);
  return self->notice_asks_again;
}

gboolean
gh_purpose_get_notice_pauses (GhPurpose *self)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), FALSE);
  return self->notice_pauses;
}

const char *
gh_purpose_get_what_changed (GhPurpose  *self,
                             const char *language)
{
  g_return_val_if_fail (GH_IS_PURPOSE (self), NULL);
  return _gh_catalog_text_lookup (self->what_changed, language);
}
