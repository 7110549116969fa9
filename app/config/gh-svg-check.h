/* HQ's logo is an SVG, and an SVG can ask a renderer for unbounded work: a filter
 * with two billion octaves of noise, <use> chains that multiply, external images.
 * A kiosk renders the logo on its main loop, so a signed config may hold only the
 * plain-shape subset that costs in proportion to its size.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The most elements a logo may have. */
#define GH_SVG_MAX_ELEMENTS 4000

/* Checks @svg is a well-formed SVG document made only of shapes, groups, gradients,
 * clip paths and text, with no external reference, no DOCTYPE or entity, and at
 * most GH_SVG_MAX_ELEMENTS elements. On a refusal, @error (in @domain/@code) says
 * which element or attribute and why, never quoting more than its name. */
gboolean gh_svg_check_logo (const char  *svg,
                            GQuark       domain,
                            int          code,
                            GError     **error);

G_END_DECLS
