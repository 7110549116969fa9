/* The retailer's look from the config: the accent colour turned into CSS that keeps
 * WCAG AA contrast whatever colour HQ picks, and the SVG logo rendered to a texture.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <math.h>
#include <string.h>

#include "gh-branding.h"

/* The darker of the kiosk's two backgrounds (@gh_page; cards are white): text that
 * reads at 4.5:1 on it reads at least as well on a card. */
#define PAGE_BACKGROUND "#f6f5f4"
#define DARK_TEXT "#1a1a1a"
/* WCAG AA asks 4.5:1; aiming a little higher leaves room for rounding to 8 bits. */
#define MIN_CONTRAST 4.6

static gboolean
parse_hex (const char *color,
           double      rgb[3])
{
  guint value;

  if (color == NULL || color[0] != '#' || strlen (color) != 7)
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  value = (guint) g_ascii_strtoull (color + 1, NULL, 16);
  rgb[0] = ((value >> 16) & 0xff) / 255.0;
  rgb[1] = ((value >> 8) & 0xff) / 255.0;
  rgb[2] = (value & 0xff) / 255.0;
  return TRUE;
}

static double
luminance (const double rgb[3])
{
  double channel[3];

  for (int i = 0; i < 3; i++)
    channel[i] = rgb[i] <= 0.03928 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
}

static double
ratio (const double a[3],
       const double b[3])
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

double
gh_branding_contrast (const char *color_a,
                      const char *color_b)
{
  double a[3], b[3];

  if (!parse_hex (color_a, a) || !parse_hex (color_b, b))
    return 0;
  return ratio (a, b);
}

static char *
to_hex (const double rgb[3])
{
  return g_strdup_printf ("#%02x%02x%02x", (int) round (rgb[0] * 255), (int) round (rgb[1] * 255),
                          (int) round (rgb[2] * 255));
}

char *
gh_branding_css (GhCatalog *catalog)
{
  return gh_branding_css_for_accent (catalog != NULL ? gh_catalog_get_accent_color (catalog)
                                                     : NULL);
}

char *
gh_branding_css_for_accent (const char *accent_hex)
{
  double accent[3], white[3] = { 1, 1, 1 }, dark[3], text[3], page[3];
  gboolean white_fg;
  const char *fg;
  g_autofree char *text_hex = NULL;
  g_autofree char *accent_norm = NULL;

  if (!parse_hex (accent_hex, accent))
    {
      accent[0] = 0x1c / 255.0;
      accent[1] = 0x71 / 255.0;
      accent[2] = 0xd8 / 255.0;
    }
  parse_hex (DARK_TEXT, dark);
  parse_hex (PAGE_BACKGROUND, page);

  /* Whichever of white and near-black reads better on the accent. For mid tones
   * neither reaches 4.5:1 (about 4.2 at worst), so the accent itself is then
   * darkened under white text, or lightened under dark text, until it does: the
   * retailer keeps its hue, the shopper keeps readable buttons. */
  white_fg = ratio (accent, white) >= ratio (accent, dark);
  fg = white_fg ? "#ffffff" : DARK_TEXT;
  for (int i = 0; i < 60 && ratio (accent, white_fg ? white : dark) < MIN_CONTRAST; i++)
    for (int c = 0; c < 3; c++)
      accent[c] = white_fg ? accent[c] * 0.97 : accent[c] + (1 - accent[c]) * 0.06;

  /* As text on the page, darken in small steps until it reads at 4.5:1. */
  memcpy (text, accent, sizeof text);
  for (int i = 0; i < 60 && ratio (text, page) < MIN_CONTRAST; i++)
    for (int c = 0; c < 3; c++)
      text[c] *= 0.92;
  text_hex = to_hex (text);
  accent_norm = to_hex (accent);

  return g_strdup_printf ("@define-color gh_accent %s;\n"
                          "@define-color gh_accent_fg %s;\n"
                          "@define-color gh_accent_text %s;\n",
                          accent_norm, fg, text_hex);
}

/* Rendered at the height asked for, so the vector logo stays crisp. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  int wanted = GPOINTER_TO_INT (user_data);

  if (height > 0)
    gdk_pixbuf_loader_set_size (loader, MAX (1, width * wanted / height), wanted);
}

GdkTexture *
gh_branding_logo_texture (GhCatalog *catalog,
                          int        height)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  const char *svg = catalog != NULL ? gh_catalog_get_logo_svg (catalog) : NULL;
  GdkPixbuf *pixbuf;

  if (svg == NULL || *svg == '\0')
    return NULL;

  loader = gdk_pixbuf_loader_new_with_type ("svg", NULL);
  if (loader == NULL)
    return NULL;
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared),
                    GINT_TO_POINTER (height));
  if (!gdk_pixbuf_loader_write (loader, (const guchar *) svg, strlen (svg), NULL)
      || !gdk_pixbuf_loader_close (loader, NULL))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  return pixbuf != NULL ? gdk_texture_new_for_pixbuf (pixbuf) : NULL;
}
