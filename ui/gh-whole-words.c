/* GhWholeWords: a wrapping label that is never made narrower than its widest word
 * (see gh-whole-words.h). GtkLabel offers word-char wrapping, whose minimum width is
 * one letter, or word wrapping, whose minimum width is its longest word however long;
 * a kiosk needs the middle: whole words, unless one alone is wider than the line.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-whole-words.h"

struct _GhWholeWords
{
  GtkWidget  parent_instance;

  GtkLabel  *label;
};

G_DEFINE_FINAL_TYPE (GhWholeWords, gh_whole_words, GTK_TYPE_WIDGET)

/* The width of @label's widest unbreakable run of text, in its own font. */
static int
widest_word (GtkLabel *label)
{
  /* Measured in the label's own font, so Larger text widens it too. */
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (label), NULL);
  g_auto(GStrv) words = g_strsplit_set (gtk_label_get_text (label), " \n\t", -1);
  int widest = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      int width = 0;

      if (words[i][0] == '\0')
        continue;
      pango_layout_set_text (layout, words[i], -1);
      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

static GtkSizeRequestMode
gh_whole_words_get_request_mode (GtkWidget *widget)
{
  return gtk_widget_get_request_mode (GTK_WIDGET (GH_WHOLE_WORDS (widget)->label));
}

static void
gh_whole_words_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  GhWholeWords *self = GH_WHOLE_WORDS (widget);

  gtk_widget_measure (GTK_WIDGET (self->label), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* The natural width is bounded by max-width-chars: a word wider than that is
       * broken inside rather than pushing the screen wider. */
      *minimum = MAX (*minimum, MIN (widest_word (self->label), *natural));
    }
}

static void
gh_whole_words_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  gtk_widget_allocate (GTK_WIDGET (GH_WHOLE_WORDS (widget)->label), width, height, baseline,
                       NULL);
}

static void
gh_whole_words_dispose (GObject *object)
{
  GhWholeWords *self = GH_WHOLE_WORDS (object);

  if (self->label != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->label));
  self->label = NULL;

  G_OBJECT_CLASS (gh_whole_words_parent_class)->dispose (object);
}

static void
gh_whole_words_class_init (GhWholeWordsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_whole_words_dispose;
  widget_class->get_request_mode = gh_whole_words_get_request_mode;
  widget_class->measure = gh_whole_words_measure;
  widget_class->size_allocate = gh_whole_words_size_allocate;
}

static void
gh_whole_words_init (GhWholeWords *self)
{
}

GtkWidget *
gh_whole_words_new (GtkLabel *label)
{
  GhWholeWords *self = g_object_new (GH_TYPE_WHOLE_WORDS, NULL);

  g_return_val_if_fail (GTK_IS_LABEL (label), NULL);
  self->label = label;
  gtk_widget_set_parent (GTK_WIDGET (label), GTK_WIDGET (self));
  return GTK_WIDGET (self);
}
