/* GhQr turns the follow-up URL into a QR module matrix with libqrencode and,
 * for glasshouse-ctl and tests, into a PNG. app/ has no GTK and no image
 * library, so the PNG writer here is the smallest correct one: 1-bit greyscale,
 * zlib's crc32 for the chunks and compress2 for the pixels.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-receipts"
#include "config.h"

#include "receipts/gh-qr.h"

#include <errno.h>
#include <gio/gio.h>
#include <qrencode.h>
#include <string.h>
#include <zlib.h>

struct _GhQr
{
  GObject  parent_instance;
  char    *text;
  int      version;
  int      size;
  guint8  *modules;   /* size * size, 1 = dark */
};

G_DEFINE_FINAL_TYPE (GhQr, gh_qr, G_TYPE_OBJECT)

G_DEFINE_QUARK (gh-qr-error-quark, gh_qr_error)

static void
gh_qr_finalize (GObject *object)
{
  GhQr *self = GH_QR (object);

  g_free (self->text);
  g_free (self->modules);
  G_OBJECT_CLASS (gh_qr_parent_class)->finalize (object);
}

static void
gh_qr_class_init (GhQrClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gh_qr_finalize;
}

static void
gh_qr_init (GhQr *self)
{
}

GhQr *
gh_qr_new (const char  *text,
           GError     **error)
{
  g_autoptr(GhQr) self = NULL;
  QRcode *code;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, GH_QR_ERROR, GH_QR_ERROR_INVALID,
                   "QR code: the text is %s", *text == '\0' ? "empty" : "not valid UTF-8");
      return NULL;
    }

  /* Case-sensitive, so a URL with a base64url token survives; libqrencode
   * picks the cheapest mode per segment by itself. */
  errno = 0;
  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      if (errno == ERANGE)
        g_set_error (error, GH_QR_ERROR, GH_QR_ERROR_TOO_LONG,
                     "QR code: %zu bytes of text do not fit a QR code at error correction M",
                     strlen (text));
      else
        g_set_error (error, GH_QR_ERROR, GH_QR_ERROR_INVALID,
                     "QR code: libqrencode failed: %s", g_strerror (errno));
      return NULL;
    }

  self = g_object_new (GH_TYPE_QR, NULL);
  self->text = g_strdup (text);
  self->version = code->version;
  self->size = code->width;
  self->modules = g_new (guint8, (gsize) code->width * code->width);
  for (int i = 0; i < code->width * code->width; i++)
    self->modules[i] = code->data[i] & 1;  /* the other bits say which function pattern */
  QRcode_free (code);
  return g_steal_pointer (&self);
}

const char *
gh_qr_get_text (GhQr *self)
{
  g_return_val_if_fail (GH_IS_QR (self), NULL);
  return self->text;
}

int
gh_qr_get_version (GhQr *self)
{
  g_return_val_if_fail (GH_IS_QR (self), 0);
  return self->version;
}

int
gh_qr_get_size (GhQr *self)
{
  g_return_val_if_fail (GH_IS_QR (self), 0);
  return self->size;
}

gboolean
gh_qr_get_module (GhQr *self,
                  int   x,
                  int   y)
{
  g_return_val_if_fail (GH_IS_QR (self), FALSE);
  if (x < 0 || y < 0 || x >= self->size || y >= self->size)
    return FALSE;
  return self->modules[y * self->size + x];
}

/* ---- a minimal PNG writer ----------------------------------------------- */

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };
  g_byte_array_append (out, bytes, 4);
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  uLong crc;

  append_be32 (out, length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (out, data, length);
  crc = crc32 (0, (const Bytef *) type, 4);
  if (length > 0)
    crc = crc32 (crc, data, length);
  append_be32 (out, crc);
}

/* The pixels as a zlib stream, which is what a PNG's IDAT holds. */
static GByteArray *
zlib_compress (const guint8 *data,
               gsize         length)
{
  uLongf size = compressBound (length);
  GByteArray *out = g_byte_array_sized_new (size);
  int status;

  g_byte_array_set_size (out, size);
  status = compress2 (out->data, &size, data, length, Z_BEST_COMPRESSION);
  /* The buffer is compressBound's size and the level valid: only memory can fail. */
  if (status != Z_OK)
    g_error ("zlib could not compress a QR code: %s", zError (status));
  g_byte_array_set_size (out, size);
  return out;
}

GBytes *
gh_qr_to_png (GhQr *self,
              int   scale)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) raw = NULL;
  g_autoptr(GByteArray) idat = NULL;
  guint8 ihdr[13];
  int side, row_bytes;

  g_return_val_if_fail (GH_IS_QR (self), NULL);
  g_return_val_if_fail (scale >= 1 && scale <= 64, NULL);

  side = (self->size + 2 * GH_QR_QUIET_ZONE) * scale;
  row_bytes = (side + 7) / 8;
  raw = g_byte_array_sized_new ((gsize) (row_bytes + 1) * side);
  for (int py = 0; py < side; py++)
    {
      int my = py / scale - GH_QR_QUIET_ZONE;
      guint8 filter = 0;
      g_autofree guint8 *row = g_malloc0 (row_bytes);

      /* 1-bit greyscale: a set bit is white; bits past the last pixel are padding. */
      for (int px = 0; px < side; px++)
        if (!gh_qr_get_module (self, px / scale - GH_QR_QUIET_ZONE, my))
          row[px / 8] |= 0x80 >> (px % 8);
      g_byte_array_append (raw, &filter, 1);
      g_byte_array_append (raw, row, row_bytes);
    }

  memset (ihdr, 0, sizeof ihdr);
  ihdr[0] = side >> 24; ihdr[1] = side >> 16; ihdr[2] = side >> 8; ihdr[3] = side;
  ihdr[4] = side >> 24; ihdr[5] = side >> 16; ihdr[6] = side >> 8; ihdr[7] = side;
  ihdr[8] = 1;   /* bit depth */
  ihdr[9] = 0;   /* greyscale */

  idat = zlib_compress (raw->data, raw->len);
  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

gboolean
gh_qr_write_png (GhQr        *self,
                 const char  *path,
                 int          scale,
                 GError     **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (GH_IS_QR (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  png = gh_qr_to_png (self, scale);
  data = g_bytes_get_data (png, &length);
  if (!g_file_set_contents (path, data, length, &local_error))
    {
      g_set_error (error, GH_QR_ERROR, GH_QR_ERROR_IO,
                   "%s: cannot write the PNG: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
