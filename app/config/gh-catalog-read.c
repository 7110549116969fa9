/* The typed readers the catalog's sections are parsed with: each reads one member
 * or element, checks its type and bounds, and names the problem by JSON path
 * (gh-json-path.c) so HQ can fix a bundle without guessing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "config/gh-catalog-private.h"
#include "config/gh-json-limits.h"

gboolean
_gh_catalog_require (JsonObject  *object,
                     const char  *path,
                     const char  *name,
                     JsonNode   **out,
                     GError     **error)
{
  *out = json_object_get_member (object, name);
  if (*out == NULL)
    return _gh_catalog_fail (error, path, name, "missing (required)");
  return TRUE;
}

gboolean
_gh_catalog_read_object (JsonNode     *node,
                         const char   *path,
                         const char   *name,
                         JsonObject  **out,
                         GError      **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _gh_catalog_fail (error, path, name, "expected an object, got %s",
                             gh_json_node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
_gh_catalog_read_array (JsonNode    *node,
                        const char  *path,
                        const char  *name,
                        guint        min_count,
                        guint        max_count,
                        JsonArray  **out,
                        GError     **error)
{
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _gh_catalog_fail (error, path, name, "expected an array, got %s",
                             gh_json_node_kind (node));
  *out = json_node_get_array (node);
  length = json_array_get_length (*out);
  if (length < min_count)
    return _gh_catalog_fail (error, path, name, "needs at least %u entr%s", min_count,
                             min_count == 1 ? "y" : "ies");
  if (length > max_count)
    return _gh_catalog_fail (error, path, name, "%u entries, more than the limit of %u", length,
                             max_count);
  return TRUE;
}

gboolean
_gh_catalog_read_string (JsonNode     *node,
                         const char   *path,
                         const char   *name,
                         gsize         max_bytes,
                         const char  **out,
                         GError      **error)
{
  gsize length;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return _gh_catalog_fail (error, path, name, "expected a string, got %s",
                             gh_json_node_kind (node));
  *out = json_node_get_string (node);
  length = strlen (*out);
  if (length == 0)
    return _gh_catalog_fail (error, path, name, "must not be empty");
  if (length > max_bytes)
    return _gh_catalog_fail (error, path, name,
                             "%" G_GSIZE_FORMAT " bytes, more than the limit of %" G_GSIZE_FORMAT,
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

gboolean
_gh_catalog_read_id (JsonNode     *node,
                     const char   *path,
                     const char   *name,
                     const char  **out,
                     GError      **error)
{
  if (!_gh_catalog_read_string (node, path, name, GH_CATALOG_MAX_ID_BYTES, out, error))
    return FALSE;
  if (!is_id (*out))
    {
      g_autofree char *quoted = gh_json_quote (*out);
      return _gh_catalog_fail (error, path, name,
                               "%s is not an id (letters, digits and . _ - : only, "
                               "starting with a letter or digit)", quoted);
    }
  return TRUE;
}

gboolean
_gh_catalog_read_int (JsonNode    *node,
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
    return _gh_catalog_fail (error, path, name, "expected a whole number, got %s",
                             gh_json_node_kind (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return _gh_catalog_fail (error, path, name, "expected a whole number, got %g",
                             json_node_get_double (node));
  *out = json_node_get_int (node);
  /* json-glib turns an integer too large for 64 bits into -1: the range check
   * below refuses it, since no field here may be negative. */
  if (*out < min || *out > max)
    return _gh_catalog_fail (error, path, name,
                             "%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
                             " to %" G_GINT64_FORMAT ")", *out, min, max);
  return TRUE;
}

gboolean
_gh_catalog_read_optional_int (JsonObject  *object,
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

  if (node != NULL && !_gh_catalog_read_int (node, path, name, min, max, &value, error))
    return FALSE;
  *out = (int) value;
  return TRUE;
}

gboolean
_gh_catalog_read_time (JsonNode     *node,
                       const char   *path,
                       const char   *name,
                       const char  **text,
                       gint64       *unix_seconds,
                       GError      **error)
{
  g_autoptr(GDateTime) time = NULL;

  if (!_gh_catalog_read_string (node, path, name, 64, text, error))
    return FALSE;
  /* No default time zone: a time without one means different instants in
   * different stores, so it is refused. */
  if (strchr (*text, 'T') == NULL || (time = g_date_time_new_from_iso8601 (*text, NULL)) == NULL)
    {
      g_autofree char *quoted = gh_json_quote (*text);
      return _gh_catalog_fail (error, path, name, "%s is not an RFC 3339 time with a time zone "
                               "(e.g. 2026-01-31T09:00:00Z)", quoted);
    }
  *unix_seconds = g_date_time_to_unix (time);
  return TRUE;
}

/* GUri takes almost anything as a host ("exa mple.org" included); a link a phone
 * must open needs a real one: a DNS name (letters, digits, '-', '.', or non-ASCII
 * letters of an IDN), or an IP literal GUri has already checked. */
static gboolean
url_host_is_valid (const char *host)
{
  if (host[0] == '[')
    return TRUE;
  for (const char *p = host; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 ? !(g_ascii_isalnum (c) || c == '-' || c == '.') : !g_unichar_isalnum (c))
        return FALSE;
    }
  return TRUE;
}

