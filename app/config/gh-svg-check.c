/* The logo check (see the header for why): GLib's markup parser walks the document
 * (it never expands entities or fetches anything), and every element and attribute
 * must be on a short list of things whose drawing cost grows only with their size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-config"
#include "config.h"

#include <string.h>

#include "config/gh-svg-check.h"

static const char * const allowed_elements[] = {
  "svg", "g", "defs", "title", "desc", "metadata",
  "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
  "text", "tspan",
  "linearGradient", "radialGradient", "stop", "clipPath",
  NULL
};

typedef struct {
  guint elements;
  GQuark domain;
  int code;
} Walk;

/* A reference may only point inside the document ("#id" or "url(#id)"). */
static gboolean
is_external_reference (const char *value)
{
  const char *url = strstr (value, "url(");

  while (url != NULL)
    {
      const char *target = url + 4;

      while (*target == ' ' || *target == '\'' || *target == '"')
        target++;
      if (*target != '#')
        return TRUE;
      url = strstr (target, "url(");
    }
  return FALSE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  Walk *walk = user_data;
  const char *local = strchr (element, ':') != NULL ? strchr (element, ':') + 1 : element;

  if (++walk->elements > GH_SVG_MAX_ELEMENTS)
    {
      g_set_error (error, walk->domain, walk->code, "more than %d elements", GH_SVG_MAX_ELEMENTS);
      return;
    }
  if (!g_strv_contains (allowed_elements, local))
    {
      g_set_error (error, walk->domain, walk->code,
                   "element <%.40s> is not allowed: a logo is made of shapes, groups, gradients, "
                   "clip paths and text (no filters, <use>, images, patterns or scripts)", element);
      return;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = strchr (names[i], ':') != NULL ? strchr (names[i], ':') + 1 : names[i];

      if ((g_str_equal (name, "href") && values[i][0] != '#') || is_external_reference (values[i]))
        {
          g_set_error (error, walk->domain, walk->code,
                       "<%.40s %.40s>: only references inside the logo (#id) are allowed",
                       element, names[i]);
          return;
        }
      if (g_str_has_prefix (name, "on") || g_str_equal (name, "filter") ||
          g_str_equal (name, "mask") || (g_str_equal (name, "style") && strstr (values[i], "filter")))
        {
          g_set_error (error, walk->domain, walk->code,
                       "<%.40s %.40s> is not allowed in a logo", element, names[i]);
          return;
        }
    }
}

static void
passthrough (GMarkupParseContext *context,
             const char          *text,
             gsize                length,
             gpointer             user_data,
             GError             **error)
{
  Walk *walk = user_data;

  /* A DOCTYPE is where entity definitions (and their expansion bombs) would live. */
  if (length >= 9 && g_ascii_strncasecmp (text, "<!DOCTYPE", 9) == 0)
    g_set_error (error, walk->domain, walk->code, "a DOCTYPE is not allowed in a logo");
}

gboolean
gh_svg_check_logo (const char  *svg,
                   GQuark       domain,
                   int          code,
                   GError     **error)
{
  static const GMarkupParser parser = { start_element, NULL, NULL, passthrough, NULL };
  Walk walk = { 0, domain, code };
  g_autoptr(GMarkupParseContext) context =
    g_markup_parse_context_new (&parser, G_MARKUP_DEFAULT_FLAGS, &walk, NULL);
  g_autoptr(GError) local = NULL;
  const char *first = svg;

  while (g_ascii_isspace (*first))
    first++;
  if (!g_markup_parse_context_parse (context, svg, -1, &local) ||
      !g_markup_parse_context_end_parse (context, &local))
    {
      if (local->domain == domain)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, domain, code, "not a well-formed SVG document: %s", local->message);
      return FALSE;
    }
  if (walk.elements == 0 || strstr (svg, "<svg") == NULL)
    {
      g_set_error (error, domain, code, "not an SVG document (no <svg> element)");
      return FALSE;
    }
  return TRUE;
}
