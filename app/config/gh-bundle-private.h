/* What the envelope (gh-bundle.c) and the keys (gh-bundle-keys.c) share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-bundle.h"

G_BEGIN_DECLS

/* FALSE, with a GH_BUNDLE_ERROR_KEY, if libsodium cannot be initialised. */
gboolean  _gh_bundle_ensure_sodium (GError     **error);

/* Strict standard base64 (gh-base64.c) of at most @max_bytes, or NULL. */
GBytes   *_gh_bundle_decode_base64 (const char  *text,
                                    gsize        max_bytes);

G_END_DECLS
