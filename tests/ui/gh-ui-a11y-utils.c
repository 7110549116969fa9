/* Accessibility checks shared by the UI tests; see gh-ui-a11y-utils.h. Names are read
 * through GTK's test accessibility backend (GTK_A11Y=test), which records the
 * properties and relations a real screen reader would be given.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "gh-ui-a11y-utils.h"
#include "gh-ui-test-utils.h"

gboolean
gh_a11y_is_interactive (GtkWidget *widget)
{
  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SLIDER:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TAB:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      return TRUE;
    default:
      /* Anything else the focus can land on is a control too. */
      return gtk_widget_get_focusable (widget) && gtk_widget_get_can_focus (widget)
             && (GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_EDITABLE (widget));
    }
}

static void
append_label_texts (GtkWidget *widget,
                    GString   *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      if (text != NULL && *text != '\0')
        g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", text);
    }
  if (GTK_IS_POPOVER (widget))
    return;  /* what a menu button opens is not its name */
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_label_texts (child, out);
}

char *
gh_a11y_visible_text (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  if (GTK_IS_EDITABLE (widget))
    g_string_append (out, gtk_editable_get_text (GTK_EDITABLE (widget)));
  else
    append_label_texts (widget, out);
  return g_string_free (out, FALSE);
}

static gboolean
named_by_content (GtkWidget *widget)
{
  g_autofree char *text = NULL;

  switch (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)))
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_TAB:
      /* Words, not a lone symbol or digit run only an icon would give. */
      text = gh_a11y_visible_text (widget);
      return text != NULL && *text != '\0';
    default:
      return FALSE;
    }
}

gboolean
gh_a11y_has_name (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
      || gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                           GTK_ACCESSIBLE_RELATION_LABELLED_BY)
      || named_by_content (widget))
    return TRUE;
  /* Parts of a composite control speak with the composite's name: the text inside
   * an entry. (The button inside a menu button is the control itself: it is named.) */
  if (parent != NULL && GTK_IS_TEXT (widget) && GTK_IS_EDITABLE (parent))
    return gh_a11y_has_name (parent);
  return FALSE;
}

static void
collect_unnamed (GtkWidget *widget,
                 GString   *problems,
                 guint     *n_checked)
{
  /* Hidden widgets are not in the accessibility tree; shown, they are walked. */
  if (!gtk_widget_get_visible (widget))
    return;
  if (gh_a11y_is_interactive (widget))
    {
      (*n_checked)++;
      if (!gh_a11y_has_name (widget))
        {
          g_autofree char *text = gh_a11y_visible_text (widget);
          GtkWidget *parent = gtk_widget_get_parent (widget);

          g_string_append_printf (problems, "\n  %s (in %s) showing \"%s\"",
                                  G_OBJECT_TYPE_NAME (widget),
                                  parent ? G_OBJECT_TYPE_NAME (parent) : "nothing", text);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, problems, n_checked);
}

void
gh_a11y_assert_all_named (GtkWidget  *root,
                          const char *screen)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_checked = 0;

  collect_unnamed (root, problems, &n_checked);
  g_test_message ("%s: %u controls, all named: %s", screen, n_checked,
                  problems->len == 0 ? "yes" : "no");
  if (problems->len > 0)
    gh_ui_test_fail ("%s: controls without an accessible name:%s", screen, problems->str);
  g_assert_cmpuint (n_checked, >, 0);
}

