/* GhCatalog: the HQ configuration (docs/config-format.md) parsed, validated and
 * turned into immutable objects. Validation is strict and stops at the first
 * problem, which it names by JSON path ("offers[3].purpose: unknown purpose ...")
 * so HQ can fix a bundle without guessing; every limit that keeps a hostile or
 * broken config from exhausting the kiosk is checked here too. A catalog never
 * changes after it is built: a new config gives a new catalog, so the UI never
 * shows half of one config and half of another. The item classes are in
 * gh-catalog-items.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "config/gh-catalog.h"
#include "config/gh-catalog-private.h"
#include "config/gh-json-limits.h"

#define CONFIG_FORMAT "glasshouse-config/1"

G_DEFINE_QUARK (gh-catalog-error-quark, gh_catalog_error)

static const char *legal_basis_names[] = { "consent", "legitimate_interest", "contract",
                                           "legal_obligation" };

const char *
gh_legal_basis_to_string (GhLegalBasis basis)
{
  g_return_val_if_fail (basis <= GH_LEGAL_BASIS_LEGAL_OBLIGATION, NULL);
  return legal_basis_names[basis];
}

/* ---- GhCatalog ------------------------------------------------------------ */

struct _GhCatalog
{
  GObject      parent_instance;

  gint64       version;
  char        *issued_at;
  char        *expires_at;
  gint64       issued_unix;
  gint64       expires_unix;
  char       **stores;
  char       **languages;

  char        *controller;
  char        *policy_url;
  char        *jurisdiction;

  GListStore  *categories;
  GListStore  *purposes;
  GListStore  *offers;
  GListStore  *staff;
  GHashTable  *category_index;  /* id -> GhDataCategory, borrowed from the list */
  GHashTable  *purpose_index;
  GHashTable  *offer_index;
  GHashTable  *staff_index;

  int          idle_timeout;
  int          warning_seconds;
  int          staff_timeout;
  int          receipt_days;
  char        *portal_url;

  char        *brand_name;
  char       **promise;
  char        *accent_color;
  char        *logo_svg;
};

G_DEFINE_FINAL_TYPE (GhCatalog, gh_catalog, G_TYPE_OBJECT)

static void
gh_catalog_finalize (GObject *object)
{
  GhCatalog *self = GH_CATALOG (object);

  g_free (self->issued_at);
  g_free (self->expires_at);
  g_strfreev (self->stores);
  g_strfreev (self->languages);
  g_free (self->controller);
  g_free (self->policy_url);
  g_free (self->jurisdiction);
  g_clear_pointer (&self->category_index, g_hash_table_unref);
  g_clear_pointer (&self->purpose_index, g_hash_table_unref);
  g_clear_pointer (&self->offer_index, g_hash_table_unref);
  g_clear_pointer (&self->staff_index, g_hash_table_unref);
  g_clear_object (&self->categories);
  g_clear_object (&self->purposes);
  g_clear_object (&self->offers);
  g_clear_object (&self->staff);
  g_free (self->portal_url);
  g_free (self->brand_name);
  g_strfreev (self->promise);
  g_free (self->accent_color);
  g_free (self->logo_svg);
  G_OBJECT_CLASS (gh_catalog_parent_class)->finalize (object);
}

static void
gh_catalog_class_init (GhCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_catalog_finalize;
}

static void
gh_catalog_init (GhCatalog *self)
{
  self->categories = g_list_store_new (GH_TYPE_DATA_CATEGORY);
  self->purposes = g_list_store_new (GH_TYPE_PURPOSE);
  self->offers = g_list_store_new (GH_TYPE_OFFER);
  self->staff = g_list_store_new (GH_TYPE_STAFF_MEMBER);
  self->category_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->purpose_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->offer_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->staff_index = g_hash_table_new (g_str_hash, g_str_equal);
}

/* ---- validation helpers --------------------------------------------------- */

