/* GhQr and its PNG writer: the follow-up URL fits a code that is easy to scan
 * (version <= 10 at ECC M), a real reader (zbarimg) decodes the PNG to exactly
 * the text, and text that cannot be a QR code is refused.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "receipts/gh-qr.h"
#include "receipts/gh-receipt.h"
#include "gh-test-utils.h"
#include "receipts/gh-token.h"

/* A follow-up URL as the kiosk makes it: the demo portal, a real signed token. */
static char *
realistic_url (const char *portal,
               const char *kiosk_id)
{
  static const guint8 seed[32] = { 7 };
  g_autoptr(GhKioskKeys) keys = gh_kiosk_keys_new_from_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  GhTokenClaims claims = { { 0 } };

  g_assert_true (gh_token_parse_receipt_id ("3b2e4f70-8c1d-4a9e-b6f5-0d7c8e9fa1b2", claims.receipt_id));
  claims.kiosk_id = (char *) kiosk_id;
  claims.kind = GH_RECEIPT_KIND_CONSENT;
  claims.expires_at = 1767225600;
  token = gh_token_encode (&claims, keys, &error);
  g_assert_no_error (error);
  return gh_receipt_build_follow_up_url (portal, token);
}

static void
test_matrix (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhQr) qr = gh_qr_new ("HELLO", &error);

  g_assert_no_error (error);
  g_assert_cmpint (gh_qr_get_version (qr), ==, 1);
  g_assert_cmpint (gh_qr_get_size (qr), ==, 21);
  g_assert_cmpstr (gh_qr_get_text (qr), ==, "HELLO");
  /* Finder patterns: dark corners top-left, top-right, bottom-left; the
   * separator beside them is light; outside the matrix is light. */
  g_assert_true (gh_qr_get_module (qr, 0, 0));
  g_assert_true (gh_qr_get_module (qr, 20, 0));
  g_assert_true (gh_qr_get_module (qr, 0, 20));
  g_assert_false (gh_qr_get_module (qr, 7, 0));
  g_assert_false (gh_qr_get_module (qr, 1, 1));
  g_assert_true (gh_qr_get_module (qr, 3, 3));
  g_assert_false (gh_qr_get_module (qr, -1, 0));
  g_assert_false (gh_qr_get_module (qr, 21, 5));
}

static void
test_follow_up_url_size (void)
{
  struct { const char *portal; const char *kiosk; } cases[] = {
    { "https://privacy.northwind.example", "kiosk-1a2b3c4d" },     /* demo portal, default id */
    { "https://privacy.northwind-outfitters.com", "riverside-kiosk-02" },
    { "https://privacy.example.com/portal/", "kiosk-1a2b3c4d" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = realistic_url (cases[i].portal, cases[i].kiosk);
      g_autoptr(GError) error = NULL;
      g_autoptr(GhQr) qr = gh_qr_new (url, &error);

      g_assert_no_error (error);
      g_test_message ("%s: %zu characters -> QR version %d, %d x %d modules (%d with quiet zone)",
                      url, strlen (url), gh_qr_get_version (qr), gh_qr_get_size (qr),
                      gh_qr_get_size (qr), gh_qr_get_size (qr) + 2 * GH_QR_QUIET_ZONE);
      /* Easy to scan at arm's length: version 10 (57 modules) or less. */
      g_assert_cmpint (gh_qr_get_version (qr), <=, 10);
      g_assert_cmpint (gh_qr_get_size (qr), ==, 17 + 4 * gh_qr_get_version (qr));
      g_assert_null (strstr (url, "//r/"));
    }
}

static void
test_png_decodes (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *url = realistic_url ("https://privacy.northwind.example", "kiosk-1a2b3c4d");
  g_autoptr(GError) error = NULL;
  g_autoptr(GhQr) qr = gh_qr_new (url, &error);

  g_assert_no_error (error);
  for (int scale = 2; scale <= 8; scale += 3)
    {
      g_autofree char *path = g_strdup_printf ("%s/code-%d.png", dir, scale);
      g_autofree char *decoded = NULL;
      g_autoptr(GBytes) png = gh_qr_to_png (qr, scale);
      const guint8 *data = g_bytes_get_data (png, NULL);
      int side = (gh_qr_get_size (qr) + 2 * GH_QR_QUIET_ZONE) * scale;

      g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
      g_assert_cmpint ((data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19], ==, side);
      g_assert_true (gh_qr_write_png (qr, path, scale, &error));
      g_assert_no_error (error);
      decoded = gh_test_zbar_decode (path);
      g_assert_cmpstr (decoded, ==, url);
    }
  gh_test_rmdir (dir);
}

static void
test_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (8000, 'x');
  g_autoptr(GhQr) qr = NULL;

  g_assert_null (gh_qr_new ("", &error));
  g_assert_error (error, GH_QR_ERROR, GH_QR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (gh_qr_new ("\xff\xfe not UTF-8", &error));
  g_assert_error (error, GH_QR_ERROR, GH_QR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (gh_qr_new (huge, &error));
  g_assert_error (error, GH_QR_ERROR, GH_QR_ERROR_TOO_LONG);
  g_clear_error (&error);

  qr = gh_qr_new ("x", &error);
  g_assert_no_error (error);
  g_assert_false (gh_qr_write_png (qr, "/nonexistent-dir/code.png", 4, &error));
  g_assert_error (error, GH_QR_ERROR, GH_QR_ERROR_IO);
}

static void
test_ctl_qr (void)
{
  g_autofree char *dir = gh_test_mkdtemp ();
  g_autofree char *png = g_build_filename (dir, "ctl.png", NULL);
  g_autofree char *url = realistic_url ("https://privacy.northwind.example", "kiosk-1a2b3c4d");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *huge = g_strnfill (8000, 'x');

  g_assert_cmpint (gh_test_run_ctl (&out, &err, "qr", url, "--png", png, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "QR version 9"));
  decoded = gh_test_zbar_decode (png);
  g_assert_cmpstr (decoded, ==, url);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "qr", url, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: --png"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "qr", url, "--png", png, "--scale", "0", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "qr", huge, "--png", png, NULL), ==, 3);
  g_assert_true (g_str_has_prefix (err, "glasshouse-ctl: error: QR code: 8000 bytes"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (gh_test_run_ctl (NULL, &err, "qr", url, "--png", "/nonexistent-dir/x.png", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "/nonexistent-dir/x.png"));
  gh_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/qr/matrix", test_matrix);
  g_test_add_func ("/qr/follow-up-url-size", test_follow_up_url_size);
  g_test_add_func ("/qr/png-decodes", test_png_decodes);
  g_test_add_func ("/qr/refuses", test_refuses);
  g_test_add_func ("/qr/ctl", test_ctl_qr);
  return g_test_run ();
}
