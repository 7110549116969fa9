/* The member feed's JSON tokenizer (see the header for why it exists). A
 * recursive descent whose depth is bounded by max_depth, so the stack is too.
 * Refusals name the byte offset, never the text: a feed line is personal data.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-members"
#include "config.h"

#include <string.h>

#include "config/gh-json-limits.h"
#include "members/gh-json-tokens.h"

typedef struct {
  const char *text;
  gsize       length;
  gsize       at;
  guint       max_depth;
  GArray     *tokens;
  char       *message;
} Scanner;

static gboolean G_GNUC_PRINTF (2, 3)
fail (Scanner    *s,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  if (s->message != NULL)
    return FALSE;
  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  s->message = g_strdup_printf ("%s (at byte %" G_GSIZE_FORMAT ")", reason, s->at);
  return FALSE;
}

static void
skip_space (Scanner *s)
{
  while (s->at < s->length)
    {
      char c = s->text[s->at];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      s->at++;
    }
}

static gboolean
scan_string (Scanner     *s,
             GhJsonToken *token)
{
  s->at++;  /* the opening quote */
  token->kind = GH_JSON_STRING;
  token->start = s->at;
  token->escaped = FALSE;
  while (s->at < s->length)
    {
      guchar c = s->text[s->at];

      /* The common case first: a plain ASCII character. */
      if (G_LIKELY (c >= 0x20 && c < 0x80 && c != '"' && c != '\\'))
        {
          s->at++;
          continue;
        }
      if (c == '"')
        {
          token->end = s->at++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, c == 0 ? "a NUL byte inside a string" : "a control character inside a string");
      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (s->text + s->at, s->length - s->at);

          if (ch == (gunichar) -1 || ch == (gunichar) -2)
            return fail (s, "invalid UTF-8");
          s->at += g_utf8_skip[c];
          continue;
        }
      token->escaped = TRUE;
      if (s->at + 1 >= s->length)
        break;
      c = s->text[s->at + 1];
      if (strchr ("\"\\/bfnrt", c) != NULL)
        {
          s->at += 2;
          continue;
        }
      if (c != 'u' || s->at + 6 > s->length)
        return fail (s, "an invalid escape in a string");
      {
        int unit = gh_json_hex4 (s->text + s->at + 2, s->text + s->length);

        if (unit < 0)
          return fail (s, "an invalid \\u escape in a string");
        if (unit == 0)
          return fail (s, "a \\u0000 escape (a NUL character) in a string");
        if (unit >= 0xdc00 && unit <= 0xdfff)
          return fail (s, "an unpaired surrogate escape in a string");
        if (unit >= 0xd800 && unit <= 0xdbff)
          {
            int low = s->at + 12 <= s->length && s->text[s->at + 6] == '\\' &&
                      s->text[s->at + 7] == 'u'
                      ? gh_json_hex4 (s->text + s->at + 8, s->text + s->length) : -1;
            if (low < 0xdc00 || low > 0xdfff)
              return fail (s, "an unpaired surrogate escape in a string");
            s->at += 6;
          }
        s->at += 6;
      }
    }
  return fail (s, "a string without its closing quote");
}

static gboolean
scan_number (Scanner     *s,
             GhJsonToken *token)
{
  const char *t = s->text;
  gsize start = s->at;

  token->kind = GH_JSON_NUMBER;
  token->start = start;
  if (s->at < s->length && t[s->at] == '-')
    s->at++;
  if (s->at < s->length && t[s->at] == '0')
    s->at++;
  else if (s->at < s->length && t[s->at] >= '1' && t[s->at] <= '9')
    while (s->at < s->length && g_ascii_isdigit (t[s->at]))
      s->at++;
  else
    return fail (s, "not a JSON value");
  if (s->at < s->length && t[s->at] == '.')
    {
      s->at++;
      if (s->at >= s->length || !g_ascii_isdigit (t[s->at]))
        return fail (s, "a number without digits after its decimal point");
      while (s->at < s->length && g_ascii_isdigit (t[s->at]))
        s->at++;
    }
  if (s->at < s->length && (t[s->at] == 'e' || t[s->at] == 'E'))
    {
      s->at++;
      if (s->at < s->length && (t[s->at] == '+' || t[s->at] == '-'))
        s->at++;
      if (s->at >= s->length || !g_ascii_isdigit (t[s->at]))
        return fail (s, "a number without digits in its exponent");
      while (s->at < s->length && g_ascii_isdigit (t[s->at]))
        s->at++;
    }
  token->end = s->at;
  return TRUE;
}

