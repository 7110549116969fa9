/* The catalog's sections parsed from the config JSON (docs/config-format.md):
 * the header, the lists of data categories, purposes, offers and staff, the
 * kiosk settings and the branding. Strict, stopping at the first problem; every
 * limit that keeps a hostile or broken config from exhausting the kiosk is
 * checked here too.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "config/gh-catalog-private.h"
#include "config/gh-svg-check.h"
#include "config/gh-json-limits.h"

#define CONFIG_FORMAT "glasshouse-config/1"

static gboolean
parse_languages (GhCatalog   *self,
                 JsonObject  *root,
                 GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;
  JsonNode *node;
  guint length;

  if (!_gh_catalog_require (root, "", "languages", &node, error)
      || !_gh_catalog_read_array (node, "", "languages", 1, GH_CATALOG_MAX_LANGUAGES, &array,
                                  error))
    return FALSE;
  length = json_array_get_length (array);
  self->languages = g_new0 (char *, length + 1);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *element = g_strdup_printf ("languages[%u]", i);
      const char *code;

      if (!_gh_catalog_read_string (json_array_get_element (array, i), "", element, 35, &code,
                                    error))
        return FALSE;
      if (!_gh_catalog_is_language_code (code))
        {
          g_autofree char *quoted = gh_json_quote (code);
          return _gh_catalog_fail (error, "", element,
                                   "%s is not a language code (e.g. \"en\", \"de-CH\")", quoted);
        }
      if (!g_hash_table_add (seen, (gpointer) code))
        return _gh_catalog_fail (error, "", element, "\"%s\" is listed twice", code);
      self->languages[i] = g_strdup (code);
    }
  return TRUE;
}

static gboolean
parse_header (GhCatalog   *self,
              JsonObject  *root,
              GError     **error)
{
  JsonNode *node;
  JsonArray *array;
  JsonObject *controller = NULL;
  const char *text;
  static const char * const controller_fields[] = { "name", "policy_url", "jurisdiction",
                                                    "consent_proof_days", NULL };

  if (!_gh_catalog_require (root, "", "format", &node, error)
      || !_gh_catalog_read_string (node, "", "format", 64, &text, error))
    return FALSE;
  if (!g_str_equal (text, CONFIG_FORMAT))
    {
      g_autofree char *quoted = gh_json_quote (text);
      return _gh_catalog_fail (error, "", "format", "expected \"" CONFIG_FORMAT "\", got %s",
                               quoted);
    }

  if (!_gh_catalog_require (root, "", "version", &node, error)
      || !_gh_catalog_read_int (node, "", "version", 1, GH_CATALOG_MAX_VERSION, &self->version,
                                error))
    return FALSE;

  if (!_gh_catalog_require (root, "", "issued_at", &node, error)
      || !_gh_catalog_read_time (node, "", "issued_at", &text, &self->issued_unix, error))
    return FALSE;
  self->issued_at = g_strdup (text);
  if (!_gh_catalog_require (root, "", "expires_at", &node, error)
      || !_gh_catalog_read_time (node, "", "expires_at", &text, &self->expires_unix, error))
    return FALSE;
  self->expires_at = g_strdup (text);
  if (self->expires_unix <= self->issued_unix)
    return _gh_catalog_fail (error, "", "expires_at", "%s is not after issued_at (%s)",
                             self->expires_at,
                             self->issued_at);

  if (!_gh_catalog_require (root, "", "stores", &node, error)
      || !_gh_catalog_read_array (node, "", "stores", 1, GH_CATALOG_MAX_STORES, &array, error)
      || !_gh_catalog_read_id_list (array, "", "stores", TRUE, &self->stores, error))
    return FALSE;

  if (!_gh_catalog_read_section (root, "controller", controller_fields, &controller, error)
      || !_gh_catalog_read_required_string (controller, "controller", "name",
                                            GH_CATALOG_MAX_NAME_BYTES,
                                            &self->controller, error))
    return FALSE;
  if (!_gh_catalog_require (controller, "controller", "policy_url", &node, error)
      || !_gh_catalog_read_url (node, "controller", "policy_url", FALSE, &text, error))
    return FALSE;
  self->policy_url = g_strdup (text);
  /* The kiosk tells the shopper the period; HQ's retention keeps the events that long
   * (schema.sql: glasshouse.consent_proof_days). */
  return _gh_catalog_read_required_string (controller, "controller", "jurisdiction", 64,
                                           &self->jurisdiction, error)
         && _gh_catalog_read_optional_int (controller, "controller", "consent_proof_days", 1,
                                           36500, 0, &self->consent_proof_days, error);
}

