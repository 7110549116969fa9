/* Limits for JSON that comes from outside the kiosk (bundles, configs). json-glib
 * parses recursively and crashes on very deep nesting, accepts "\u0000" by cutting
 * the string short and turns an unpaired surrogate escape into invalid UTF-8; a
 * single linear pass over the bytes refuses all of that, with the byte offset,
 * before the parser runs. Also how error messages show untrusted JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "config/gh-json-limits.h"

int
gh_json_hex4 (const char *p,
              const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);
      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

gboolean
gh_json_check_text (const char  *data,
                    gsize        length,
                    gsize        max_bytes,
                    guint        max_depth,
                    const char  *path,
                    GQuark       domain,
                    int          code,
                    GError     **error)
{
  const char *invalid = NULL;
  const char *p, *end;
  gboolean in_string = FALSE;
  guint depth = 0;

  if (length > max_bytes)
    {
      g_set_error (error, domain, code, "%s: %" G_GSIZE_FORMAT " bytes, more than the limit of %"
                   G_GSIZE_FORMAT, path, length, max_bytes);
      return FALSE;
    }
  if (length == 0)
    {
      g_set_error (error, domain, code, "%s: empty", path);
      return FALSE;
    }
  /* Also refuses NUL bytes, which would end the text early for the parser. */
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      g_set_error (error, domain, code, "%s: invalid UTF-8 at byte %" G_GSIZE_FORMAT,
                   path, (gsize) (invalid - data));
      return FALSE;
    }

  end = data + length;
  for (p = data; p < end; p++)
    {
      if (in_string)
        {
          int unit;

          if (*p == '"')
            in_string = FALSE;
          else if ((guchar) *p < 0x20)
            {
              /* JSON wants these escaped; json-glib takes them raw, and a raw one in a
               * name or text would reach the screen, a receipt or a log as it is. */
              g_set_error (error, domain, code, "%s: a raw control character (U+%04X) in a "
                           "string at byte %" G_GSIZE_FORMAT " (JSON needs it escaped)",
                           path, (guint) (guchar) *p, (gsize) (p - data));
              return FALSE;
            }
          else if (*p == '\\' && p + 1 < end)
            {
              p++;
              if (*p != 'u')
                continue;
              unit = gh_json_hex4 (p + 1, end);
              if (unit < 0)
                continue;  /* the parser reports the bad escape itself */
              if (unit == 0)
                {
                  g_set_error (error, domain, code, "%s: \\u0000 in a string at byte %" G_GSIZE_FORMAT,
                               path, (gsize) (p - 1 - data));
                  return FALSE;
                }
              if (unit >= 0xdc00 && unit <= 0xdfff)
                goto bad_surrogate;
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  int low = (end - p >= 7 && p[5] == '\\' && p[6] == 'u')
                            ? gh_json_hex4 (p + 7, end) : -1;

                  if (low < 0xdc00 || low > 0xdfff)
                    goto bad_surrogate;
                  p += 6;
                }
              p += 4;
            }
          continue;
        }

      switch (*p)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, domain, code, "%s: nested deeper than %u levels (at byte %"
                           G_GSIZE_FORMAT ")", path, max_depth, (gsize) (p - data));
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return TRUE;

bad_surrogate:
  g_set_error (error, domain, code, "%s: an unpaired UTF-16 surrogate escape at byte %"
               G_GSIZE_FORMAT, path, (gsize) (p - 1 - data));
  return FALSE;
}

/* json-glib keeps the last of repeated members ({"a":1,"a":2} reads as {"a":2}), while
 * other readers of the same signed text (HQ's tools, a person) may take the first: the
 * kiosk would act on something else than was reviewed. The parser announces every
 * member as it stores it; an object announced more often than it has members had one
 * replaced. */
typedef struct {
  GHashTable *announced;   /* JsonObject* -> members announced so far */
  JsonObject *object;      /* the first object with a repeated member */
  char       *name;
} RepeatWatch;

