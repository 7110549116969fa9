/* glasshouse-ctl subcommands for follow-up on the phone: "kiosk pubkey" (the
 * line HQ's portal trust file takes), "receipt verify" (the reference
 * verifier for HQ's portal: what a token says, and whether to believe it) and
 * "qr" (a QR code as PNG, to check what the kiosk shows).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "receipts/gh-kiosk-keys.h"
#include "receipts/gh-qr.h"
#include "receipts/gh-receipt.h"
#include "receipts/gh-token.h"

int
gh_ctl_kiosk_pubkey (int    argc,
                     char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autoptr(GhStore) store = NULL;
  g_autoptr(GhKioskKeys) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_key = NULL;

  if (!gh_ctl_parse (&argc, &argv, "kiosk pubkey", NULL, FALSE, 0, &common))
    return GH_CTL_EXIT_USAGE;
  if ((store = gh_ctl_open_store (&common, FALSE, &error)) == NULL ||
      (keys = gh_kiosk_keys_load (store, &error)) == NULL)
    return gh_ctl_fail (error);

  if (!gh_token_kiosk_id_is_valid (gh_store_get_kiosk_id (store)))
    {
      g_set_error (&error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "kiosk id \"%s\" cannot sign follow-up tokens (1-%d of A-Z a-z 0-9 . _ -); "
                   "rename it with: glasshouse-ctl init --kiosk-id ID",
                   gh_store_get_kiosk_id (store), GH_TOKEN_KIOSK_ID_MAX);
      return gh_ctl_fail (error);
    }
  public_key = gh_kiosk_keys_get_public_base64 (keys);
  printf ("%s %s\n", gh_store_get_kiosk_id (store), public_key);
  return GH_CTL_EXIT_OK;
}

/* A token as typed, or the whole follow-up URL a phone scanned. */
static const char *
token_from_argument (const char *argument)
{
  const char *slash_r = g_strrstr (argument, "/r/");

  return slash_r != NULL ? slash_r + strlen ("/r/") : argument;
}

static JsonNode *
claims_to_json (const GhTokenClaims *claims,
                const char          *receipt_id,
                const char          *expires,
                const char          *short_code,
                JsonNode            *stored)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "receipt_id");
  json_builder_add_string_value (builder, receipt_id);
  json_builder_set_member_name (builder, "kiosk_id");
  json_builder_add_string_value (builder, claims->kiosk_id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, gh_receipt_kind_to_string (claims->kind));
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires);
  json_builder_set_member_name (builder, "short_code");
  json_builder_add_string_value (builder, short_code);
  if (stored != NULL)
    {
      json_builder_set_member_name (builder, "receipt");
      json_builder_add_value (builder, json_node_copy (stored));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* With --db: the receipt the token names, from the kiosk that issued it.
 * A valid token naming a receipt this store does not hold is refused: the
 * portal would have nothing to show. */
static GhReceipt *
load_stored (GhCtlCommon          *common,
             const GhTokenClaims  *claims,
             const char           *receipt_id,
             GError              **error)
{
  g_autoptr(GhStore) store = gh_ctl_open_store (common, FALSE, error);
  g_autoptr(GhReceipt) receipt = NULL;

  if (store == NULL)
    return NULL;
  if (!g_str_equal (gh_store_get_kiosk_id (store), claims->kiosk_id))
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "%s: this store is kiosk \"%s\"; the token was issued by kiosk \"%s\"",
                   gh_store_get_path (store), gh_store_get_kiosk_id (store), claims->kiosk_id);
      return NULL;
    }
  receipt = gh_receipt_load (store, receipt_id, error);
  if (receipt == NULL)
    return NULL;
  if (gh_receipt_get_kind (receipt) != claims->kind ||
      gh_receipt_get_expires_at (receipt) != claims->expires_at)
    {
      g_set_error (error, GH_CTL_ERROR, GH_CTL_ERROR_REJECTED,
                   "%s: receipt %s is stored as %s expiring at %" G_GINT64_FORMAT
                   ", but the token says %s expiring at %" G_GINT64_FORMAT,
                   gh_store_get_path (store), receipt_id,
                   gh_receipt_kind_to_string (gh_receipt_get_kind (receipt)),
                   gh_receipt_get_expires_at (receipt),
                   gh_receipt_kind_to_string (claims->kind), claims->expires_at);
      return NULL;
    }
  return g_steal_pointer (&receipt);
}

