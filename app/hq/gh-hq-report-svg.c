/* The fleet report's charts, drawn as inline SVG by hand: no script, no font or file
 * from the network, so the page works offline, prints, and a screen reader gets each
 * chart's title. Plain shapes only (the kiosk's logo rules would accept them too).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-hq"
#include "config.h"

#include <math.h>

#include "hq/gh-hq-report-private.h"

#define LINE_WIDTH 640
#define LINE_HEIGHT 260
#define LEFT 48
#define RIGHT 16
#define TOP 16
#define BOTTOM 44

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

static void
open_svg (GString    *out,
          const char *title,
          int         width,
          int         height)
{
  g_string_append_printf (out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""
                          " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
                          " aria-label=\"", width, height, width, height);
  append_escaped (out, title);
  g_string_append (out, "\"><title>");
  append_escaped (out, title);
  g_string_append (out, "</title>");
}

/* A round top for the y axis: 1, 2 or 5 times a power of ten. */
static double
nice_top (double max)
{
  double power, fraction;

  if (max <= 0)
    return 1;
  power = pow (10, floor (log10 (max)));
  fraction = max / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

char *
_gh_svg_line_chart (const char         *title,
                    const char * const *x_labels,
                    guint               n,
                    const GhSvgSeries  *series,
                    guint               n_series,
                    gboolean            percent)
{
  GString *out = g_string_new (NULL);
  double top = 1, plot_w = LINE_WIDTH - LEFT - RIGHT, plot_h = LINE_HEIGHT - TOP - BOTTOM;
  int legend_rows = (n_series + 2) / 3;
  int height = LINE_HEIGHT + legend_rows * 18;
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (!percent)
    {
      double max = 0;
      for (guint s = 0; s < n_series; s++)
        for (guint i = 0; i < n; i++)
          max = MAX (max, series[s].values[i]);
      /* Counts: whole numbers on every grid line. */
      top = MAX (nice_top (max), 4);
      top = ceil (top / 4) * 4;
    }
  open_svg (out, title, LINE_WIDTH, height);
  g_string_append_printf (out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>",
                          LINE_WIDTH, height);
  /* The grid and the y axis: 0, a quarter, a half, three quarters, the top. */
  for (int g = 0; g <= 4; g++)
    {
      double y = TOP + plot_h - plot_h * g / 4.0;
      double value = top * g / 4.0;
      g_autofree char *label = NULL;

      if (percent)
        label = g_strdup_printf ("%d%%", g * 25);
      else if (value == floor (value))
        label = _gh_report_format_count ((gint64) llround (value));
      else
        label = g_strdup (g_ascii_formatd (num, sizeof num, "%.1f", value));
      g_string_append_printf (out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
                              " stroke=\"#d0d5d9\" stroke-width=\"1\"/>",
                              LEFT, y, LINE_WIDTH - RIGHT, y);
      g_string_append_printf (out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\""
                              " fill=\"#3d4852\">%s</text>", LEFT - 6, y + 4, label);
    }
  for (guint i = 0; i < n; i++)
    {
      double x = LEFT + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2);

      /* Every label when they fit, else every other one. */
      if (n <= 14 || i % 2 == 0 || i == n - 1)
        {
          g_string_append_printf (out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
                                  " font-size=\"11\" fill=\"#3d4852\">", x, TOP + (int) plot_h + 16);
          append_escaped (out, x_labels[i]);
          g_string_append (out, "</text>");
        }
    }
  for (guint s = 0; s < n_series; s++)
    {
      g_string_append_printf (out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s"
                              " points=\"", series[s].color, s == 0 ? "3" : "2",
                              series[s].dashed ? " stroke-dasharray=\"6 4\"" : "");
      for (guint i = 0; i < n; i++)
        {
          double x = LEFT + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2);
          double y = TOP + plot_h - plot_h * CLAMP (series[s].values[i] / top, 0.0, 1.0);
          g_string_append_printf (out, "%s%.1f,%.1f", i ? " " : "", x, y);
        }
      g_string_append (out, "\"/>");
      for (guint i = 0; i < n; i++)
        {
          double x = LEFT + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2);
          double y = TOP + plot_h - plot_h * CLAMP (series[s].values[i] / top, 0.0, 1.0);
          g_string_append_printf (out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"/>",
                                  x, y, s == 0 ? "3.5" : "2.5", series[s].color);
        }
    }
  for (guint s = 0; s < n_series; s++)
    {
      int x = LEFT + (s % 3) * 200, y = LINE_HEIGHT - 8 + (s / 3) * 18;

      g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                              "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1d2329\">",
                              x, y - 4, series[s].color, x + 20, y);
      append_escaped (out, series[s].label);
      g_string_append (out, "</text>");
    }
  g_string_append (out, "</svg>");
  return g_string_free (out, FALSE);
}

char *
_gh_svg_bar_chart (const char         *title,
                   const char * const *labels,
                   const double       *first,
                   const double       *second,
                   guint               n,
                   const char         *first_label,
                   const char         *second_label)
{
  const int width = 640, label_w = 230, bar_w = 300, row_h = 26;
  int height = 34 + n * row_h;
  GString *out = g_string_new (NULL);
  double max = 0;

  for (guint i = 0; i < n; i++)
    max = MAX (max, first[i] + (second != NULL ? second[i] : 0));
  max = max > 0 ? max : 1;
  open_svg (out, title, width, height);
  g_string_append_printf (out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>",
                          width, height);
  for (guint i = 0; i < n; i++)
    {
      int y = 8 + i * row_h;
      double a = bar_w * first[i] / max, b = second != NULL ? bar_w * second[i] / max : 0;
      g_autofree char *total = _gh_report_format_count ((gint64) llround (first[i] + (second ? second[i] : 0)));

      g_string_append_printf (out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\""
                              " fill=\"#1d2329\">", label_w - 8, y + 15);
      append_escaped (out, labels[i]);
      g_string_append (out, "</text>");
      g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\""
                              " fill=\"#1a7f5a\"/>", label_w, y + 2, a);
      if (second != NULL)
        g_string_append_printf (out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\""
                                " fill=\"#b8c0c7\"/>", label_w + a, y + 2, b);
      g_string_append_printf (out, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#1d2329\">%s"
                              "</text>", label_w + a + b + 6, y + 15, total);
    }
  {
    int y = height - 12;

    g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"#1a7f5a\"/>"
                            "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1d2329\">",
                            label_w, y - 10, label_w + 20, y);
    append_escaped (out, first_label);
    g_string_append (out, "</text>");
    if (second != NULL)
      {
        g_string_append_printf (out, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\""
                                " fill=\"#b8c0c7\"/><text x=\"%d\" y=\"%d\" font-size=\"12\""
                                " fill=\"#1d2329\">", label_w + 170, y - 10, label_w + 190, y);
        append_escaped (out, second_label);
        g_string_append (out, "</text>");
      }
  }
  g_string_append (out, "</svg>");
  return g_string_free (out, FALSE);
}
