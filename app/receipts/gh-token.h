/* Follow-up tokens: a signed, expiring reference to a receipt, carried in the
 * QR code as portal_url + "/r/" + token. No personal data: anyone behind the
 * shopper can photograph the screen. The format is in docs/receipts.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "receipts/gh-kiosk-keys.h"

G_BEGIN_DECLS

#define GH_TOKEN_ERROR (gh_token_error_quark ())
GQuark gh_token_error_quark (void);

typedef enum {
  GH_TOKEN_ERROR_MALFORMED,    /* not a token of a format this code knows */
  GH_TOKEN_ERROR_UNKNOWN_KEY,  /* the trust file has no key for the token's kiosk */
  GH_TOKEN_ERROR_TAMPERED,     /* the signature does not match: altered, or signed by another key */
  GH_TOKEN_ERROR_EXPIRED,
  GH_TOKEN_ERROR_INVALID,      /* claims that cannot be put in a token (encoding side) */
  GH_TOKEN_ERROR_TRUST,        /* the trust file cannot be read or has a bad line */
} GhTokenError;

/* What a receipt records; also the token's kind byte, so the numbers are fixed. */
typedef enum {
  GH_RECEIPT_KIND_CONSENT = 1,  /* a visit that changed consent */
  GH_RECEIPT_KIND_ERASURE = 2,  /* a request to be forgotten */
  GH_RECEIPT_KIND_ACCESS  = 3,  /* "send me a copy of my data" (Art. 15/20) */
} GhReceiptKind;

const char *gh_receipt_kind_to_string   (GhReceiptKind  kind);
gboolean    gh_receipt_kind_from_string (const char    *text,
                                         GhReceiptKind *out);

#define GH_TOKEN_RECEIPT_ID_BYTES 16
#define GH_TOKEN_KIOSK_ID_MAX     32

typedef struct {
  guint8         receipt_id[GH_TOKEN_RECEIPT_ID_BYTES];
  char          *kiosk_id;
  GhReceiptKind  kind;
  gint64         expires_at;  /* unix seconds */
} GhTokenClaims;

void gh_token_claims_free (GhTokenClaims *claims);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhTokenClaims, gh_token_claims_free)

/* Receipt ids are random UUIDs; the token carries their 16 bytes. */
char       *gh_token_format_receipt_id  (const guint8  id[GH_TOKEN_RECEIPT_ID_BYTES]);
gboolean    gh_token_parse_receipt_id   (const char    *text,
                                         guint8         id[GH_TOKEN_RECEIPT_ID_BYTES]);

/* Kiosk ids a token can carry: 1-32 of A-Z a-z 0-9 . _ - (they also name the
 * kiosk in HQ's trust file, one "ID BASE64" per line). */
gboolean    gh_token_kiosk_id_is_valid  (const char    *kiosk_id);

/* The base64url token (no padding) for @claims, signed by @keys. */
char       *gh_token_encode             (const GhTokenClaims  *claims,
                                         GhKioskKeys          *keys,
                                         GError              **error);

/* Public keys a verifier trusts: "ID BASE64" lines, '#' comments, blank lines.
 * An id may appear more than once (a kiosk whose key was replaced). */
typedef struct _GhTokenTrust GhTokenTrust;

GhTokenTrust *gh_token_trust_new        (void);
GhTokenTrust *gh_token_trust_load       (const char    *path,
                                         GError       **error);
gboolean      gh_token_trust_parse      (GhTokenTrust  *trust,
                                         const char    *text,
                                         const char    *where,
                                         GError       **error);
void          gh_token_trust_add        (GhTokenTrust  *trust,
                                         const char    *kiosk_id,
                                         const guint8   public_key[32]);
void          gh_token_trust_free       (GhTokenTrust  *trust);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhTokenTrust, gh_token_trust_free)

/* Decodes and checks @token: format, key, signature, then expiry against
 * @now (unix seconds). Any failure returns NULL with a GH_TOKEN_ERROR that
 * says which check refused it. */
GhTokenClaims *gh_token_verify          (const char    *token,
                                         GhTokenTrust  *trust,
                                         gint64         now,
                                         GError       **error);

/* The 8-character code a shopper types when the camera fails: Crockford
 * base32 of the token's SHA-256, shown as "ABCD-2345". The portal looks it up
 * (receipt.issued events carry it) and accepts it with or without the dash,
 * in any case, with O read as 0 and I/L as 1. */
char       *gh_token_short_code         (const char    *token);
/* The canonical form of what a person typed, or NULL when it cannot be a code. */
char       *gh_token_normalize_short_code (const char  *typed);

G_END_DECLS
