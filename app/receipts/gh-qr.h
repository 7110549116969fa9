/* GhQr: a QR code's module matrix, from libqrencode, with no GTK in sight.
 * The UI paints it (GhQrPaintable); glasshouse-ctl writes it as a PNG.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GH_QR_ERROR (gh_qr_error_quark ())
GQuark gh_qr_error_quark (void);

typedef enum {
  GH_QR_ERROR_TOO_LONG,   /* the text does not fit a version 40 code at ECC level M */
  GH_QR_ERROR_INVALID,    /* empty text, or not UTF-8 */
  GH_QR_ERROR_IO,         /* writing the PNG failed */
} GhQrError;

/* The quiet zone every reader expects around the code, in modules. */
#define GH_QR_QUIET_ZONE 4

#define GH_TYPE_QR (gh_qr_get_type ())
G_DECLARE_FINAL_TYPE (GhQr, gh_qr, GH, QR, GObject)

/* Encodes @text at error-correction level M (15 %: survives glare and a
 * smudged screen) in the smallest version that holds it. Immutable. */
GhQr       *gh_qr_new            (const char  *text,
                                  GError     **error);
const char *gh_qr_get_text       (GhQr        *self);
int         gh_qr_get_version    (GhQr        *self);
/* Modules per side, without the quiet zone (21 for version 1, +4 per version). */
int         gh_qr_get_size       (GhQr        *self);
/* TRUE for a dark module. Out of range (e.g. the quiet zone) is light. */
gboolean    gh_qr_get_module     (GhQr        *self,
                                  int          x,
                                  int          y);

/* A 1-bit greyscale PNG, @scale pixels per module, with the quiet zone. */
GBytes     *gh_qr_to_png         (GhQr        *self,
                                  int          scale);
gboolean    gh_qr_write_png      (GhQr        *self,
                                  const char  *path,
                                  int          scale,
                                  GError     **error);

G_END_DECLS
