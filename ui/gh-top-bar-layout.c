/* The top bar's layout (see gh-top-bar-layout.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-top-bar-layout.h"

#define COLUMN_GAP 16
#define ROW_GAP 8

struct _GhTopBarLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (GhTopBarLayout, gh_top_bar_layout, GTK_TYPE_LAYOUT_MANAGER)

static gboolean
get_parts (GtkWidget  *bar,
           GtkWidget **brand,
           GtkWidget **buttons)
{
  *brand = gtk_widget_get_first_child (bar);
  *buttons = *brand != NULL ? gtk_widget_get_next_sibling (*brand) : NULL;
  return *buttons != NULL;
}

static int
natural_width (GtkWidget *widget)
{
  int natural = 0;

  if (gtk_widget_get_visible (widget))
    gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return natural;
}

static int
height_for (GtkWidget *widget,
            int        width)
{
  int minimum = 0;

  if (gtk_widget_get_visible (widget))
    gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &minimum, NULL, NULL, NULL);
  return minimum;
}

/* One row only when the brand and the buttons both get their natural widths. */
static gboolean
fits_one_row (GtkWidget *brand,
              GtkWidget *buttons,
              int        width)
{
  return width < 0 || natural_width (brand) + COLUMN_GAP + natural_width (buttons) <= width;
}

static GtkSizeRequestMode
gh_top_bar_layout_get_request_mode (GtkLayoutManager *manager,
                                    GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
gh_top_bar_layout_measure (GtkLayoutManager *manager,
                           GtkWidget        *widget,
                           GtkOrientation    orientation,
                           int               for_size,
                           int              *minimum,
                           int              *natural,
                           int              *minimum_baseline,
                           int              *natural_baseline)
{
  GtkWidget *brand, *buttons;

  *minimum = *natural = 0;
  if (!get_parts (widget, &brand, &buttons))
    return;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int brand_min = 0, buttons_min = 0;

      gtk_widget_measure (brand, orientation, -1, &brand_min, NULL, NULL, NULL);
      gtk_widget_measure (buttons, orientation, -1, &buttons_min, NULL, NULL, NULL);
      *minimum = MAX (brand_min, buttons_min);
      *natural = natural_width (brand) + COLUMN_GAP + natural_width (buttons);
    }
  else if (fits_one_row (brand, buttons, for_size))
    {
      int buttons_width = natural_width (buttons);
      int brand_width = for_size < 0 ? natural_width (brand)
                                     : for_size - COLUMN_GAP - buttons_width;

      *minimum = *natural = MAX (height_for (brand, brand_width), height_for (buttons, buttons_width));
    }
  else
    *minimum = *natural = height_for (brand, for_size) + ROW_GAP + height_for (buttons, for_size);
}

static void
gh_top_bar_layout_allocate (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            int               width,
                            int               height,
                            int               baseline)
{
  GtkWidget *brand, *buttons;
  int buttons_width;

  if (!get_parts (widget, &brand, &buttons))
    return;
  buttons_width = MIN (width, natural_width (buttons));
  if (fits_one_row (brand, buttons, width))
    {
      int brand_width = width - COLUMN_GAP - buttons_width;
      int brand_height = MIN (height, height_for (brand, brand_width));

      gtk_widget_size_allocate (brand, &(GtkAllocation) { 0, (height - brand_height) / 2,
                                                          brand_width, brand_height }, -1);
      gtk_widget_size_allocate (buttons, &(GtkAllocation) { width - buttons_width, 0,
                                                            buttons_width, height }, -1);
    }
  else
    {
      int brand_height = height_for (brand, width);

      /* The buttons keep to the right, under the brand, all of one height. */
      gtk_widget_size_allocate (brand, &(GtkAllocation) { 0, 0, width, brand_height }, -1);
      gtk_widget_size_allocate (buttons,
                                &(GtkAllocation) { width - buttons_width, brand_height + ROW_GAP,
                                                   buttons_width,
                                                   MAX (0, height - brand_height - ROW_GAP) }, -1);
    }
}

static void
gh_top_bar_layout_class_init (GhTopBarLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = gh_top_bar_layout_get_request_mode;
  layout_class->measure = gh_top_bar_layout_measure;
  layout_class->allocate = gh_top_bar_layout_allocate;
}

static void
gh_top_bar_layout_init (GhTopBarLayout *self)
{
}
