/* The figures of the fleet report as its parts share them: gh-hq-report-scan.c
 * (members through the offer engine, on worker threads), gh-hq-report-sql.c
 * (decisions, requests, previews, set-based in PostgreSQL), gh-hq-report-json.c,
 * gh-hq-report-html.c and gh-hq-report-svg.c (the page and its charts).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hq/gh-hq-private.h"
#include "hq/gh-hq-report.h"

G_BEGIN_DECLS

#define GH_WEEK_SECONDS (7 * 24 * 3600)

enum { GH_ORIGIN_KIOSK, GH_ORIGIN_PORTAL, GH_ORIGIN_CRM, GH_N_ORIGINS };

/* What the engine found over the members (indexes: the catalog's order). */
typedef struct {
  gint64  members_scanned;  /* members with at least one data item */
  gint64 *category_held;    /* members holding the category (an item within retention) */
  gint64 *category_earns;   /* of those, members for whom it makes an offer true today */
  gint64 *offer_reach;      /* members the offer reaches today */
} GhHqScan;

/* One purpose's figures over the weeks of the range. */
typedef struct {
  double *share;            /* [week]: share of all members with it on at the week's end */
  double *store_share;      /* [store * n_weeks + week] */
  gint64 *switched_on;      /* [week] */
  gint64 *switched_off;     /* [week] */
  gint64  off_by_origin[GH_N_ORIGINS];  /* switch-offs in the range, by where */
  gint64  preview_opened;   /* in the range */
  gint64  preview_kept_on;
  gint64 *preview_opened_week;  /* [week] */
  gint64 *preview_kept_week;    /* [week] */
} GhHqPurposeFigures;

struct _GhHqReport {
  GhCatalog          *catalog;
  gint64              now;
  gint64              first_week;   /* unix seconds, Monday 00:00 UTC */
  guint               n_weeks;
  gint64              members;      /* members HQ holds */
  GhHqScan            scan;
  GPtrArray          *stores;       /* char*, sorted */
  GhHqPurposeFigures *purposes;     /* [purpose] */
  gint64             *copies;       /* [week]: data copies issued */
  gint64             *erasures;     /* [week]: erasures requested */
  double             *erasure_median_hours;  /* [week], -1 when none */
  double             *erasure_max_hours;     /* [week], -1 when none */
};

/* A report with its range set and its arrays made, no figure computed yet. */
GhHqReport *_gh_hq_report_new (GhCatalog               *catalog,
                               const GhHqReportOptions *options);

/* Evaluates every member's offers once, @n_workers threads each over its own range of
 * refs and its own connection. With @scan NULL it only evaluates (the benchmark's
 * floor); otherwise it fills @scan (arrays sized from @catalog). */
gboolean _gh_hq_report_scan (const char  *conninfo,
                             GhCatalog   *catalog,
                             gint64       now,
                             guint        n_workers,
                             GhHqScan    *scan,
                             GError     **error);
void     _gh_hq_scan_clear  (GhHqScan    *scan);

/* The set-based figures: members, stores, purposes by week, requests, previews. */
gboolean _gh_hq_report_sql  (GhHq        *hq,
                             GhHqReport  *report,
                             GError     **error);

/* An SVG chart, self-contained, for the page. */
typedef struct {
  const char *label;
  const char *color;   /* "#rrggbb" */
  double     *values;  /* [n] */
  gboolean    dashed;
} GhSvgSeries;

char *_gh_svg_line_chart (const char         *title,
                          const char * const *x_labels,
                          guint               n,
                          const GhSvgSeries  *series,
                          guint               n_series,
                          gboolean            percent);
/* Horizontal bars, each split in two parts (e.g. earns / does nothing). */
char *_gh_svg_bar_chart  (const char         *title,
                          const char * const *labels,
                          const double       *first,
                          const double       *second,
                          guint               n,
                          const char         *first_label,
                          const char         *second_label);

/* What a data category's figures say (docs/hq-report.md "Verdicts"). */
typedef enum {
  GH_VERDICT_EARNS,      /* makes an offer true for at least a tenth of those it is held for */
  GH_VERDICT_RARELY,     /* read by offers, but makes one true for under a tenth: flagged */
  GH_VERDICT_IDLE,       /* read by offers, but makes none true for anyone: flagged */
  GH_VERDICT_NO_OFFER,   /* held, and no offer reads it: flagged */
  GH_VERDICT_NOT_HELD,   /* held for nobody */
} GhVerdict;

#define GH_VERDICT_RARELY_BELOW 0.10

GhVerdict   _gh_hq_report_verdict      (GhHqReport *report,
                                        guint       category);
const char *_gh_verdict_to_string      (GhVerdict   verdict);
gboolean    _gh_verdict_is_flagged     (GhVerdict   verdict);
/* The offers reading @category_id, and the purposes that declare it or own such an
 * offer, in config order (borrowed GhOffer* / GhPurpose*). */
GPtrArray  *_gh_hq_report_readers      (GhHqReport *report,
                                        const char *category_id,
                                        GPtrArray **purposes);

/* "1,234" / "1.234": numbers in @language's way. */
char *_gh_report_format_count (gint64 value);
char *_gh_report_format_percent (double share);

G_END_DECLS
