/* GhQrPaintable paints a GhQr's module matrix. A QR reader needs sharp edges
 * and a light quiet zone, so the paintable never scales smoothly: it picks the
 * largest whole number of pixels per module that fits the area it is given,
 * centres the code on a whole pixel, and paints black on white whatever the
 * theme says (a dark theme's light-on-dark code is one many phones cannot
 * read). Dark modules are merged into one rectangle per horizontal run to
 * keep the render tree small. The widget that shows it (a GtkPicture with
 * content-fit "fill", so the paintable gets the whole widget) carries the
 * accessible description.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-qr-paintable.h"

#include <math.h>

struct _GhQrPaintable
{
  GObject  parent_instance;
  GhQr    *qr;
};

enum {
  PROP_0,
  PROP_QR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gh_qr_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GhQrPaintable, gh_qr_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, gh_qr_paintable_iface_init))

static int
modules_with_quiet_zone (GhQrPaintable *self)
{
  return gh_qr_get_size (self->qr) + 2 * GH_QR_QUIET_ZONE;
}

static void
gh_qr_paintable_snapshot (GdkPaintable *paintable,
                          GdkSnapshot  *snapshot,
                          double        width,
                          double        height)
{
  GhQrPaintable *self = GH_QR_PAINTABLE (paintable);
  static const GdkRGBA dark = { 0, 0, 0, 1 };
  static const GdkRGBA light = { 1, 1, 1, 1 };
  int modules = modules_with_quiet_zone (self);
  int size = gh_qr_get_size (self->qr);
  double module, side, x0, y0;

  /* Whole pixels per module; only an area smaller than one pixel per module
   * (never on the kiosk's screen) falls back to fractions. */
  module = floor (MIN (width, height) / modules);
  if (module < 1)
    module = MIN (width, height) / modules;
  side = module * modules;
  x0 = floor ((width - side) / 2);
  y0 = floor ((height - side) / 2);

  gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &light,
                             &GRAPHENE_RECT_INIT (x0, y0, side, side));
  x0 += GH_QR_QUIET_ZONE * module;
  y0 += GH_QR_QUIET_ZONE * module;
  for (int y = 0; y < size; y++)
    {
      int x = 0;

      while (x < size)
        {
          int run;

          if (!gh_qr_get_module (self->qr, x, y))
            {
              x++;
              continue;
            }
          for (run = 1; x + run < size && gh_qr_get_module (self->qr, x + run, y); run++)
            ;
          gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &dark,
                                     &GRAPHENE_RECT_INIT (x0 + x * module, y0 + y * module,
                                                          run * module, module));
          x += run;
        }
    }
}

static int
gh_qr_paintable_get_intrinsic_size (GdkPaintable *paintable)
{
  return modules_with_quiet_zone (GH_QR_PAINTABLE (paintable)) * GH_QR_PAINTABLE_MIN_MODULE_PX;
}

static double
gh_qr_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
gh_qr_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_CONTENTS | GDK_PAINTABLE_STATIC_SIZE;
}

static void
gh_qr_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = gh_qr_paintable_snapshot;
  iface->get_intrinsic_width = gh_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_height = gh_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_aspect_ratio = gh_qr_paintable_get_intrinsic_aspect_ratio;
  iface->get_flags = gh_qr_paintable_get_flags;
}

static void
gh_qr_paintable_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  GhQrPaintable *self = GH_QR_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_QR:
      g_value_set_object (value, self->qr);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_qr_paintable_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  GhQrPaintable *self = GH_QR_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_QR:
      self->qr = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gh_qr_paintable_constructed (GObject *object)
{
  G_OBJECT_CLASS (gh_qr_paintable_parent_class)->constructed (object);
  g_assert (GH_IS_QR (GH_QR_PAINTABLE (object)->qr));
}

static void
gh_qr_paintable_finalize (GObject *object)
{
  g_clear_object (&GH_QR_PAINTABLE (object)->qr);
  G_OBJECT_CLASS (gh_qr_paintable_parent_class)->finalize (object);
}

static void
gh_qr_paintable_class_init (GhQrPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = gh_qr_paintable_get_property;
  object_class->set_property = gh_qr_paintable_set_property;
  object_class->constructed = gh_qr_paintable_constructed;
  object_class->finalize = gh_qr_paintable_finalize;

  /* Construct-only: a paintable with static contents never changes; a new
   * code is a new paintable. */
  properties[PROP_QR] =
    g_param_spec_object ("qr", NULL, NULL, GH_TYPE_QR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gh_qr_paintable_init (GhQrPaintable *self)
{
}

GhQrPaintable *
gh_qr_paintable_new (GhQr *qr)
{
  g_return_val_if_fail (GH_IS_QR (qr), NULL);
  return g_object_new (GH_TYPE_QR_PAINTABLE, "qr", qr, NULL);
}

GhQr *
gh_qr_paintable_get_qr (GhQrPaintable *self)
{
  g_return_val_if_fail (GH_IS_QR_PAINTABLE (self), NULL);
  return self->qr;
}
