/* A strict JSON reader (RFC 8259) for data items' attributes, built for offer
 * rules: json-glib's parser costs more than a whole rule evaluation may. It
 * keeps the top-level object's members and the scalar members of its arrays,
 * checks the rest only for validity, and puts what it keeps in an arena that
 * is freed at once with the reader.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-offers"
#include "config.h"

#include "offers/gh-attribute-reader.h"

#include <string.h>

struct _GhAttributeReader {
  GPtrArray *blocks;      /* the arena: members, elements and strings */
  guint8    *free_space;
  gsize      n_free;
  GArray    *members;     /* scratch: the object being read */
  GArray    *elements;    /* scratch: the array being read */
  GString   *scratch;     /* scratch: a string being unescaped */
};

GhAttributeReader *
gh_attribute_reader_new (void)
{
  GhAttributeReader *self = g_new0 (GhAttributeReader, 1);

  self->blocks = g_ptr_array_new_with_free_func (g_free);
  self->members = g_array_sized_new (FALSE, TRUE, sizeof (GhAttributeMember), 16);
  self->elements = g_array_sized_new (FALSE, TRUE, sizeof (GhAttributeValue), 16);
  self->scratch = g_string_sized_new (64);
  return self;
}

void
gh_attribute_reader_free (GhAttributeReader *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->blocks);
  g_array_unref (self->members);
  g_array_unref (self->elements);
  g_string_free (self->scratch, TRUE);
  g_free (self);
}

/* Everything read from one shopper's items is freed at once, so it comes from
 * a bump allocator rather than a malloc per member and string. */
#define ARENA_BLOCK 16384

gpointer
gh_attribute_reader_alloc (GhAttributeReader *self,
                           gsize              size)
{
  gpointer memory;

  size = (size + 7) & ~(gsize) 7;
  if (size > self->n_free)
    {
      gsize block = MAX (size, ARENA_BLOCK);

      self->free_space = g_malloc (block);
      self->n_free = block;
      g_ptr_array_add (self->blocks, self->free_space);
    }
  memory = self->free_space;
  self->free_space += size;
  self->n_free -= size;
  return memory;
}

char *
gh_attribute_reader_strndup (GhAttributeReader *self,
                             const char        *text,
                             gsize              length)
{
  char *copy = gh_attribute_reader_alloc (self, length + 1);

  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

static gpointer
arena_copy (GhAttributeReader *self,
            gconstpointer      data,
            gsize              size)
{
  gpointer copy = gh_attribute_reader_alloc (self, MAX (size, 1));

  memcpy (copy, data, size);
  return copy;
}

/* The reader */

#define MAX_DEPTH 64

typedef struct {
  GhAttributeReader *owner;
  const char        *p;
  int                depth;
} Reader;

static void
skip_space (Reader *reader)
{
  while (*reader->p == ' ' || *reader->p == '\t' || *reader->p == '\n' || *reader->p == '\r')
    reader->p++;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Reader   *reader,
           gunichar *out)
{
  *out = 0;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (reader->p[i]);

      if (digit < 0)
        return FALSE;
      *out = (*out << 4) | (gunichar) digit;
    }
  reader->p += 4;
  return TRUE;
}