/* "<path>.<field>: <reason>"; the root's own problems are reported as "config". */
static gboolean G_GNUC_PRINTF (4, 5)
fail (GError     **error,
      const char  *path,
      const char  *field,
      const char  *format,
      ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  if (field == NULL)
    g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, "%s: %s",
                 *path != '\0' ? path : "config", reason);
  else if (*path == '\0')
    g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, "%s: %s", field, reason);
  else
    g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID, "%s.%s: %s", path, field, reason);
  return FALSE;
}

static gboolean
check_members (JsonObject          *object,
               const char          *path,
               const char * const  *known,
               GError             **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_strv_contains (known, name))
      {
        g_autofree char *quoted = gh_json_quote (name);
        /* A typo in an optional field would otherwise be dropped without a word. */
        return fail (error, path, NULL, "unknown field %s", quoted);
      }
  return TRUE;
}

static gboolean
require (JsonObject  *object,
         const char  *path,
         const char  *name,
         JsonNode   **out,
         GError     **error)
{
  *out = json_object_get_member (object, name);
  if (*out == NULL)
    return fail (error, path, name, "missing (required)");
  return TRUE;
}

static gboolean
read_object (JsonNode     *node,
             const char   *path,
             const char   *name,
             JsonObject  **out,
             GError      **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, name, "expected an object, got %s", gh_json_node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_array (JsonNode    *node,
            const char  *path,
            const char  *name,
            guint        min_count,
            guint        max_count,
            JsonArray  **out,
            GError     **error)
{
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, path, name, "expected an array, got %s", gh_json_node_kind (node));
  *out = json_node_get_array (node);
  length = json_array_get_length (*out);
  if (length < min_count)
    return fail (error, path, name, "needs at least %u entr%s", min_count, min_count == 1 ? "y" : "ies");
  if (length > max_count)
    return fail (error, path, name, "%u entries, more than the limit of %u", length, max_count);
  return TRUE;
}

static gboolean
read_string (JsonNode     *node,
             const char   *path,
             const char   *name,
             gsize         max_bytes,
             const char  **out,
             GError      **error)
{
  gsize length;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, path, name, "expected a string, got %s", gh_json_node_kind (node));
  *out = json_node_get_string (node);
  length = strlen (*out);
  if (length == 0)
    return fail (error, path, name, "must not be empty");
  if (length > max_bytes)
    return fail (error, path, name, "%" G_GSIZE_FORMAT " bytes, more than the limit of %" G_GSIZE_FORMAT,
                 length, max_bytes);
  return TRUE;
}

static gboolean
is_id (const char *text)
{
  if (!g_ascii_isalnum (*text))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-' && *p != ':')
      return FALSE;
  return TRUE;
}

static gboolean
read_id (JsonNode     *node,
         const char   *path,
         const char   *name,
         const char  **out,
         GError      **error)
{
  if (!read_string (node, path, name, GH_CATALOG_MAX_ID_BYTES, out, error))
    return FALSE;
  if (!is_id (*out))
    {
      g_autofree char *quoted = gh_json_quote (*out);
      return fail (error, path, name, "%s is not an id (letters, digits and . _ - : only, "
                   "starting with a letter or digit)", quoted);
    }
  return TRUE;
}