int
gh_ctl_receipt_verify (int    argc,
                       char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *trust_path = NULL;
  g_autoptr(GhTokenTrust) trust = NULL;
  g_autoptr(GhTokenClaims) claims = NULL;
  g_autoptr(GhReceipt) receipt = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expires_at = NULL;
  g_autofree char *receipt_id = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *short_code = NULL;
  const char *token;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_path,
      "Trusted kiosk keys, one \"KIOSK_ID BASE64\" per line", "PUBFILE" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "receipt verify --trust PUBFILE TOKEN [--db PATH] [--json]",
                     entries, TRUE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  if (trust_path == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: --trust PUBFILE is required "
               "(usage: glasshouse-ctl receipt verify --trust PUBFILE TOKEN)\n");
      return GH_CTL_EXIT_USAGE;
    }

  token = token_from_argument (argv[1]);
  if ((trust = gh_token_trust_load (trust_path, &error)) == NULL ||
      (claims = gh_token_verify (token, trust, now, &error)) == NULL)
    return gh_ctl_fail (error);

  receipt_id = gh_token_format_receipt_id (claims->receipt_id);
  expires_at = g_date_time_new_from_unix_utc (claims->expires_at);
  expires = g_date_time_format (expires_at, "%Y-%m-%dT%H:%M:%SZ");
  short_code = gh_token_short_code (token);

  /* Only an explicit --db: the verifier at HQ has no kiosk store to look in. */
  if (common.db_path != NULL)
    {
      receipt = load_stored (&common, claims, receipt_id, &error);
      if (receipt == NULL)
        return gh_ctl_fail (error);
      stored = json_from_string (gh_receipt_get_body (receipt), NULL);
    }

  if (common.json)
    {
      g_autoptr(JsonNode) node = claims_to_json (claims, receipt_id, expires, short_code, stored);
      gh_ctl_print_json (node);
      return GH_CTL_EXIT_OK;
    }

  printf ("token valid: signed by kiosk %s\n", claims->kiosk_id);
  printf ("receipt     %s\n", receipt_id);
  printf ("kiosk       %s\n", claims->kiosk_id);
  printf ("kind        %s\n", gh_receipt_kind_to_string (claims->kind));
  printf ("expires     %s (in %" G_GINT64_FORMAT " days)\n", expires,
          (claims->expires_at - now) / 86400);
  printf ("short code  %s\n", short_code);
  if (stored != NULL)
    {
      g_autofree char *pretty = json_to_string (stored, TRUE);
      printf ("stored receipt (created %s):\n%s\n", gh_receipt_get_created_at (receipt), pretty);
    }
  return GH_CTL_EXIT_OK;
}

int
gh_ctl_qr (int    argc,
           char **argv)
{
  g_auto(GhCtlCommon) common = { 0 };
  g_autofree char *png_path = NULL;
  g_autoptr(GhQr) qr = NULL;
  g_autoptr(GError) error = NULL;
  int scale = 8, side;
  GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_path, "Write the code here", "FILE" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Pixels per module (default 8)", "N" },
    { NULL }
  };

  if (!gh_ctl_parse (&argc, &argv, "qr TEXT --png FILE [--scale N]", entries, FALSE, 1, &common))
    return GH_CTL_EXIT_USAGE;
  if (png_path == NULL)
    {
      fprintf (stderr, "glasshouse-ctl: error: --png FILE is required "
               "(usage: glasshouse-ctl qr TEXT --png FILE)\n");
      return GH_CTL_EXIT_USAGE;
    }
  if (scale < 1 || scale > 64)
    {
      fprintf (stderr, "glasshouse-ctl: error: --scale %d must be 1 to 64\n", scale);
      return GH_CTL_EXIT_USAGE;
    }

  if ((qr = gh_qr_new (argv[1], &error)) == NULL ||
      !gh_qr_write_png (qr, png_path, scale, &error))
    return gh_ctl_fail (error);

  side = gh_qr_get_size (qr) + 2 * GH_QR_QUIET_ZONE;
  printf ("%s: QR version %d, ECC M, %d x %d modules (%d with the quiet zone), %d x %d px\n",
          png_path, gh_qr_get_version (qr), gh_qr_get_size (qr), gh_qr_get_size (qr), side,
          side * scale, side * scale);
  return GH_CTL_EXIT_OK;
}
