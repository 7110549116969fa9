/* Signed HQ configuration bundles (DESIGN.md "HQ configuration bundles"):
 * the envelope, Ed25519 signing and verification, HQ key pairs and the kiosk's
 * trust file. What a bundle's config says is GhCatalog's business; whether this
 * kiosk takes it (version, expiry, store) is GhConfig's.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "store/gh-file-read.h"

G_BEGIN_DECLS

#define GH_BUNDLE_ERROR (gh_bundle_error_quark ())
GQuark gh_bundle_error_quark (void);

typedef enum {
  GH_BUNDLE_ERROR_TOO_LARGE,    /* more than GH_BUNDLE_MAX_BYTES */
  GH_BUNDLE_ERROR_ENVELOPE,     /* not a glasshouse-bundle/1 envelope */
  GH_BUNDLE_ERROR_UNKNOWN_KEY,  /* signed with a key the trust file does not hold */
  GH_BUNDLE_ERROR_SIGNATURE,    /* the signature does not match the payload */
  GH_BUNDLE_ERROR_TRUST,        /* the trust file itself is unreadable or malformed */
  GH_BUNDLE_ERROR_KEY,          /* a key file is unreadable or malformed, or keygen failed */
  GH_BUNDLE_ERROR_IO,           /* the bundle file cannot be read */
} GhBundleError;

#define GH_BUNDLE_FORMAT    "glasshouse-bundle/1"
/* A bundle's bytes: base64 makes the config 4/3 larger, plus a small envelope. */
#define GH_BUNDLE_MAX_BYTES (16 * 1024 * 1024)

/* ---- the kiosk's trusted HQ keys ------------------------------------------ */

#define GH_TYPE_TRUST (gh_trust_get_type ())
G_DECLARE_FINAL_TYPE (GhTrust, gh_trust, GH, TRUST, GObject)

GhTrust      *gh_trust_new            (void);
/* A trust file: one key a line, "KEY_ID BASE64_PUBLIC_KEY"; '#' starts a comment.
 * Several keys let HQ rotate: bundles signed with either are accepted. */
GhTrust      *gh_trust_new_from_file  (const char    *path,
                                       GError       **error);
/* Adds the keys of another trust file (e.g. the demo key in --demo mode). */
gboolean      gh_trust_load_file      (GhTrust       *self,
                                       const char    *path,
                                       GError       **error);
gboolean      gh_trust_add_key        (GhTrust       *self,
                                       const char    *key_id,
                                       const guint8  *public_key,   /* 32 bytes */
                                       GError       **error);
guint         gh_trust_get_n_keys     (GhTrust       *self);
/* The 32-byte public key for @key_id, or NULL. */
const guint8 *gh_trust_lookup         (GhTrust       *self,
                                       const char    *key_id);

/* ---- HQ's side: key pairs and signing -------------------------------------- */

/* Writes PREFIX.key (the secret key, mode 0600, never overwritten) and PREFIX.pub
 * (a one-line trust file). @key_id NULL: the base name of @prefix. */
gboolean      gh_bundle_keygen        (const char    *prefix,
                                       const char    *key_id,
                                       GError       **error);
/* Reads a PREFIX.key file: its key id and 64-byte secret key. */
gboolean      gh_bundle_read_secret_key (const char  *path,
                                         char       **key_id,
                                         guint8      *secret_key,  /* 64 bytes */
                                         GError     **error);
/* The envelope for @config (any bytes: checking them is the kiosk's job). */
GBytes       *gh_bundle_sign_with_key (GBytes        *config,
                                       const char    *key_id,
                                       const guint8  *secret_key,
                                       GError       **error);
GBytes       *gh_bundle_sign          (GBytes        *config,
                                       const char    *key_path,
                                       GError       **error);

/* ---- the kiosk's side: a verified bundle ------------------------------------ */

#define GH_TYPE_BUNDLE (gh_bundle_get_type ())
G_DECLARE_FINAL_TYPE (GhBundle, gh_bundle, GH, BUNDLE, GObject)

/* Reads a bundle file with gh_file_read_bounded (@flags: whether a link is followed,
 * whether the file must be the user's own), refusing one larger than
 * GH_BUNDLE_MAX_BYTES while reading it (GH_BUNDLE_ERROR_TOO_LARGE); any other
 * refusal is GH_BUNDLE_ERROR_IO. */
GBytes       *gh_bundle_read_file     (const char      *path,
                                       GhFileReadFlags  flags,
                                       GError         **error);
/* Checks, in order: size, envelope, key, signature. The config inside is not
 * looked at. Errors say "<path>: <reason>", e.g. "bundle.signature: ...". */
GhBundle     *gh_bundle_open          (GBytes        *bundle,
                                       GhTrust       *trust,
                                       GError       **error);
const char   *gh_bundle_get_key_id    (GhBundle      *self);
/* The config JSON bytes the signature covers. */
GBytes       *gh_bundle_get_payload   (GhBundle      *self);
/* The signature as it appears in the envelope (base64). */
const char   *gh_bundle_get_signature (GhBundle      *self);

G_END_DECLS