static gboolean
read_int (JsonNode    *node,
          const char  *path,
          const char  *name,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64
          && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return fail (error, path, name, "expected a whole number, got %s", gh_json_node_kind (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return fail (error, path, name, "expected a whole number, got %g", json_node_get_double (node));
  *out = json_node_get_int (node);
  /* json-glib turns an integer too large for 64 bits into -1: the range check
   * below refuses it, since no field here may be negative. */
  if (*out < min || *out > max)
    return fail (error, path, name, "%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
                 " to %" G_GINT64_FORMAT ")", *out, min, max);
  return TRUE;
}

static gboolean
read_optional_int (JsonObject  *object,
                   const char  *path,
                   const char  *name,
                   gint64       min,
                   gint64       max,
                   gint64       fallback,
                   int         *out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value = fallback;

  if (node != NULL && !read_int (node, path, name, min, max, &value, error))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static gboolean
read_time (JsonNode     *node,
           const char   *path,
           const char   *name,
           const char  **text,
           gint64       *unix_seconds,
           GError      **error)
{
  g_autoptr(GDateTime) time = NULL;

  if (!read_string (node, path, name, 64, text, error))
    return FALSE;
  /* No default time zone: a time without one means different instants in
   * different stores, so it is refused. */
  if (strchr (*text, 'T') == NULL || (time = g_date_time_new_from_iso8601 (*text, NULL)) == NULL)
    {
      g_autofree char *quoted = gh_json_quote (*text);
      return fail (error, path, name, "%s is not an RFC 3339 time with a time zone "
                   "(e.g. 2026-01-31T09:00:00Z)", quoted);
    }
  *unix_seconds = g_date_time_to_unix (time);
  return TRUE;
}

static gboolean
read_url (JsonNode     *node,
          const char   *path,
          const char   *name,
          gboolean      https_only,
          const char  **out,
          GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (!read_string (node, path, name, GH_CATALOG_MAX_STRING_BYTES, out, error))
    return FALSE;
  uri = g_uri_parse (*out, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_ascii_strcasecmp (scheme, "https") != 0
          && (https_only || g_ascii_strcasecmp (scheme, "http") != 0)))
    {
      g_autofree char *quoted = gh_json_quote (*out);
      return fail (error, path, name, "%s is not an %s URL", quoted, https_only ? "https" : "http(s)");
    }
  return TRUE;
}

static gboolean
is_language_code (const char *code)
{
  const char *p = code;
  guint n = 0;

  /* A BCP 47 language with optional subtags: "en", "de-CH", "sr-Latn". */
  while (g_ascii_islower (*p))
    p++, n++;
  if (n < 2 || n > 3)
    return FALSE;
  while (*p == '-')
    {
      p++;
      n = 0;
      while (g_ascii_isalnum (*p))
        p++, n++;
      if (n < 1 || n > 8)
        return FALSE;
    }
  return *p == '\0';
}

/* A text object: every key a language of the config, the default one present. */
static gboolean
read_text (GhCatalog    *self,
           JsonNode     *node,
           const char   *path,
           const char   *name,
           gsize         max_bytes,
           char       ***out,
           GError      **error)
{
  g_autoptr(GPtrArray) pairs = NULL;
  g_autofree char *text_path = NULL;
  JsonObject *object = NULL;
  JsonObjectIter iter;
  const char *language;
  JsonNode *member;
  const char *fallback;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, name, "expected a text object keyed by language (e.g. {\"%s\": \"...\"}), "
                 "got %s", self->languages[0], gh_json_node_kind (node));
  object = json_node_get_object (node);
  text_path = *path != '\0' ? g_strdup_printf ("%s.%s", path, name) : g_strdup (name);

  member = json_object_get_member (object, self->languages[0]);
  if (member == NULL)
    return fail (error, text_path, NULL, "no \"%s\" text (the default language; every text needs it)",
                 self->languages[0]);
  if (!read_string (member, text_path, self->languages[0], max_bytes, &fallback, error))
    return FALSE;

  pairs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (pairs, g_strdup (self->languages[0]));
  g_ptr_array_add (pairs, g_strdup (fallback));
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &language, &member))
    {
      const char *text;

      if (!g_strv_contains ((const char * const *) self->languages, language))
        {
          g_autofree char *quoted = gh_json_quote (language);
          return fail (error, text_path, NULL, "language %s is not one of \"languages\"", quoted);
        }
      if (g_str_equal (language, self->languages[0]))
        continue;
      if (!read_string (member, text_path, language, max_bytes, &text, error))
        return FALSE;
      g_ptr_array_add (pairs, g_strdup (language));
      g_ptr_array_add (pairs, g_strdup (text));
    }
  g_ptr_array_add (pairs, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&pairs), FALSE);
  return TRUE;
}

