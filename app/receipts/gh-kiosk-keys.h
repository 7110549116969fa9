/* The kiosk's own Ed25519 key pair, which signs follow-up tokens. The secret
 * key lives in a file beside the store ("<db>.kiosk.key", owner-only), never
 * in the database: the database is exported and backed up.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "store/gh-store.h"

G_BEGIN_DECLS

#define GH_KIOSK_KEYS_ERROR (gh_kiosk_keys_error_quark ())
GQuark gh_kiosk_keys_error_quark (void);

typedef enum {
  GH_KIOSK_KEYS_ERROR_MISSING,      /* no key file (glasshouse-ctl init creates it) */
  GH_KIOSK_KEYS_ERROR_PERMISSIONS,  /* readable by group or others, or not ours */
  GH_KIOSK_KEYS_ERROR_DAMAGED,      /* not a key file, or the key inside is broken */
  GH_KIOSK_KEYS_ERROR_MISMATCH,     /* the file's key is not the one this store recorded */
  GH_KIOSK_KEYS_ERROR_IO,
} GhKioskKeysError;

#define GH_KIOSK_PUBLIC_KEY_BYTES 32
#define GH_KIOSK_SIGNATURE_BYTES  64

/* A loaded key pair. The secret is kept in guarded memory and wiped on free. */
typedef struct _GhKioskKeys GhKioskKeys;

/* Creates the key file when there is none (and records the public key in the
 * store's meta table as "kiosk_pubkey"); otherwise checks that the file is
 * owner-only, intact and belongs to this store. Called by glasshouse-ctl init. */
gboolean      gh_kiosk_keys_ensure              (GhStore       *store,
                                                 GError       **error);
/* Loads the key pair for signing; refuses a group- or world-readable file. */
GhKioskKeys  *gh_kiosk_keys_load                (GhStore       *store,
                                                 GError       **error);
/* "<db>.kiosk.key" for @store. */
char         *gh_kiosk_keys_path_for_store      (GhStore       *store);

/* For tests and tools: a key pair from a 32-byte seed. */
GhKioskKeys  *gh_kiosk_keys_new_from_seed       (const guint8   seed[32]);
void          gh_kiosk_keys_free                (GhKioskKeys   *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GhKioskKeys, gh_kiosk_keys_free)

const guint8 *gh_kiosk_keys_get_public_key      (GhKioskKeys   *keys);
/* Standard base64, as HQ's trust file takes it. */
char         *gh_kiosk_keys_get_public_base64   (GhKioskKeys   *keys);
void          gh_kiosk_keys_sign                (GhKioskKeys   *keys,
                                                 const guint8  *message,
                                                 gsize          length,
                                                 guint8         signature[GH_KIOSK_SIGNATURE_BYTES]);

G_END_DECLS