gboolean
_gh_catalog_read_url (JsonNode     *node,
                      const char   *path,
                      const char   *name,
                      gboolean      https_only,
                      const char  **out,
                      GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (!_gh_catalog_read_string (node, path, name, GH_CATALOG_MAX_STRING_BYTES, out, error))
    return FALSE;
  uri = g_uri_parse (*out, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || !url_host_is_valid (g_uri_get_host (uri))
      || (g_ascii_strcasecmp (scheme, "https") != 0
          && (https_only || g_ascii_strcasecmp (scheme, "http") != 0)))
    {
      g_autofree char *quoted = gh_json_quote (*out);
      return _gh_catalog_fail (error, path, name, "%s is not an %s URL", quoted,
                               https_only ? "https" : "http(s)");
    }
  return TRUE;
}

gboolean
_gh_catalog_is_language_code (const char *code)
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
    return _gh_catalog_fail (error, path, name,
                             "expected a text object keyed by language (e.g. {\"%s\": \"...\"}), "
                             "got %s", self->languages[0], gh_json_node_kind (node));
  object = json_node_get_object (node);
  text_path = gh_json_path_member (path, name);

  member = json_object_get_member (object, self->languages[0]);
  if (member == NULL)
    return _gh_catalog_fail (error, text_path, NULL,
                             "no \"%s\" text (the default language; every text needs it)",
                             self->languages[0]);
  if (!_gh_catalog_read_string (member, text_path, self->languages[0], max_bytes, &fallback, error))
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
          return _gh_catalog_fail (error, text_path, NULL,
                                   "language %s is not one of \"languages\"", quoted);
        }
      if (g_str_equal (language, self->languages[0]))
        continue;
      if (!_gh_catalog_read_string (member, text_path, language, max_bytes, &text, error))
        return FALSE;
      g_ptr_array_add (pairs, g_strdup (language));
      g_ptr_array_add (pairs, g_strdup (text));
    }
  g_ptr_array_add (pairs, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&pairs), FALSE);
  return TRUE;
}

gboolean
_gh_catalog_read_optional_text (GhCatalog    *self,
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

gboolean
_gh_catalog_read_required_text (GhCatalog    *self,
                                JsonObject   *object,
                                const char   *path,
                                const char   *name,
                                gsize         max_bytes,
                                char       ***out,
                                GError      **error)
{
  JsonNode *node;

  return _gh_catalog_require (object, path, name, &node, error)
         && read_text (self, node, path, name, max_bytes, out, error);
}

/* Each element of @array must be an id; returns them as a strv, refusing repeats. */
gboolean
_gh_catalog_read_id_list (JsonArray    *array,
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
      else if (!_gh_catalog_read_id (node, path, element, &id, error))
        return FALSE;
      if (!g_hash_table_add (seen, (gpointer) id))
        return _gh_catalog_fail (error, path, element, "\"%s\" is listed twice", id);
      ids[i] = g_strdup (id);
    }
  *out = g_steal_pointer (&ids);
  return TRUE;
}

/* A required string member, copied into @out. */
gboolean
_gh_catalog_read_required_string (JsonObject  *object,
                                  const char  *path,
                                  const char  *name,
                                  gsize        max_bytes,
                                  char       **out,
                                  GError     **error)
{
  JsonNode *node;
  const char *text;

  if (!_gh_catalog_require (object, path, name, &node, error)
      || !_gh_catalog_read_string (node, path, name, max_bytes, &text, error))
    return FALSE;
  *out = g_strdup (text);
  return TRUE;
}

/* A required top-level object with only @fields. */
gboolean
_gh_catalog_read_section (JsonObject          *root,
                          const char          *name,
                          const char * const  *fields,
                          JsonObject         **out,
                          GError             **error)
{
  JsonNode *node;

  return _gh_catalog_require (root, "", name, &node, error)
         && _gh_catalog_read_object (node, "", name, out, error)
         && _gh_catalog_check_members (*out, name, fields, error);
}

/* The start of every list entry: an object with only @fields whose "id" no
 * other entry of its list (@index, of @what) has. */
gboolean
_gh_catalog_read_entry (JsonNode            *node,
                        const char          *path,
                        const char * const  *fields,
                        GHashTable          *index,
                        const char          *what,
                        JsonObject         **object,
                        const char         **id,
                        GError             **error)
{
  JsonNode *member;

  if (!_gh_catalog_read_object (node, path, NULL, object, error)
      || !_gh_catalog_check_members (*object, path, fields, error)
      || !_gh_catalog_require (*object, path, "id", &member, error)
      || !_gh_catalog_read_id (member, path, "id", id, error))
    return FALSE;
  if (g_hash_table_contains (index, *id))
    return _gh_catalog_fail (error, path, "id", "\"%s\" is already the id of another %s", *id,
                             what);
  return TRUE;
}

gboolean
_gh_catalog_read_title_and_description (GhCatalog    *self,
                                        JsonObject   *object,
                                        const char   *path,
                                        char       ***title,
                                        char       ***description,
                                        GError      **error)
{
  return _gh_catalog_read_required_text (self, object, path, "title", GH_CATALOG_MAX_TEXT_BYTES,
                                         title, error)
         && _gh_catalog_read_required_text (self, object, path, "description",
                                            GH_CATALOG_MAX_TEXT_BYTES,
                                            description, error);
}

/* Unicode's idea of white space, not only ASCII's: a no-break space (U+00A0), an
 * ideographic space, a zero-width space all look like nothing on the screen. */
static gboolean
is_blank_char (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x00a0 || c == 0x200b || c == 0x2060 || c == 0xfeff
         || c == 0x180e;
}

char *
_gh_catalog_strip_space (const char *text)
{
  const char *start = text, *end = text + strlen (text);

  while (*start != '\0' && is_blank_char (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *last = g_utf8_find_prev_char (start, end);

      if (last == NULL || !is_blank_char (g_utf8_get_char (last)))
        break;
      end = last;
    }
  return g_strndup (start, end - start);
}