static gboolean scan_value (Scanner *s, guint depth);

/* The keys of one object, checked for repeats: objects in a feed are small, so a
 * pairwise comparison beats a hash table. */
static gboolean
key_repeats (Scanner *s,
             guint    object)
{
  GhJsonToken *tokens = (GhJsonToken *) (gpointer) s->tokens->data;
  guint key = object + 1;

  for (guint i = 0; i < tokens[object].size; i++, key = tokens[key + 1].next)
    {
      guint other = object + 1;

      for (guint j = 0; j < i; j++, other = tokens[other + 1].next)
        {
          gboolean same;

          if (!tokens[key].escaped && !tokens[other].escaped)
            same = tokens[key].end - tokens[key].start == tokens[other].end - tokens[other].start &&
                   memcmp (s->text + tokens[key].start, s->text + tokens[other].start,
                           tokens[key].end - tokens[key].start) == 0;
          else
            {
              g_autofree char *a = gh_json_token_dup (s->text, &tokens[key]);
              g_autofree char *b = gh_json_token_dup (s->text, &tokens[other]);
              same = strcmp (a, b) == 0;
            }
          if (same)
            {
              g_autofree char *name = gh_json_token_dup (s->text, &tokens[key]);
              s->at = tokens[key].start;
              return !fail (s, "member \"%.40s\" appears more than once in an object", name);
            }
        }
    }
  return FALSE;
}