static gboolean
read_optional_text (GhCatalog    *self,
                    JsonObject   *object,
                    const char   *path,
                    const char   *name,
                    gsize         max_bytes,
                    char       ***out,
                    GError      **error)
{
  JsonNode *node = json_object_get_member (object, name);

  return node == NULL || read_text (self, node, path, name, max_bytes, out, error);
}

static gboolean
read_required_text (GhCatalog    *self,
                    JsonObject   *object,
                    const char   *path,
                    const char   *name,
                    gsize         max_bytes,
                    char       ***out,
                    GError      **error)
{
  JsonNode *node;

  return require (object, path, name, &node, error)
         && read_text (self, node, path, name, max_bytes, out, error);
}

/* Each element of @array must be an id; returns them as a strv, refusing repeats. */
static gboolean
read_id_list (JsonArray    *array,
              const char   *path,
              const char   *name,
              gboolean      allow_star,
              char       ***out,
              GError      **error)
{
  guint length = json_array_get_length (array);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) ids = g_new0 (char *, length + 1);

  for (guint i = 0; i < length; i++)
    {
      g_autofree char *element = g_strdup_printf ("%s[%u]", name, i);
      JsonNode *node = json_array_get_element (array, i);
      const char *id;

      if (allow_star && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (node), "*"))
        id = "*";
      else if (!read_id (node, path, element, &id, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) id))
        return fail (error, path, element, "\"%s\" is listed twice", id);
      ids[i] = g_strdup (id);
    }
  *out = g_steal_pointer (&ids);
  return TRUE;
}

/* A required string member, copied into @out. */
static gboolean
read_required_string (JsonObject  *object,
                      const char  *path,
                      const char  *name,
                      gsize        max_bytes,
                      char       **out,
                      GError     **error)
{
  JsonNode *node;
  const char *text;

  if (!require (object, path, name, &node, error)
      || !read_string (node, path, name, max_bytes, &text, error))
    return FALSE;
  *out = g_strdup (text);
  return TRUE;
}

/* A required top-level object with only @fields. */
static gboolean
read_section (JsonObject          *root,
              const char          *name,
              const char * const  *fields,
              JsonObject         **out,
              GError             **error)
{
  JsonNode *node;

  return require (root, "", name, &node, error)
         && read_object (node, "", name, out, error)
         && check_members (*out, name, fields, error);
}

/* The start of every list entry: an object with only @fields whose "id" no
 * other entry of its list (@index, of @what) has. */
static gboolean
read_entry (JsonNode            *node,
            const char          *path,
            const char * const  *fields,
            GHashTable          *index,
            const char          *what,
            JsonObject         **object,
            const char         **id,
            GError             **error)
{
  JsonNode *member;

  if (!read_object (node, path, NULL, object, error)
      || !check_members (*object, path, fields, error)
      || !require (*object, path, "id", &member, error)
      || !read_id (member, path, "id", id, error))
    return FALSE;
  if (g_hash_table_contains (index, *id))
    return fail (error, path, "id", "\"%s\" is already the id of another %s", *id, what);
  return TRUE;
}

static gboolean
read_title_and_description (GhCatalog    *self,
                            JsonObject   *object,
                            const char   *path,
                            char       ***title,
                            char       ***description,
                            GError      **error)
{
  return read_required_text (self, object, path, "title", GH_CATALOG_MAX_TEXT_BYTES, title, error)
         && read_required_text (self, object, path, "description", GH_CATALOG_MAX_TEXT_BYTES,
                                description, error);
}

/* ---- the sections --------------------------------------------------------- */