static gboolean
parse_category (GhCatalog   *self,
                JsonNode    *node,
                const char  *path,
                GPtrArray   *out,
                GError     **error)
{
  static const char * const fields[] = { "id", "title", "description", "retention_days",
                                         "legal_hold", NULL };
  g_autoptr(GhDataCategory) category = g_object_new (GH_TYPE_DATA_CATEGORY, NULL);
  JsonObject *object = NULL;
  JsonNode *member;
  const char *id;
  gint64 days;

  if (!_gh_catalog_read_entry (node, path, fields, self->category_index, "data category", &object,
                               &id, error))
    return FALSE;
  category->id = g_strdup (id);
  if (!_gh_catalog_read_title_and_description (self, object, path, &category->title,
                                               &category->description,
                                               error)
      || !_gh_catalog_read_optional_text (self, object, path, "legal_hold",
                                          GH_CATALOG_MAX_TEXT_BYTES,
                                          &category->legal_hold, error)
      || !_gh_catalog_require (object, path, "retention_days", &member, error)
      || !_gh_catalog_read_int (member, path, "retention_days", 1, 36500, &days, error))
    return FALSE;
  category->retention_days = (int) days;
  g_hash_table_insert (self->category_index, category->id, category);
  g_ptr_array_add (out, g_steal_pointer (&category));
  return TRUE;
}

/* A party's name as a shopper reads it: "ACME Ltd" and "Acme Ltd " are one
 * party told twice, so repeats are caught whatever the case and the spaces
 * around the name. */
static char *
third_party_key (const char *name)
{
  g_autofree char *stripped = _gh_catalog_strip_space (name);

  return g_utf8_casefold (stripped, -1);
}

static gboolean
parse_third_party (GhCatalog   *self,
                   JsonNode    *node,
                   const char  *path,
                   guint        index,
                   GHashTable  *seen,
                   GPtrArray   *out,
                   GError     **error)
{
  static const char * const fields[] = { "name", "reason", NULL };
  g_autoptr(GhCatalogThirdParty) party = g_new0 (GhCatalogThirdParty, 1);
  g_autofree char *key = NULL;
  JsonObject *object = NULL;
  JsonNode *member;
  const char *name;
  gpointer first;

  if (!_gh_catalog_read_object (node, path, NULL, &object, error)
      || !_gh_catalog_check_members (object, path, fields, error)
      || !_gh_catalog_require (object, path, "name", &member, error)
      || !_gh_catalog_read_string (member, path, "name", GH_CATALOG_MAX_NAME_BYTES, &name, error))
    return FALSE;
  key = third_party_key (name);
  if (*key == '\0')
    return _gh_catalog_fail (error, path, "name", "must not be only white space");
  if (g_hash_table_lookup_extended (seen, key, NULL, &first))
    {
      g_autofree char *quoted = gh_json_quote (name);
      return _gh_catalog_fail (error, path, "name", "%s names the same party as third_parties[%u]",
                               quoted,
                               GPOINTER_TO_UINT (first));
    }
  party->name = _gh_catalog_strip_space (name);  /* the spaces would show in the sentence */
  if (!_gh_catalog_read_required_text (self, object, path, "reason", GH_CATALOG_MAX_TEXT_BYTES,
                                       &party->reason,
                                       error))
    return FALSE;
  g_hash_table_insert (seen, g_steal_pointer (&key), GUINT_TO_POINTER (index));
  g_ptr_array_add (out, g_steal_pointer (&party));
  return TRUE;
}

