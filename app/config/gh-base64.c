/* The one base64 codec: libsodium's, whose decoder refuses what g_base64_decode
 * would skip or guess at, so two different texts never mean the same key,
 * signature, payload or token.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include "config/gh-base64.h"

#include <sodium.h>

static int
sodium_variant (GhBase64Variant variant)
{
  return variant == GH_BASE64_URL ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                                  : sodium_base64_VARIANT_ORIGINAL;
}

char *
gh_base64_encode (const guint8    *data,
                  gsize            length,
                  GhBase64Variant  variant)
{
  gsize size = sodium_base64_ENCODED_LEN (length, sodium_variant (variant));
  char *text = g_malloc (size);

  sodium_bin2base64 (text, size, data, length, sodium_variant (variant));
  return text;
}

guint8 *
gh_base64_decode (const char      *text,
                  gsize            text_length,
                  GhBase64Variant  variant,
                  gsize            max_bytes,
                  gsize           *length)
{
  /* Room for what @text could hold, never more than @max_bytes: sodium refuses
   * a text that decodes to more than the room it is given. */
  gsize capacity = MIN (text_length / 4 * 3 + 3, max_bytes);
  g_autofree guint8 *bin = NULL;
  const char *end = NULL;
  size_t bin_length = 0;

  g_return_val_if_fail (text != NULL && length != NULL, NULL);

  *length = 0;
  bin = g_malloc (MAX (capacity, 1));
  /* No characters to ignore (NULL), and the whole text must be consumed. */
  if (sodium_base642bin (bin, capacity, text, text_length, NULL, &bin_length, &end,
                         sodium_variant (variant)) != 0
      || end != text + text_length)
    {
      sodium_memzero (bin, MAX (capacity, 1));
      return NULL;
    }
  *length = bin_length;
  return g_steal_pointer (&bin);
}
