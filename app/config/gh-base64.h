/* Strict base64 for everything the kiosk signs or trusts: bundles, trust and key
 * files (the standard alphabet, padded) and receipt tokens (the URL-safe alphabet,
 * unpadded). Strict: one encoding per byte string, nothing skipped.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  GH_BASE64_STANDARD,  /* A-Z a-z 0-9 + /, padded with '=' */
  GH_BASE64_URL,       /* A-Z a-z 0-9 - _, no padding */
} GhBase64Variant;

/* A NUL-terminated encoding of @data. */
char   *gh_base64_encode (const guint8     *data,
                          gsize             length,
                          GhBase64Variant   variant);

/* The bytes @text (@text_length bytes of it) encodes, at most @max_bytes of them;
 * NULL for anything but the one canonical encoding in @variant: a character
 * outside the alphabet (whitespace included), wrong or missing padding, spare bits
 * that are not zero, or more than @max_bytes. An empty @text is zero bytes. The
 * result is g_malloc'd (a caller holding a secret wipes it before g_free). */
guint8 *gh_base64_decode (const char       *text,
                          gsize             text_length,
                          GhBase64Variant   variant,
                          gsize             max_bytes,
                          gsize            *length);

G_END_DECLS