/* "third_parties": who else gets this purpose's data, and why. Optional. */
static gboolean
parse_third_parties (GhCatalog   *self,
                     JsonObject  *object,
                     const char  *path,
                     GhPurpose   *purpose,
                     GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonNode *member = json_object_get_member (object, "third_parties");
  JsonArray *array;

  if (member == NULL)
    return TRUE;
  if (!_gh_catalog_read_array (member, path, "third_parties", 0, GH_CATALOG_MAX_THIRD_PARTIES,
                               &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *entry_path = g_strdup_printf ("%s.third_parties[%u]", path, i);

      if (!parse_third_party (self, json_array_get_element (array, i), entry_path, i, seen,
                              purpose->third_parties, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_purpose (GhCatalog   *self,
               JsonNode    *node,
               const char  *path,
               GPtrArray   *out,
               GError     **error)
{
  static const char * const fields[] = { "id", "title", "description", "legal_basis",
                                         "data_categories", "default", "notice_version",
                                         "notice_change", "third_parties", NULL };
  g_autoptr(GhPurpose) purpose = g_object_new (GH_TYPE_PURPOSE, NULL);
  JsonObject *object = NULL;
  JsonNode *member;
  JsonArray *array;
  const char *text;
  guint basis;

  if (!_gh_catalog_read_entry (node, path, fields, self->purpose_index, "purpose", &object, &text,
                               error))
    return FALSE;
  purpose->id = g_strdup (text);
  if (!_gh_catalog_read_title_and_description (self, object, path, &purpose->title,
                                               &purpose->description, error))
    return FALSE;

  if (!_gh_catalog_require (object, path, "legal_basis", &member, error)
      || !_gh_catalog_read_string (member, path, "legal_basis", 64, &text, error))
    return FALSE;
  for (basis = 0; basis <= GH_LEGAL_BASIS_LEGAL_OBLIGATION; basis++)
    if (g_str_equal (text, gh_legal_basis_to_string ((GhLegalBasis) basis)))
      break;
  if (basis > GH_LEGAL_BASIS_LEGAL_OBLIGATION)
    {
      g_autofree char *quoted = gh_json_quote (text);
      return _gh_catalog_fail (error, path, "legal_basis",
                               "unknown legal basis %s (expected consent, "
                               "legitimate_interest, contract or legal_obligation)", quoted);
    }
  purpose->legal_basis = (GhLegalBasis) basis;

  if (!_gh_catalog_require (object, path, "data_categories", &member, error)
      || !_gh_catalog_read_array (member, path, "data_categories", 0, GH_CATALOG_MAX_CATEGORIES,
                                  &array, error)
      || !_gh_catalog_read_id_list (array, path, "data_categories", FALSE, &purpose->categories,
                                    error))
    return FALSE;
  for (guint i = 0; purpose->categories[i] != NULL; i++)
    if (!g_hash_table_contains (self->category_index, purpose->categories[i]))
      {
        g_autofree char *element = g_strdup_printf ("data_categories[%u]", i);
        return _gh_catalog_fail (error, path, element,
                                 "unknown data category \"%s\" (not in data_categories)",
                                 purpose->categories[i]);
      }

  /* Only consent waits for a yes; the other bases hold until objected to (or always). */
  purpose->default_state = purpose->legal_basis == GH_LEGAL_BASIS_CONSENT
                           ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED;
  if ((member = json_object_get_member (object, "default")) != NULL)
    {
      GhConsentState state;

      if (!_gh_catalog_read_string (member, path, "default", 16, &text, error))
        return FALSE;
      if (!gh_consent_state_from_string (text, &state))
        {
          g_autofree char *quoted = gh_json_quote (text);
          return _gh_catalog_fail (error, path, "default",
                                   "expected \"granted\" or \"revoked\", got %s", quoted);
        }
      if (purpose->legal_basis != GH_LEGAL_BASIS_CONSENT && state == GH_CONSENT_REVOKED)
        return _gh_catalog_fail (error, path, "default",
                                 "a %s purpose is in force until objected to; "
                                 "it cannot default to revoked",
                                 gh_legal_basis_to_string (purpose->legal_basis));
      purpose->default_state = state;
    }

  if (!_gh_catalog_read_required_string (object, path, "notice_version", 64,
                                         &purpose->notice_version, error)
      || !_gh_catalog_parse_notice_change (self, object, path, purpose, error)
      || !parse_third_parties (self, object, path, purpose, error))
    return FALSE;

  g_hash_table_insert (self->purpose_index, purpose->id, purpose);
  g_ptr_array_add (out, g_steal_pointer (&purpose));
  return TRUE;
}

/* gh_rule_parse bounds nothing by count; a config that makes every shopper's
 * evaluation crawl is refused here, before it is compiled. */
static gboolean
check_rule_counts (JsonNode    *rule,
                   const char  *path,
                   GError     **error)
{
  JsonArray *conditions;

  if (!JSON_NODE_HOLDS_ARRAY (rule))
    return TRUE;  /* gh_rule_parse says what is wrong with it */
  conditions = json_node_get_array (rule);
  if (json_array_get_length (conditions) > GH_CATALOG_MAX_CONDITIONS)
    return _gh_catalog_fail (error, path, NULL, "%u conditions, more than the limit of %u",
                             json_array_get_length (conditions), GH_CATALOG_MAX_CONDITIONS);
  for (guint i = 0; i < json_array_get_length (conditions); i++)
    {
      JsonNode *condition = json_array_get_element (conditions, i);
      JsonNode *where;
      JsonArray *filters;

      if (!JSON_NODE_HOLDS_OBJECT (condition)
          || (where = json_object_get_member (json_node_get_object (condition), "where")) == NULL
          || !JSON_NODE_HOLDS_ARRAY (where))
        continue;
      filters = json_node_get_array (where);
      if (json_array_get_length (filters) > GH_CATALOG_MAX_FILTERS)
        {
          g_autofree char *where_path = g_strdup_printf ("%s[%u].where", path, i);
          return _gh_catalog_fail (error, where_path, NULL, "%u filters, more than the limit of %u",
                                   json_array_get_length (filters), GH_CATALOG_MAX_FILTERS);
        }
      for (guint j = 0; j < json_array_get_length (filters); j++)
        {
          JsonNode *filter = json_array_get_element (filters, j);
          JsonNode *value;

          if (JSON_NODE_HOLDS_OBJECT (filter)
              && (value = json_object_get_member (json_node_get_object (filter), "value")) != NULL
              && JSON_NODE_HOLDS_ARRAY (value)
              && json_array_get_length (json_node_get_array (value)) > GH_CATALOG_MAX_IN_VALUES)
            {
              g_autofree char *value_path = g_strdup_printf ("%s[%u].where[%u].value", path, i, j);
              return _gh_catalog_fail (error, value_path, NULL,
                                       "%u values, more than the limit of %u",
                                       json_array_get_length (json_node_get_array (value)),
                                       GH_CATALOG_MAX_IN_VALUES);
            }
        }
    }
  return TRUE;
}

static gboolean
parse_offer (GhCatalog   *self,
             JsonNode    *node,
             const char  *path,
             GPtrArray   *out,
             GError     **error)
{
  static const char * const fields[] = { "id", "title", "description", "purpose", "rule", NULL };
  g_autoptr(GhOffer) offer = g_object_new (GH_TYPE_OFFER, NULL);
  g_autofree char *rule_path = g_strdup_printf ("%s.rule", path);
  g_autoptr(GError) rule_error = NULL;
  JsonObject *object = NULL;
  JsonNode *member;
  GhPurpose *purpose;
  const char * const *reads;
  const char *text;

  if (!_gh_catalog_read_entry (node, path, fields, self->offer_index, "offer", &object, &text,
                               error))
    return FALSE;
  offer->id = g_strdup (text);
  if (!_gh_catalog_read_title_and_description (self, object, path, &offer->title,
                                               &offer->description, error)
      || !_gh_catalog_require (object, path, "purpose", &member, error)
      || !_gh_catalog_read_id (member, path, "purpose", &text, error))
    return FALSE;
  purpose = g_hash_table_lookup (self->purpose_index, text);
  if (purpose == NULL)
    return _gh_catalog_fail (error, path, "purpose", "unknown purpose \"%s\"", text);
  offer->purpose_id = g_strdup (text);

  if (!_gh_catalog_require (object, path, "rule", &member, error)
      || !check_rule_counts (member, rule_path, error))
    return FALSE;
  offer->rule = gh_rule_parse (member, rule_path, &rule_error);
  if (offer->rule == NULL)
    {
      /* One domain for every config problem, whichever module found it. */
      g_set_error_literal (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, rule_error->message);
      return FALSE;
    }

  reads = gh_rule_get_categories (offer->rule);
  for (guint i = 0; reads[i] != NULL; i++)
    {
      if (!g_hash_table_contains (self->category_index, reads[i]))
        {
          g_autofree char *quoted = gh_json_quote (reads[i]);
          return _gh_catalog_fail (error, rule_path, NULL,
                                   "reads unknown data category %s (not in data_categories)",
                                   quoted);
        }
      if (!g_strv_contains (gh_purpose_get_categories (purpose), reads[i]))
        return _gh_catalog_fail (error, rule_path, NULL,
                                 "reads \"%s\", which purpose \"%s\" does not declare",
                                 reads[i], purpose->id);
    }

  g_hash_table_insert (self->offer_index, offer->id, offer);
  g_ptr_array_add (out, g_steal_pointer (&offer));
  return TRUE;
}

static gboolean
parse_staff_member (GhCatalog   *self,
                    JsonNode    *node,
                    const char  *path,
                    GPtrArray   *out,
                    GError     **error)
{
  static const char * const fields[] = { "id", "name", "pin_hash", NULL };
  g_autoptr(GhStaffMember) member_object = g_object_new (GH_TYPE_STAFF_MEMBER, NULL);
  JsonObject *object = NULL;
  JsonNode *member;
  const char *text;

  if (!_gh_catalog_read_entry (node, path, fields, self->staff_index, "staff member", &object,
                               &text, error))
    return FALSE;
  member_object->id = g_strdup (text);
  if (!_gh_catalog_read_required_string (object, path, "name", GH_CATALOG_MAX_NAME_BYTES,
                                         &member_object->name,
                                         error)
      || !_gh_catalog_require (object, path, "pin_hash", &member, error)
      || !_gh_catalog_read_string (member, path, "pin_hash", 256, &text, error))
    return FALSE;
  if (!g_str_has_prefix (text, "$argon2id$"))
    return _gh_catalog_fail (error, path, "pin_hash",
                             "not an argon2id hash (crypto_pwhash_str output, "
                             "starting \"$argon2id$\")");
  member_object->pin_hash = g_strdup (text);
  g_hash_table_insert (self->staff_index, member_object->id, member_object);
  g_ptr_array_add (out, g_steal_pointer (&member_object));
  return TRUE;
}

typedef gboolean (*ParseItemFunc) (GhCatalog   *self,
                                   JsonNode    *node,
                                   const char  *path,
                                   GPtrArray   *out,
                                   GError     **error);

static gboolean
parse_list (GhCatalog      *self,
            JsonObject     *root,
            const char     *name,
            gboolean        required,
            guint           max_count,
            ParseItemFunc   parse_item,
            GListStore     *into,
            GError        **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node = json_object_get_member (root, name);
  JsonArray *array;
  char path[64];

  if (node == NULL && !required)
    return TRUE;
  if (node == NULL)
    return _gh_catalog_fail (error, "", name, "missing (required)");
  if (!_gh_catalog_read_array (node, "", name, 0, max_count, &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_snprintf (path, sizeof path, "%s[%u]", name, i);
      if (!parse_item (self, json_array_get_element (array, i), path, items, error))
        return FALSE;
    }
  g_list_store_splice (into, 0, 0, items->pdata, items->len);
  return TRUE;
}

static gboolean
parse_kiosk (GhCatalog   *self,
             JsonObject  *root,
             GError     **error)
{
  static const char * const fields[] = { "idle_timeout_seconds", "warning_seconds",
                                         "staff_timeout_seconds", "portal_url", "receipt_days", NULL };
  JsonObject *kiosk = NULL;
  JsonNode *node;
  const char *text;
  gint64 value;

  if (!_gh_catalog_read_section (root, "kiosk", fields, &kiosk, error))
    return FALSE;
  if (!_gh_catalog_require (kiosk, "kiosk", "idle_timeout_seconds", &node, error)
      || !_gh_catalog_read_int (node, "kiosk", "idle_timeout_seconds", 15, 600, &value, error))
    return FALSE;
  self->idle_timeout = (int) value;
  if (!_gh_catalog_require (kiosk, "kiosk", "warning_seconds", &node, error)
      || !_gh_catalog_read_int (node, "kiosk", "warning_seconds", 5, 120, &value, error))
    return FALSE;
  self->warning_seconds = (int) value;
  if (self->warning_seconds >= self->idle_timeout)
    return _gh_catalog_fail (error, "kiosk", "warning_seconds",
                             "%d is not shorter than idle_timeout_seconds (%d)",
                             self->warning_seconds, self->idle_timeout);
  if (!_gh_catalog_read_optional_int (kiosk, "kiosk", "staff_timeout_seconds", 30, 3600, 300,
                                      &self->staff_timeout,
                                      error)
      || !_gh_catalog_read_optional_int (kiosk, "kiosk", "receipt_days", 1, 3650, 30,
                                         &self->receipt_days, error))
    return FALSE;
  if (!_gh_catalog_require (kiosk, "kiosk", "portal_url", &node, error)
      || !_gh_catalog_read_url (node, "kiosk", "portal_url", TRUE, &text, error))
    return FALSE;
  self->portal_url = g_strdup (text);
  return TRUE;
}

static gboolean
is_hex_colour (const char *text)
{
  if (text[0] != '#' || strlen (text) != 7)
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_branding (GhCatalog   *self,
                JsonObject  *root,
                GError     **error)
{
  static const char * const fields[] = { "name", "promise", "accent_color", "logo_svg",
                                         "scanner_hint", NULL };
  JsonObject *branding = NULL;
  JsonNode *node;
  const char *text;

  if (!_gh_catalog_read_section (root, "branding", fields, &branding, error)
      || !_gh_catalog_read_required_string (branding, "branding", "name", GH_CATALOG_MAX_NAME_BYTES,
                                            &self->brand_name, error)
      || !_gh_catalog_read_required_text (self, branding, "branding", "promise",
                                          GH_CATALOG_MAX_TEXT_BYTES,
                                          &self->promise, error)
      || !_gh_catalog_read_optional_text (self, branding, "branding", "scanner_hint",
                                          GH_CATALOG_MAX_TEXT_BYTES, &self->scanner_hint, error))
    return FALSE;
  if (!_gh_catalog_require (branding, "branding", "accent_color", &node, error)
      || !_gh_catalog_read_string (node, "branding", "accent_color", 16, &text, error))
    return FALSE;
  if (!is_hex_colour (text))
    {
      g_autofree char *quoted = gh_json_quote (text);
      return _gh_catalog_fail (error, "branding", "accent_color",
                               "expected a colour as #rrggbb, got %s", quoted);
    }
  self->accent_color = g_ascii_strdown (text, -1);
  if ((node = json_object_get_member (branding, "logo_svg")) != NULL)
    {
      if (!_gh_catalog_read_string (node, "branding", "logo_svg", GH_CATALOG_MAX_LOGO_BYTES, &text,
                                    error))
        return FALSE;
      if (strstr (text, "<svg") == NULL)
        return _gh_catalog_fail (error, "branding", "logo_svg",
                                 "not an SVG document (no <svg> element)");
      {
        g_autoptr(GError) refusal = NULL;

        if (!gh_svg_check_logo (text, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, &refusal))
          return _gh_catalog_fail (error, "branding", "logo_svg", "%s", refusal->message);
      }
      self->logo_svg = g_strdup (text);
    }
  return TRUE;
}

GhCatalog *
gh_catalog_new_from_bytes (GBytes  *config_json,
                           GError **error)
{
  static const char * const fields[] = { "format", "version", "issued_at", "expires_at", "stores",
                                         "languages", "controller", "data_categories", "purposes",
                                         "offers", "kiosk", "branding", "staff", "value_labels",
                                         NULL };
  g_autoptr(GhCatalog) self = NULL;
  g_autoptr(JsonNode) root_node = NULL;
  JsonObject *root;
  const char *data;
  gsize length;

  g_return_val_if_fail (config_json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (config_json, &length);
  root_node = gh_json_parse (data, length, GH_CATALOG_MAX_BYTES, GH_CATALOG_MAX_DEPTH, "payload",
                             GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, error);
  if (root_node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      _gh_catalog_fail (error, "config", NULL, "expected a JSON object, got %s",
                        gh_json_node_kind (root_node));
      return NULL;
    }
  root = json_node_get_object (root_node);

  self = g_object_new (GH_TYPE_CATALOG, NULL);
  if (!_gh_catalog_check_members (root, "", fields, error)
      || !parse_header (self, root, error)
      || !parse_languages (self, root, error)
      || !parse_list (self, root, "data_categories", TRUE, GH_CATALOG_MAX_CATEGORIES,
                      parse_category,
                      self->categories, error)
      || !parse_list (self, root, "purposes", TRUE, GH_CATALOG_MAX_PURPOSES, parse_purpose,
                      self->purposes, error)
      || !parse_list (self, root, "offers", TRUE, GH_CATALOG_MAX_OFFERS, parse_offer,
                      self->offers, error)
      || !parse_kiosk (self, root, error)
      || !parse_branding (self, root, error)
      || !parse_list (self, root, "staff", FALSE, GH_CATALOG_MAX_STAFF, parse_staff_member,
                      self->staff, error)
      || !_gh_catalog_parse_value_labels (self, root, error))
    return NULL;
  return g_steal_pointer (&self);
}
