/* GhQrPaintable: a QR code as a GdkPaintable, crisp at any size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "receipts/gh-qr.h"

G_BEGIN_DECLS

/* Pixels per module at the intrinsic size: the smallest a phone at arm's
 * length reads reliably from a kiosk screen. */
#define GH_QR_PAINTABLE_MIN_MODULE_PX 4

#define GH_TYPE_QR_PAINTABLE (gh_qr_paintable_get_type ())
G_DECLARE_FINAL_TYPE (GhQrPaintable, gh_qr_paintable, GH, QR_PAINTABLE, GObject)

GhQrPaintable *gh_qr_paintable_new    (GhQr          *qr);
GhQr          *gh_qr_paintable_get_qr (GhQrPaintable *self);

G_END_DECLS
