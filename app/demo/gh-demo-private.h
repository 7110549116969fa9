/* What the files of the demo-shopper generator share: the data categories,
 * departments and segments demo shoppers are made of, the parsed
 * data/demo/shoppers.json, one run's plan, and the batches that carry shoppers
 * from the generator thread (gh-demo-shopper.c) to the writer (gh-demo-import.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "demo/gh-demo.h"

G_BEGIN_DECLS

#define DAY 86400
#define LOYALTY_BASE G_GUINT64_CONSTANT (4000000000)
#define N_PINS 10000
#define BATCH_CUSTOMERS 2000
#define N_BATCHES 4
#define MAX_ITEMS 60
#define MIN_ITEMS 10

/* How far back each kind of behaviour reaches, in days, before retention trims it. */
#define PURCHASE_WINDOW 720
#define VISIT_WINDOW    180
#define BROWSE_WINDOW   90
#define WISH_WINDOW     365
#define SEGMENT_WINDOW  45

/* ---- what the demo shoppers hold (docs/config-format.md, "Data items") ---- */

typedef enum {
  CAT_NAME,
  CAT_EMAIL,
  CAT_PHONE,
  CAT_POSTCODE,
  CAT_BIRTH,
  CAT_PURCHASE,
  CAT_VISIT,
  CAT_BROWSING,
  CAT_SIZES,
  CAT_WISHLIST,
  CAT_COMMUNICATION,
  CAT_PROFILE,
  CAT_HOUSEHOLD,
  N_CATEGORIES
} GhDemoCategory;

extern const char *_gh_demo_category_ids[N_CATEGORIES + 1];  /* NULL-terminated */
extern const GhSource _gh_demo_category_sources[N_CATEGORIES];

typedef enum {
  DEPT_RUNNING,
  DEPT_OUTDOOR,
  DEPT_WOMENSWEAR,
  DEPT_MENSWEAR,
  DEPT_KIDS,
  DEPT_HOME,
  DEPT_BEAUTY,
  DEPT_GROCERY,
  N_DEPTS
} GhDemoDepartment;

extern const char *_gh_demo_department_ids[N_DEPTS];

/* Segments are inferred from the shopper's own rows by the rules in infer_segments(). */
typedef enum {
  SEG_RUNNER,
  SEG_OUTDOOR,
  SEG_NEW_PARENT,
  SEG_PRICE,
  SEG_HOME,
  SEG_BEAUTY,
  SEG_FASHION,
  SEG_GROCERY,
  SEG_HIGH_VALUE,
  SEG_LAPSING,
  N_SEGMENTS
} GhDemoSegment;

extern const char *_gh_demo_segment_ids[N_SEGMENTS];

/* ---- the generator's inputs, from data/demo/shoppers.json ---------------- */

typedef struct {
  char *plain;
  char *json;    /* the name as a JSON string body (escaped, no quotes) */
  char *ascii;   /* lower-case a-z0-9 only, for e-mail addresses */
} GhDemoName;

typedef struct {
  char  *code;
  guint  weight;
  char  *phone;      /* '#' is a digit */
  char  *postcode;   /* '#' a digit, '@' a capital letter */
  GPtrArray *domains;
  GArray *female, *male, *surnames;  /* GhDemoName */
} GhDemoCountry;

typedef enum { SIZE_NONE, SIZE_SHOE, SIZE_CLOTHING } GhDemoSizeKind;

typedef struct {
  char           *item_json;  /* "item":"…","sku":"…" */
  int             price_low, price_high;  /* whole euros */
  gboolean        consumable;
  GhDemoSizeKind  size;
} GhDemoProduct;

typedef struct {
  GArray *products;  /* GhDemoProduct */
} GhDemoDepartmentInputs;

typedef struct {
  char *currency;
  char *store_ids[8];
  char *store_names[8];
  guint n_stores;
  GPtrArray *countries;  /* GhDemoCountry* */
  guint total_weight;
  GhDemoDepartmentInputs departments[N_DEPTS];
  GPtrArray *clothing_sizes;
  int shoe_female[2], shoe_male[2];
  GPtrArray *frequencies;
  char *segment_labels[N_SEGMENTS];  /* JSON-escaped */
  GPtrArray *partners;               /* JSON-escaped */
} GhDemoInputs;

/* Appends @text escaped for a JSON string (without the quotes). */
void _gh_demo_append_json_escaped (GString    *out,
                                   const char *text);

/* Parsed once per process and never freed: the inputs are immutable and small. */
const GhDemoInputs *_gh_demo_get_inputs (GError **error);

/* ---- randomness ----------------------------------------------------------- */

/* splitmix64's finaliser: a bijection on 64-bit values with good avalanche. */
static inline guint64
_gh_demo_mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* ---- one run's plan and its batches ---------------------------------------- */

typedef struct {
  char           *id;
  guint64         id_hash;
  GhLegalBasis    basis;
  GhConsentState  default_state;
  char           *notice_version;
} GhDemoPurposePlan;

typedef struct {
  const GhDemoInputs *inputs;
  guint               n_customers;
  guint64             seed;
  guint64             ref_key;
  gint64              day0;                     /* today 00:00 UTC, unix seconds */
  GDate               today;
  int                 retention[N_CATEGORIES];  /* days */
  int                 category_rank[N_CATEGORIES];  /* position of the id in byte order */
  GArray             *purposes;                 /* GhDemoPurposePlan */
  char               *pin_hashes[N_PINS];       /* filled lazily by the generator thread */
} GhDemoPlan;

typedef struct {
  guint       index;          /* 1-based shopper number */
  gsize       loyalty_id;     /* offsets into the batch text */
  gsize       ref;
  gsize       name;
  const char *pin_hash;
  gint64      created_at;
  guint       n_items;
  guint       n_consents;
} GhDemoCustomer;

typedef struct {
  GhDemoCategory category;
  gsize          attributes;
  int            length;
  gint64         collected_at;
  gint64         retained_until;
} GhDemoItem;

typedef struct {
  guint           purpose;
  GhConsentState  state;
  gint64          updated_at;
} GhDemoConsent;

typedef struct {
  GString *text;        /* every string of the batch, each NUL-terminated */
  GArray  *customers;   /* GhDemoCustomer */
  GArray  *items;       /* GhDemoItem, in customer order */
  GArray  *consents;    /* GhDemoConsent, in customer order */
  gboolean last;
} GhDemoBatch;

/* Appends shopper @index (1-based) to @batch; the generator thread's work.
 * Fills @plan's PIN hashes as it goes. */
void     _gh_demo_generate_customer (GhDemoPlan    *plan,
                                     GhDemoBatch   *batch,
                                     guint          index);

/* Fails with GH_DEMO_ERROR_NOT_EMPTY when @store has shoppers. */
gboolean _gh_demo_store_is_empty    (GhStore       *store,
                                     GError       **error);

/* Writes @plan's shoppers as a member feed to @output (docs/member-feed.md), each
 * member in @store_id (NULL: the demo's own stores). Counts what it wrote. */
gboolean _gh_demo_write_feed        (GhDemoPlan     *plan,
                                     const char     *store_id,
                                     GOutputStream  *output,
                                     GhDemoSummary  *summary,
                                     GCancellable   *cancellable,
                                     GError        **error);

/* Imports @plan's shoppers into @store through gh_member_import (), the feed
 * written by a second thread. */
gboolean _gh_demo_import             (GhStore       *store,
                                     GhCatalog     *catalog,
                                     GhDemoPlan    *plan,
                                     GhDemoSummary *summary,
                                     GError       **error);

G_END_DECLS