static void
collect_nested (GtkWidget *widget,
                GtkWidget *control,
                GString   *problems)
{
  /* A popover is a window of its own, not inside the button that opens it. */
  if (!gtk_widget_get_visible (widget) || (GTK_IS_POPOVER (widget)))
    return;
  if (gh_a11y_is_interactive (widget) && !(GTK_IS_TEXT (widget) && control != NULL
                                           && GTK_IS_EDITABLE (control)))
    {
      if (control != NULL)
        {
          g_autofree char *outer = gh_a11y_visible_text (control);
          g_autofree char *inner = gh_a11y_visible_text (widget);

          g_string_append_printf (problems, "\n  %s \"%s\" inside %s \"%s\"",
                                  G_OBJECT_TYPE_NAME (widget), inner,
                                  G_OBJECT_TYPE_NAME (control), outer);
        }
      control = widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_nested (child, control, problems);
}

void
gh_a11y_assert_no_nested_controls (GtkWidget  *root,
                                   const char *screen)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  collect_nested (root, NULL, problems);
  if (problems->len > 0)
    gh_ui_test_fail ("%s: a control inside a control (a screen reader meets both):%s", screen,
                     problems->str);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

char *
gh_a11y_find_broken_words (GtkLabel *label)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  int width = gtk_widget_get_width (GTK_WIDGET (label)) * PANGO_SCALE;
  GString *problems = g_string_new (NULL);

  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      const char *at = text + line->start_index;
      const char *start, *end;

      if (line->start_index == 0 || *at == '\0')
        continue;
      if (!is_word_char (g_utf8_get_char (g_utf8_prev_char (at)))
          || !is_word_char (g_utf8_get_char (at)))
        continue;
      /* Broken inside a word: allowed only when that word alone is wider than the line. */
      for (start = at; start > text && is_word_char (g_utf8_get_char (g_utf8_prev_char (start)));)
        start = g_utf8_prev_char (start);
      for (end = at; *end != '\0' && is_word_char (g_utf8_get_char (end));)
        end = g_utf8_next_char (end);
      {
        g_autoptr(PangoLayout) word = pango_layout_copy (layout);
        int word_width;

        pango_layout_set_width (word, -1);
        pango_layout_set_text (word, start, end - start);
        pango_layout_get_size (word, &word_width, NULL);
        if (word_width <= width)
          g_string_append_printf (problems, "%s\"%.*s\" broken at \"%.*s|%s\"",
                                  problems->len > 0 ? ", " : "", (int) (end - start), start,
                                  (int) (at - start), start, at);
      }
    }
  if (problems->len == 0)
    {
      g_string_free (problems, TRUE);
      return NULL;
    }
  return g_string_free (problems, FALSE);
}

static void
check_label (GtkLabel *label,
             GString  *problems)
{
  GtkWidget *widget = GTK_WIDGET (label);
  const char *text = gtk_label_get_text (label);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int h_margins = gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget);
  int v_margins = gtk_widget_get_margin_top (widget) + gtk_widget_get_margin_bottom (widget);
  int natural_width, minimum_height;

  if (!gtk_widget_is_drawable (widget) || text == NULL || *text == '\0')
    return;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural_width, NULL, NULL);
  natural_width -= h_margins;
  if (!gtk_label_get_wrap (label) && gtk_label_get_ellipsize (label) == PANGO_ELLIPSIZE_NONE
      && width < natural_width)
    g_string_append_printf (problems, "\n  \"%s\" is %d px wide but needs %d", text, width,
                            natural_width);

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width + h_margins, &minimum_height, NULL,
                      NULL, NULL);
  minimum_height -= v_margins;
  if (height < minimum_height)
    g_string_append_printf (problems, "\n  \"%s\" is %d px high but needs %d at %d px wide", text,
                            height, minimum_height, width);
}

char *
gh_a11y_find_clipped_labels (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = gh_ui_test_find_all (root, GTK_TYPE_LABEL);
  GString *problems = g_string_new (NULL);
  guint n_drawn = 0;

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      n_drawn += gtk_widget_is_drawable (label);
      check_label (GTK_LABEL (label), problems);
    }
  g_assert_cmpuint (n_drawn, >, 0);
  if (problems->len == 0)
    {
      g_string_free (problems, TRUE);
      return NULL;
    }
  return g_string_free (problems, FALSE);
}

void
gh_a11y_assert_labels_fit (GtkWidget  *root,
                           const char *screen)
{
  g_autofree char *problems = gh_a11y_find_clipped_labels (root);

  if (problems != NULL)
    gh_ui_test_fail ("%s: clipped labels:%s", screen, problems);
}