static gboolean
scan_container (Scanner *s,
                guint    depth,
                gboolean object)
{
  guint index = s->tokens->len;
  GhJsonToken token = { object ? GH_JSON_OBJECT : GH_JSON_ARRAY, s->at, 0, 0, 0, FALSE };
  char close = object ? '}' : ']';

  if (depth >= s->max_depth)
    return fail (s, "nested deeper than %u levels", s->max_depth);
  g_array_append_val (s->tokens, token);
  s->at++;
  skip_space (s);
  if (s->at < s->length && s->text[s->at] == close)
    s->at++;
  else
    for (;;)
      {
        if (object)
          {
            GhJsonToken key = { 0 };

            skip_space (s);
            if (s->at >= s->length || s->text[s->at] != '"')
              return fail (s, "expected a member name in quotes");
            if (!scan_string (s, &key))
              return FALSE;
            key.next = s->tokens->len + 1;
            g_array_append_val (s->tokens, key);
            skip_space (s);
            if (s->at >= s->length || s->text[s->at] != ':')
              return fail (s, "expected ':' after a member name");
            s->at++;
          }
        if (!scan_value (s, depth + 1))
          return FALSE;
        g_array_index (s->tokens, GhJsonToken, index).size++;
        skip_space (s);
        if (s->at < s->length && s->text[s->at] == ',')
          {
            s->at++;
            continue;
          }
        if (s->at < s->length && s->text[s->at] == close)
          {
            s->at++;
            break;
          }
        return fail (s, object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
  g_array_index (s->tokens, GhJsonToken, index).end = s->at;
  g_array_index (s->tokens, GhJsonToken, index).next = s->tokens->len;
  return !(object && key_repeats (s, index));
}

static gboolean
scan_literal (Scanner    *s,
              const char *word,
              GhJsonKind  kind)
{
  gsize n = strlen (word);
  GhJsonToken token = { kind, s->at, s->at + n, 0, 0, FALSE };

  if (s->at + n > s->length || memcmp (s->text + s->at, word, n) != 0)
    return fail (s, "not a JSON value");
  s->at += n;
  token.next = s->tokens->len + 1;
  g_array_append_val (s->tokens, token);
  return TRUE;
}

static gboolean
scan_value (Scanner *s,
            guint    depth)
{
  GhJsonToken token = { 0 };

  skip_space (s);
  if (s->at >= s->length)
    return fail (s, "the text ends where a value should be");
  switch (s->text[s->at])
    {
    case '{':
      return scan_container (s, depth, TRUE);
    case '[':
      return scan_container (s, depth, FALSE);
    case '"':
      if (!scan_string (s, &token))
        return FALSE;
      break;
    case 't':
      return scan_literal (s, "true", GH_JSON_TRUE);
    case 'f':
      return scan_literal (s, "false", GH_JSON_FALSE);
    case 'n':
      return scan_literal (s, "null", GH_JSON_NULL);
    default:
      if ((guchar) s->text[s->at] >= 0x80)
        return fail (s, "invalid UTF-8, or a character outside a string");
      if (!scan_number (s, &token))
        return FALSE;
      break;
    }
  token.next = s->tokens->len + 1;
  g_array_append_val (s->tokens, token);
  return TRUE;
}

gboolean
gh_json_tokenize (const char  *text,
                  gsize        length,
                  guint        max_depth,
                  GArray      *tokens,
                  char       **message)
{
  Scanner s = { text, length, 0, max_depth, tokens, NULL };

  /* UTF-8 is checked where it may appear, inside strings (scan_string); any other
   * byte outside the JSON syntax is refused by the grammar. */
  g_array_set_size (tokens, 0);
  if (scan_value (&s, 0))
    {
      skip_space (&s);
      if (s.at == length)
        return TRUE;
      fail (&s, "more text after the JSON value");
    }
  if (message != NULL)
    *message = s.message;
  else
    g_free (s.message);
  return FALSE;
}

char *
gh_json_token_dup (const char        *text,
                   const GhJsonToken *token)
{
  GString *out;

  if (token->kind != GH_JSON_STRING)
    return NULL;
  if (!token->escaped)
    return g_strndup (text + token->start, token->end - token->start);
  out = g_string_sized_new (token->end - token->start);
  for (guint i = token->start; i < token->end; i++)
    {
      char c = text[i];

      if (c != '\\')
        {
          g_string_append_c (out, c);
          continue;
        }
      c = text[++i];
      switch (c)
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar unit = gh_json_hex4 (text + i + 1, text + token->end);

            i += 4;
            /* The tokenizer accepted only paired surrogates. */
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                gunichar low = gh_json_hex4 (text + i + 3, text + token->end);
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                i += 6;
              }
            g_string_append_unichar (out, unit);
          }
          break;
        default:  /* " \ / */
          g_string_append_c (out, c);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

gboolean
gh_json_token_equal (const char        *text,
                     const GhJsonToken *token,
                     const char        *literal)
{
  g_autofree char *copy = NULL;

  if (token->kind != GH_JSON_STRING)
    return FALSE;
  if (!token->escaped)
    return strlen (literal) == token->end - token->start &&
           memcmp (text + token->start, literal, token->end - token->start) == 0;
  copy = gh_json_token_dup (text, token);
  return strcmp (copy, literal) == 0;
}

int
gh_json_object_get (const char *text,
                    GArray     *tokens,
                    guint       object,
                    const char *name)
{
  const GhJsonToken *all = (const GhJsonToken *) (gpointer) tokens->data;
  guint key = object + 1;

  g_return_val_if_fail (all[object].kind == GH_JSON_OBJECT, -1);
  for (guint i = 0; i < all[object].size; i++, key = all[key + 1].next)
    if (gh_json_token_equal (text, &all[key], name))
      return key + 1;
  return -1;
}

const char *
gh_json_kind_name (GhJsonKind kind)
{
  switch (kind)
    {
    case GH_JSON_OBJECT: return "an object";
    case GH_JSON_ARRAY:  return "an array";
    case GH_JSON_STRING: return "a string";
    case GH_JSON_NUMBER: return "a number";
    case GH_JSON_TRUE:
    case GH_JSON_FALSE:  return "a boolean";
    case GH_JSON_NULL:   return "null";
    }
  return "a value";
}