/* At the opening quote. Stores the string in the owner's chunk when @out is not NULL. */
static gboolean
read_string (Reader  *reader,
             char   **out)
{
  const char *start = ++reader->p;
  GString *text = NULL;
  guchar high = 0;

  for (;;)
    {
      guchar c = (guchar) *reader->p;

      if (c == '"')
        break;
      if (c < 0x20)
        return FALSE;  /* a control character, or the end of the text */
      if (c != '\\')
        {
          high |= c;
          reader->p++;
          continue;
        }
      /* An escape: from here on the string is built in the scratch buffer. */
      if (text == NULL)
        {
          text = reader->owner->scratch;
          g_string_truncate (text, 0);
        }
      g_string_append_len (text, start, reader->p - start);
      reader->p++;
      switch (*reader->p)
        {
        case '"': g_string_append_c (text, '"'); break;
        case '\\': g_string_append_c (text, '\\'); break;
        case '/': g_string_append_c (text, '/'); break;
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        case 'u':
          {
            gunichar code, low;

            reader->p++;
            if (!read_hex4 (reader, &code))
              return FALSE;
            if (code >= 0xD800 && code < 0xDC00)
              {
                if (reader->p[0] != '\\' || reader->p[1] != 'u')
                  return FALSE;
                reader->p += 2;
                if (!read_hex4 (reader, &low) || low < 0xDC00 || low > 0xDFFF)
                  return FALSE;
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (code >= 0xDC00 && code <= 0xDFFF)
              return FALSE;
            if (code == 0)
              return FALSE;  /* would cut the C string short */
            g_string_append_unichar (text, code);
            start = reader->p;
            continue;
          }
        default:
          return FALSE;
        }
      start = ++reader->p;
    }

  if (text != NULL)
    g_string_append_len (text, start, reader->p - start);
  reader->p++;
  /* Plain ASCII needs no UTF-8 check; escapes only ever add valid UTF-8. */
  if ((high & 0x80) != 0 && (text != NULL ? !g_utf8_validate (text->str, text->len, NULL)
                                          : !g_utf8_validate (start, reader->p - 1 - start, NULL)))
    return FALSE;
  if (out != NULL)
    *out = text != NULL ? gh_attribute_reader_strndup (reader->owner, text->str, text->len)
                        : gh_attribute_reader_strndup (reader->owner, start, reader->p - 1 - start);
  return TRUE;
}

static gboolean
read_number (Reader *reader,
             double *out)
{
  const char *start = reader->p;
  const char *p = reader->p;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  /* Most attribute numbers are small integers: skip strtod's locale-independent copy. */
  if (p - start <= 15 && memchr (start, '.', p - start) == NULL &&
      memchr (start, 'e', p - start) == NULL && memchr (start, 'E', p - start) == NULL)
    {
      gint64 value = 0;

      for (const char *d = *start == '-' ? start + 1 : start; d < p; d++)
        value = value * 10 + (*d - '0');
      *out = *start == '-' ? (double) -value : (double) value;
    }
  else
    *out = g_ascii_strtod (start, NULL);
  reader->p = p;
  return TRUE;
}

static gboolean read_value (Reader *reader, GhAttributeValue *out, gboolean keep);

static gboolean
read_array (Reader           *reader,
            GhAttributeValue *out,
            gboolean          keep)
{
  GArray *elements = keep ? reader->owner->elements : NULL;

  /* Kept arrays hang directly off the top-level object and hold no kept arrays
   * themselves, so one scratch array serves them all. */
  if (keep)
    g_array_set_size (elements, 0);
  reader->p++;
  skip_space (reader);
  if (*reader->p != ']')
    for (;;)
      {
        GhAttributeValue element = { 0 };

        skip_space (reader);
        /* Only scalars inside a kept array matter ("contains"): deeper arrays are
         * checked, not kept. */
        if (!read_value (reader, &element, keep && *reader->p != '['))
          return FALSE;
        if (keep)
          g_array_append_val (elements, element);
        skip_space (reader);
        if (*reader->p == ']')
          break;
        if (*reader->p != ',')
          return FALSE;
        reader->p++;
      }
  reader->p++;
  out->kind = GH_ATTRIBUTE_ARRAY;
  if (keep && elements->len > 0)
    {
      out->n_elements = elements->len;
      out->elements = arena_copy (reader->owner, elements->data,
                                  sizeof (GhAttributeValue) * elements->len);
    }
  return TRUE;
}

/* At the opening brace. Keeps the members in @members when it is not NULL. */
static gboolean
read_object (Reader *reader,
             GArray *members)
{
  reader->p++;
  skip_space (reader);
  if (*reader->p == '}')
    {
      reader->p++;
      return TRUE;
    }
  for (;;)
    {
      GhAttributeMember member = { 0 };
      char *key = NULL;

      skip_space (reader);
      if (*reader->p != '"' || !read_string (reader, members != NULL ? &key : NULL))
        return FALSE;
      skip_space (reader);
      if (*reader->p != ':')
        return FALSE;
      reader->p++;
      skip_space (reader);
      if (!read_value (reader, &member.value, members != NULL))
        return FALSE;
      if (members != NULL)
        {
          member.key = key;
          g_array_append_val (members, member);
        }
      skip_space (reader);
      if (*reader->p == '}')
        break;
      if (*reader->p != ',')
        return FALSE;
      reader->p++;
    }
  reader->p++;
  return TRUE;
}

static gboolean
read_value (Reader           *reader,
            GhAttributeValue *out,
            gboolean          keep)
{
  gboolean ok;

  switch (*reader->p)
    {
    case '"':
      out->kind = GH_ATTRIBUTE_STRING;
      return read_string (reader, keep ? &out->string : NULL);
    case 't':
      out->kind = GH_ATTRIBUTE_BOOLEAN;
      out->boolean = TRUE;
      return strncmp (reader->p, "true", 4) == 0 && (reader->p += 4);
    case 'f':
      out->kind = GH_ATTRIBUTE_BOOLEAN;
      return strncmp (reader->p, "false", 5) == 0 && (reader->p += 5);
    case 'n':
      out->kind = GH_ATTRIBUTE_NULL;
      return strncmp (reader->p, "null", 4) == 0 && (reader->p += 4);
    case '[':
    case '{':
      if (++reader->depth > MAX_DEPTH)
        return FALSE;
      if (*reader->p == '[')
        ok = read_array (reader, out, keep);
      else
        {
          out->kind = GH_ATTRIBUTE_OBJECT;
          ok = read_object (reader, NULL);
        }
      reader->depth--;
      return ok;
    default:
      out->kind = GH_ATTRIBUTE_NUMBER;
      return read_number (reader, &out->number);
    }
}


gboolean
gh_attribute_reader_read_object (GhAttributeReader        *self,
                                 const char               *text,
                                 const GhAttributeMember **members,
                                 guint                    *n_members)
{
  GArray *kept = self->members;
  Reader reader = { self, text, 1 };

  g_array_set_size (kept, 0);
  if (reader.p == NULL)
    return FALSE;
  skip_space (&reader);
  if (*reader.p != '{' || !read_object (&reader, kept))
    return FALSE;
  skip_space (&reader);
  if (*reader.p != '\0')
    return FALSE;
  *n_members = kept->len;
  *members = arena_copy (self, kept->data, sizeof (GhAttributeMember) * kept->len);
  return TRUE;
}