static gboolean
parse_languages (GhCatalog   *self,
                 JsonObject  *root,
                 GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;
  JsonNode *node;
  guint length;

  if (!require (root, "", "languages", &node, error)
      || !read_array (node, "", "languages", 1, GH_CATALOG_MAX_LANGUAGES, &array, error))
    return FALSE;
  length = json_array_get_length (array);
  self->languages = g_new0 (char *, length + 1);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *element = g_strdup_printf ("languages[%u]", i);
      const char *code;

      if (!read_string (json_array_get_element (array, i), "", element, 35, &code, error))
        return FALSE;
      if (!is_language_code (code))
        {
          g_autofree char *quoted = gh_json_quote (code);
          return fail (error, "", element, "%s is not a language code (e.g. \"en\", \"de-CH\")", quoted);
        }
      if (!g_hash_table_add (seen, (gpointer) code))
        return fail (error, "", element, "\"%s\" is listed twice", code);
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
  static const char * const controller_fields[] = { "name", "policy_url", "jurisdiction", NULL };

  if (!require (root, "", "format", &node, error)
      || !read_string (node, "", "format", 64, &text, error))
    return FALSE;
  if (!g_str_equal (text, CONFIG_FORMAT))
    {
      g_autofree char *quoted = gh_json_quote (text);
      return fail (error, "", "format", "expected \"" CONFIG_FORMAT "\", got %s", quoted);
    }

  if (!require (root, "", "version", &node, error)
      || !read_int (node, "", "version", 1, GH_CATALOG_MAX_VERSION, &self->version, error))
    return FALSE;

  if (!require (root, "", "issued_at", &node, error)
      || !read_time (node, "", "issued_at", &text, &self->issued_unix, error))
    return FALSE;
  self->issued_at = g_strdup (text);
  if (!require (root, "", "expires_at", &node, error)
      || !read_time (node, "", "expires_at", &text, &self->expires_unix, error))
    return FALSE;
  self->expires_at = g_strdup (text);
  if (self->expires_unix <= self->issued_unix)
    return fail (error, "", "expires_at", "%s is not after issued_at (%s)", self->expires_at,
                 self->issued_at);

  if (!require (root, "", "stores", &node, error)
      || !read_array (node, "", "stores", 1, GH_CATALOG_MAX_STORES, &array, error)
      || !read_id_list (array, "", "stores", TRUE, &self->stores, error))
    return FALSE;

  if (!read_section (root, "controller", controller_fields, &controller, error)
      || !read_required_string (controller, "controller", "name", GH_CATALOG_MAX_NAME_BYTES,
                                &self->controller, error))
    return FALSE;
  if (!require (controller, "controller", "policy_url", &node, error)
      || !read_url (node, "controller", "policy_url", FALSE, &text, error))
    return FALSE;
  self->policy_url = g_strdup (text);
  return read_required_string (controller, "controller", "jurisdiction", 64, &self->jurisdiction,
                               error);
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

  if (!read_entry (node, path, fields, self->category_index, "data category", &object, &id, error))
    return FALSE;
  category->id = g_strdup (id);
  if (!read_title_and_description (self, object, path, &category->title, &category->description,
                                   error)
      || !read_optional_text (self, object, path, "legal_hold", GH_CATALOG_MAX_TEXT_BYTES,
                              &category->legal_hold, error)
      || !require (object, path, "retention_days", &member, error)
      || !read_int (member, path, "retention_days", 1, 36500, &days, error))
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
  g_autofree char *stripped = g_strstrip (g_strdup (name));

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

  if (!read_object (node, path, NULL, &object, error)
      || !check_members (object, path, fields, error)
      || !require (object, path, "name", &member, error)
      || !read_string (member, path, "name", GH_CATALOG_MAX_NAME_BYTES, &name, error))
    return FALSE;
  key = third_party_key (name);
  if (*key == '\0')
    return fail (error, path, "name", "must not be only white space");
  if (g_hash_table_lookup_extended (seen, key, NULL, &first))
    {
      g_autofree char *quoted = gh_json_quote (name);
      return fail (error, path, "name", "%s names the same party as third_parties[%u]", quoted,
                   GPOINTER_TO_UINT (first));
    }
  party->name = g_strstrip (g_strdup (name));  /* the spaces would show in the sentence */
  if (!read_required_text (self, object, path, "reason", GH_CATALOG_MAX_TEXT_BYTES, &party->reason,
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
  if (!read_array (member, path, "third_parties", 0, GH_CATALOG_MAX_THIRD_PARTIES, &array, error))
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
                                         "third_parties", NULL };
  g_autoptr(GhPurpose) purpose = g_object_new (GH_TYPE_PURPOSE, NULL);
  JsonObject *object = NULL;
  JsonNode *member;
  JsonArray *array;
  const char *text;
  guint basis;

  if (!read_entry (node, path, fields, self->purpose_index, "purpose", &object, &text, error))
    return FALSE;
  purpose->id = g_strdup (text);
  if (!read_title_and_description (self, object, path, &purpose->title, &purpose->description,
                                   error))
    return FALSE;

  if (!require (object, path, "legal_basis", &member, error)
      || !read_string (member, path, "legal_basis", 64, &text, error))
    return FALSE;
  for (basis = 0; basis < G_N_ELEMENTS (legal_basis_names); basis++)
    if (g_str_equal (text, legal_basis_names[basis]))
      break;
  if (basis == G_N_ELEMENTS (legal_basis_names))
    {
      g_autofree char *quoted = gh_json_quote (text);
      return fail (error, path, "legal_basis", "unknown legal basis %s (expected consent, "
                   "legitimate_interest, contract or legal_obligation)", quoted);
    }
  purpose->legal_basis = (GhLegalBasis) basis;

  if (!require (object, path, "data_categories", &member, error)
      || !read_array (member, path, "data_categories", 0, GH_CATALOG_MAX_CATEGORIES, &array, error)
      || !read_id_list (array, path, "data_categories", FALSE, &purpose->categories, error))
    return FALSE;
  for (guint i = 0; purpose->categories[i] != NULL; i++)
    if (!g_hash_table_contains (self->category_index, purpose->categories[i]))
      {
        g_autofree char *element = g_strdup_printf ("data_categories[%u]", i);
        return fail (error, path, element, "unknown data category \"%s\" (not in data_categories)",
                     purpose->categories[i]);
      }

  /* Only consent waits for a yes; the other bases hold until objected to (or always). */
  purpose->default_state = purpose->legal_basis == GH_LEGAL_BASIS_CONSENT
                           ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED;
  if ((member = json_object_get_member (object, "default")) != NULL)
    {
      GhConsentState state;

      if (!read_string (member, path, "default", 16, &text, error))
        return FALSE;
      if (!gh_consent_state_from_string (text, &state))
        {
          g_autofree char *quoted = gh_json_quote (text);
          return fail (error, path, "default", "expected \"granted\" or \"revoked\", got %s", quoted);
        }
      if (purpose->legal_basis != GH_LEGAL_BASIS_CONSENT && state == GH_CONSENT_REVOKED)
        return fail (error, path, "default", "a %s purpose is in force until objected to; "
                     "it cannot default to revoked", legal_basis_names[purpose->legal_basis]);
      purpose->default_state = state;
    }

  if (!read_required_string (object, path, "notice_version", 64, &purpose->notice_version, error)
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
    return fail (error, path, NULL, "%u conditions, more than the limit of %u",
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
          return fail (error, where_path, NULL, "%u filters, more than the limit of %u",
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
              return fail (error, value_path, NULL, "%u values, more than the limit of %u",
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

  if (!read_entry (node, path, fields, self->offer_index, "offer", &object, &text, error))
    return FALSE;
  offer->id = g_strdup (text);
  if (!read_title_and_description (self, object, path, &offer->title, &offer->description, error)
      || !require (object, path, "purpose", &member, error)
      || !read_id (member, path, "purpose", &text, error))
    return FALSE;
  purpose = g_hash_table_lookup (self->purpose_index, text);
  if (purpose == NULL)
    return fail (error, path, "purpose", "unknown purpose \"%s\"", text);
  offer->purpose_id = g_strdup (text);

  if (!require (object, path, "rule", &member, error)
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
          return fail (error, rule_path, NULL, "reads unknown data category %s (not in data_categories)",
                       quoted);
        }
      if (!g_strv_contains (gh_purpose_get_categories (purpose), reads[i]))
        return fail (error, rule_path, NULL, "reads \"%s\", which purpose \"%s\" does not declare",
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

  if (!read_entry (node, path, fields, self->staff_index, "staff member", &object, &text, error))
    return FALSE;
  member_object->id = g_strdup (text);
  if (!read_required_string (object, path, "name", GH_CATALOG_MAX_NAME_BYTES, &member_object->name,
                             error)
      || !require (object, path, "pin_hash", &member, error)
      || !read_string (member, path, "pin_hash", 256, &text, error))
    return FALSE;
  if (!g_str_has_prefix (text, "$argon2id$"))
    return fail (error, path, "pin_hash", "not an argon2id hash (crypto_pwhash_str output, "
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
    return fail (error, "", name, "missing (required)");
  if (!read_array (node, "", name, 0, max_count, &array, error))
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

  if (!read_section (root, "kiosk", fields, &kiosk, error))
    return FALSE;
  if (!require (kiosk, "kiosk", "idle_timeout_seconds", &node, error)
      || !read_int (node, "kiosk", "idle_timeout_seconds", 15, 600, &value, error))
    return FALSE;
  self->idle_timeout = (int) value;
  if (!require (kiosk, "kiosk", "warning_seconds", &node, error)
      || !read_int (node, "kiosk", "warning_seconds", 5, 120, &value, error))
    return FALSE;
  self->warning_seconds = (int) value;
  if (self->warning_seconds >= self->idle_timeout)
    return fail (error, "kiosk", "warning_seconds", "%d is not shorter than idle_timeout_seconds (%d)",
                 self->warning_seconds, self->idle_timeout);
  if (!read_optional_int (kiosk, "kiosk", "staff_timeout_seconds", 30, 3600, 300, &self->staff_timeout,
                          error)
      || !read_optional_int (kiosk, "kiosk", "receipt_days", 1, 3650, 30, &self->receipt_days, error))
    return FALSE;
  if (!require (kiosk, "kiosk", "portal_url", &node, error)
      || !read_url (node, "kiosk", "portal_url", TRUE, &text, error))
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
  static const char * const fields[] = { "name", "promise", "accent_color", "logo_svg", NULL };
  JsonObject *branding = NULL;
  JsonNode *node;
  const char *text;

  if (!read_section (root, "branding", fields, &branding, error)
      || !read_required_string (branding, "branding", "name", GH_CATALOG_MAX_NAME_BYTES,
                                &self->brand_name, error)
      || !read_required_text (self, branding, "branding", "promise", GH_CATALOG_MAX_TEXT_BYTES,
                              &self->promise, error))
    return FALSE;
  if (!require (branding, "branding", "accent_color", &node, error)
      || !read_string (node, "branding", "accent_color", 16, &text, error))
    return FALSE;
  if (!is_hex_colour (text))
    {
      g_autofree char *quoted = gh_json_quote (text);
      return fail (error, "branding", "accent_color", "expected a colour as #rrggbb, got %s", quoted);
    }
  self->accent_color = g_ascii_strdown (text, -1);
  if ((node = json_object_get_member (branding, "logo_svg")) != NULL)
    {
      if (!read_string (node, "branding", "logo_svg", GH_CATALOG_MAX_LOGO_BYTES, &text, error))
        return FALSE;
      if (strstr (text, "<svg") == NULL)
        return fail (error, "branding", "logo_svg", "not an SVG document (no <svg> element)");
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
                                         "offers", "kiosk", "branding", "staff", NULL };
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
      fail (error, "", NULL, "expected a JSON object, got %s", gh_json_node_kind (root_node));
      return NULL;
    }
  root = json_node_get_object (root_node);

  self = g_object_new (GH_TYPE_CATALOG, NULL);
  if (!check_members (root, "", fields, error)
      || !parse_header (self, root, error)
      || !parse_languages (self, root, error)
      || !parse_list (self, root, "data_categories", TRUE, GH_CATALOG_MAX_CATEGORIES, parse_category,
                      self->categories, error)
      || !parse_list (self, root, "purposes", TRUE, GH_CATALOG_MAX_PURPOSES, parse_purpose,
                      self->purposes, error)
      || !parse_list (self, root, "offers", TRUE, GH_CATALOG_MAX_OFFERS, parse_offer,
                      self->offers, error)
      || !parse_kiosk (self, root, error)
      || !parse_branding (self, root, error)
      || !parse_list (self, root, "staff", FALSE, GH_CATALOG_MAX_STAFF, parse_staff_member,
                      self->staff, error))
    return NULL;
  return g_steal_pointer (&self);
}

GhCatalog *
gh_catalog_load_active (GhStore  *store,
                        GError  **error)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) local_error = NULL;
  GhCatalog *catalog;
  gint64 version = 0;

  g_return_val_if_fail (GH_IS_STORE (store), NULL);

  payload = gh_store_get_active_config (store, &version, &local_error);
  if (payload == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_NONE,
                     "%s: no configuration has been applied yet", gh_store_get_path (store));
      return NULL;
    }
  catalog = gh_catalog_new_from_bytes (payload, &local_error);
  if (catalog == NULL)
    g_set_error (error, GH_CATALOG_ERROR, GH_CATALOG_ERROR_INVALID,
                 "%s: the active configuration (version %" G_GINT64_FORMAT ") does not load: %s",
                 gh_store_get_path (store), version, local_error->message);
  return catalog;
}

/* ---- accessors ------------------------------------------------------------ */

gint64
gh_catalog_get_version (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->version;
}

const char *
gh_catalog_get_issued_at (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->issued_at;
}

const char *
gh_catalog_get_expires_at (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->expires_at;
}

gint64
gh_catalog_get_issued_unix (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->issued_unix;
}

gint64
gh_catalog_get_expires_unix (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->expires_unix;
}

gboolean
gh_catalog_is_for_store (GhCatalog  *self,
                         const char *store_id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), FALSE);
  return store_id == NULL
         || g_strv_contains ((const char * const *) self->stores, "*")
         || g_strv_contains ((const char * const *) self->stores, store_id);
}

const char * const *
gh_catalog_get_languages (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return (const char * const *) self->languages;
}

const char *
gh_catalog_get_default_language (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->languages[0];
}

GListModel *
gh_catalog_get_data_categories (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->categories);
}