GtkWidget *
gh_a11y_focus (GtkWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

void
gh_a11y_press_tab (GtkWindow *window,
                   gboolean   backward)
{
  GtkDirectionType direction = backward ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;

  /* A key press shows the focus ring (GtkWindow does this on every key). */
  gtk_window_set_focus_visible (window, TRUE);
  /* GtkWindow's Tab binding: past the last control the focus leaves, and the next
   * Tab starts again from the first. */
  if (!gtk_widget_child_focus (GTK_WIDGET (window), direction))
    {
      gtk_window_set_focus (window, NULL);
      gtk_widget_child_focus (GTK_WIDGET (window), direction);
    }
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
gh_a11y_press_enter (GtkWindow *window)
{
  g_autoptr(GtkWidget) focus = gh_a11y_focus (window);
  gboolean clicked = FALSE;
  gulong handler = 0;

  g_assert_nonnull (focus);
  g_object_ref (focus);
  gtk_window_set_focus_visible (window, TRUE);
  /* Enter and Space are bound to the focused widget's activate signal; a button
   * shows itself pressed for a moment and then clicks, as it does for a real key. */
  if (GTK_IS_BUTTON (focus))
    handler = g_signal_connect_swapped (focus, "clicked", G_CALLBACK (set_true), &clicked);
  if (GTK_IS_TEXT (focus))
    g_signal_emit_by_name (focus, "activate");  /* GtkText binds Enter to its "activate" */
  else
    g_assert_true (gtk_widget_activate (focus));
  if (handler != 0)
    {
      g_assert_true (gh_ui_test_wait (is_true, &clicked, 2000));
      g_signal_handler_disconnect (focus, handler);
    }
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
}

gboolean
gh_a11y_tab_until (GtkWindow        *window,
                   GhA11yFocusMatch  match,
                   gpointer          data,
                   guint             max)
{
  for (guint i = 0; i <= max; i++)
    {
      GtkWidget *focus = gh_a11y_focus (window);

      if (focus != NULL && gtk_widget_is_drawable (focus) && match (focus, data))
        return TRUE;
      gh_a11y_press_tab (window, FALSE);
    }
  return FALSE;
}

gboolean
gh_a11y_focus_is_button (GtkWidget *focus,
                         gpointer   data)
{
  g_autofree char *text = NULL;

  if (!GTK_IS_BUTTON (focus))
    return FALSE;
  text = gh_a11y_visible_text (focus);
  return g_strcmp0 (text, data) == 0;
}

gboolean
gh_a11y_focus_is_inside (GtkWidget *focus,
                         gpointer   data)
{
  return focus == data || gtk_widget_is_ancestor (focus, data);
}

static GBytes *
render_area (GtkWindow             *window,
             const graphene_rect_t *area,
             gsize                 *stride)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guchar *pixels;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, area);
  *stride = gdk_texture_get_width (texture) * 4;
  pixels = g_malloc (*stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, *stride);
  return g_bytes_new_take (pixels, *stride * gdk_texture_get_height (texture));
}

gboolean
gh_a11y_focus_ring_visible (GtkWindow *window)
{
  GtkWidget *focus = gh_a11y_focus (window);
  GtkWidget *target = focus;
  graphene_rect_t bounds;
  g_autoptr(GBytes) with_ring = NULL;
  g_autoptr(GBytes) without_ring = NULL;
  gsize stride;
  double x, y;

  g_assert_nonnull (focus);
  /* The ring of a field is drawn around the field, not around its text. */
  if (GTK_IS_TEXT (focus) && GTK_IS_EDITABLE (gtk_widget_get_parent (focus)))
    target = gtk_widget_get_parent (focus);

  gtk_window_set_focus_visible (window, TRUE);
  /* Also lets a page built a moment ago get its size. */
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 3));
  g_assert_true (gtk_widget_translate_coordinates (target, GTK_WIDGET (window), 0, 0, &x, &y));
  g_assert_cmpint (gtk_widget_get_width (target), >, 0);
  /* Outlines are drawn outside the widget: look a little around it. */
  graphene_rect_init (&bounds, x - 12, y - 12, gtk_widget_get_width (target) + 24,
                      gtk_widget_get_height (target) + 24);
  graphene_rect_round_extents (&bounds, &bounds);
  with_ring = render_area (window, &bounds, &stride);

  /* The same control without the focus, then the focus back where it was. */
  gtk_window_set_focus (window, NULL);
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  without_ring = render_area (window, &bounds, &stride);
  gtk_widget_grab_focus (focus);
  gtk_window_set_focus_visible (window, TRUE);
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 1));
  g_assert_true (gh_a11y_focus (window) == focus);
  return !g_bytes_equal (with_ring, without_ring);
}