static void
on_object_member (JsonParser  *parser,
                  JsonObject  *object,
                  const char  *name,
                  RepeatWatch *watch)
{
  guint announced = GPOINTER_TO_UINT (g_hash_table_lookup (watch->announced, object)) + 1;

  g_hash_table_insert (watch->announced, object, GUINT_TO_POINTER (announced));
  if (watch->object == NULL && announced > json_object_get_size (object))
    {
      watch->object = object;
      watch->name = g_strdup (name);
    }
}

/* Appends the path from @node to @target ("offers[3].rule") to @path. */
static gboolean
find_object_path (JsonNode   *node,
                  JsonObject *target,
                  GString    *path)
{
  gsize mark = path->len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (object == target)
        return TRUE;
      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_string_append_printf (path, ".%s", name);
          if (find_object_path (member, target, path))
            return TRUE;
          g_string_truncate (path, mark);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_string_append_printf (path, "[%u]", i);
          if (find_object_path (json_array_get_element (array, i), target, path))
            return TRUE;
          g_string_truncate (path, mark);
        }
    }
  return FALSE;
}

/* json-glib's messages quote the token it did not expect ("unexpected identifier
 * `hunter2'"): a refused input's content would reach logs, the .reason file and the
 * audit chain sent to HQ. Keep only its position, and say why from the error code. */
static char *
parse_error_reason (const GError *parse_error)
{
  const char *why = "syntax error";
  unsigned line = 0, column = 0;

  if (parse_error->domain == JSON_PARSER_ERROR)
    switch (parse_error->code)
      {
      case JSON_PARSER_ERROR_TRAILING_COMMA:
        why = "a trailing comma";
        break;
      case JSON_PARSER_ERROR_MISSING_COMMA:
        why = "a missing comma";
        break;
      case JSON_PARSER_ERROR_MISSING_COLON:
        why = "a missing colon";
        break;
      case JSON_PARSER_ERROR_INVALID_BAREWORD:
        why = "an unquoted word";
        break;
      case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME:
        why = "an empty member name";
        break;
      case JSON_PARSER_ERROR_INVALID_DATA:
        why = "invalid data";
        break;
      default:
        break;
      }
  /* json-glib names the input "<data>" and gives "LINE:COLUMN" after it. */
  if (sscanf (parse_error->message, "<data>:%u:%u:", &line, &column) == 2)
    return g_strdup_printf ("%s at line %u, column %u", why, line, column);
  return g_strdup (why);
}

JsonNode *
gh_json_parse (const char  *data,
               gsize        length,
               gsize        max_bytes,
               guint        max_depth,
               const char  *path,
               GQuark       domain,
               int          code,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  RepeatWatch watch = { g_hash_table_new (NULL, NULL), NULL, NULL };
  JsonNode *root;

  if (!gh_json_check_text (data, length, max_bytes, max_depth, path, domain, code, error))
    {
      g_hash_table_unref (watch.announced);
      return NULL;
    }

  parser = json_parser_new ();
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_autofree char *reason = parse_error_reason (local_error);

      g_set_error (error, domain, code, "%s: not valid JSON: %s", path, reason);
      root = NULL;
      goto out;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error (error, domain, code, "%s: no JSON value", path);
      goto out;
    }
  if (watch.object != NULL)
    {
      g_autoptr(GString) where = g_string_new (NULL);
      g_autofree char *quoted = gh_json_quote (watch.name);

      find_object_path (root, watch.object, where);
      /* Paths inside the value read like the validator's: "offers[3]", not "payload.offers[3]". */
      g_set_error (error, domain, code, "%s: member %s appears more than once",
                   where->len > 0 ? where->str + (where->str[0] == '.') : path, quoted);
      g_clear_pointer (&root, json_node_unref);
    }

out:
  g_hash_table_unref (watch.announced);
  g_free (watch.name);
  return root;
}

char *
gh_json_quote (const char *text)
{
  GString *out = g_string_new ("\"");
  guint n = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (n == 60)
        {
          g_string_append (out, "...");
          break;
        }
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\\ufffd");
          break;
        }
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

const char *
gh_json_node_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}
