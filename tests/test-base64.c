/* gh-base64: the strict codec of bundles, keys and tokens. Each variant gives
 * back what it encoded, and refuses every text that is not the one canonical
 * encoding: whitespace, stray or missing padding, the other alphabet, spare bits
 * set, more than the caller's limit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "config/gh-base64.h"

#include "gh-test-utils.h"

static void
test_round_trip (void)
{
  for (gsize length = 0; length < 70; length++)
    {
      g_autofree guint8 *data = g_malloc (MAX (length, 1));
      g_autofree char *standard = NULL;
      g_autofree char *url = NULL;
      g_autofree char *glib = NULL;
      g_autofree guint8 *back = NULL;
      gsize back_length = 0;

      for (gsize i = 0; i < length; i++)
        data[i] = (guint8) (i * 37 + 251);
      standard = gh_base64_encode (data, length, GH_BASE64_STANDARD);
      glib = g_base64_encode (data, length);
      /* What the kiosk key file and trust files were written with before. */
      g_assert_cmpstr (standard, ==, glib);
      back = gh_base64_decode (standard, strlen (standard), GH_BASE64_STANDARD, length,
                               &back_length);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, back_length, data, length);
      g_clear_pointer (&back, g_free);

      url = gh_base64_encode (data, length, GH_BASE64_URL);
      g_assert_null (strchr (url, '='));
      g_assert_null (strchr (url, '+'));
      g_assert_null (strchr (url, '/'));
      back = gh_base64_decode (url, strlen (url), GH_BASE64_URL, length, &back_length);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, back_length, data, length);
    }
}

static void
test_refused (void)
{
  static const struct {
    const char      *text;
    GhBase64Variant  variant;
  } bad[] = {
    { "AAAA AAAA", GH_BASE64_STANDARD },   /* whitespace */
    { "AAAA\nAAAA", GH_BASE64_STANDARD },
    { "AA", GH_BASE64_STANDARD },          /* padding missing */
    { "AA=A", GH_BASE64_STANDARD },        /* padding inside */
    { "AAA==", GH_BASE64_STANDARD },       /* too much padding */
    { "AB==", GH_BASE64_STANDARD },        /* spare bits set: "AA==" is the one encoding */
    { "-_AA", GH_BASE64_STANDARD },        /* the URL alphabet */
    { "+/AA", GH_BASE64_URL },             /* the standard alphabet */
    { "AA==", GH_BASE64_URL },             /* padding */
    { "A", GH_BASE64_URL },                /* one character holds no byte */
    { "AB", GH_BASE64_URL },               /* spare bits set */
    { "AAAA!", GH_BASE64_URL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gsize length = 99;

      if (gh_base64_decode (bad[i].text, strlen (bad[i].text), bad[i].variant, 64, &length) != NULL)
        gh_test_fail ("case %u: \"%s\" was accepted", i, bad[i].text);
      g_assert_cmpuint (length, ==, 0);
    }
}

static void
test_limit (void)
{
  g_autofree char *text = gh_base64_encode ((const guint8 *) "0123456789", 10, GH_BASE64_STANDARD);
  g_autofree guint8 *fits = NULL;
  gsize length = 0;

  g_assert_null (gh_base64_decode (text, strlen (text), GH_BASE64_STANDARD, 9, &length));
  fits = gh_base64_decode (text, strlen (text), GH_BASE64_STANDARD, 10, &length);
  g_assert_nonnull (fits);
  g_assert_cmpuint (length, ==, 10);
  /* An empty text is zero bytes, not a refusal: the callers check lengths. */
  g_clear_pointer (&fits, g_free);
  fits = gh_base64_decode ("", 0, GH_BASE64_STANDARD, 10, &length);
  g_assert_nonnull (fits);
  g_assert_cmpuint (length, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/base64/round-trip", test_round_trip);
  g_test_add_func ("/base64/refused", test_refused);
  g_test_add_func ("/base64/limit", test_limit);
  return g_test_run ();
}