GListModel *
gh_catalog_get_purposes (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->purposes);
}

GListModel *
gh_catalog_get_offers (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->offers);
}

GListModel *
gh_catalog_get_staff (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->staff);
}

GhDataCategory *
gh_catalog_find_data_category (GhCatalog  *self,
                               const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->category_index, id) : NULL;
}

GhPurpose *
gh_catalog_find_purpose (GhCatalog  *self,
                         const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->purpose_index, id) : NULL;
}

GhOffer *
gh_catalog_find_offer (GhCatalog  *self,
                       const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->offer_index, id) : NULL;
}

GhStaffMember *
gh_catalog_find_staff (GhCatalog  *self,
                       const char *id)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->staff_index, id) : NULL;
}

int
gh_catalog_get_idle_timeout (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->idle_timeout;
}

int
gh_catalog_get_warning_seconds (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->warning_seconds;
}

int
gh_catalog_get_staff_timeout (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->staff_timeout;
}

int
gh_catalog_get_receipt_days (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), 0);
  return self->receipt_days;
}

const char *
gh_catalog_get_portal_url (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->portal_url;
}

const char *
gh_catalog_get_controller (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->controller;
}

const char *
gh_catalog_get_policy_url (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->policy_url;
}

const char *
gh_catalog_get_jurisdiction (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->jurisdiction;
}

const char *
gh_catalog_get_brand_name (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->brand_name;
}

const char *
gh_catalog_get_accent_color (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->accent_color;
}

const char *
gh_catalog_get_logo_svg (GhCatalog *self)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return self->logo_svg;
}

const char *
gh_catalog_get_promise (GhCatalog  *self,
                        const char *language)
{
  g_return_val_if_fail (GH_IS_CATALOG (self), NULL);
  return _gh_catalog_text_lookup (self->promise, language);
}
