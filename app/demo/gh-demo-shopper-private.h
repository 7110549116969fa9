/* What the files that build one demo shopper share: the shopper's own random
 * stream, the record being built, and the helpers that write its items as JSON
 * straight into the batch's text. Small and hot, so they are inline here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include "demo/gh-demo-private.h"

G_BEGIN_DECLS

/* ---- randomness ----------------------------------------------------------- */

typedef struct {
  guint64 state;
} Rng;

static inline guint64
rng_next (Rng *rng)
{
  rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return _gh_demo_mix64 (rng->state);
}

/* Uniform in [0, n). */
static inline guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

static inline int
rng_range (Rng *rng,
           int  low,
           int  high)
{
  return low + (int) rng_below (rng, (guint) (high - low + 1));
}

static inline double
rng_unit (Rng *rng)
{
  return (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static inline gboolean
rng_chance (Rng    *rng,
            double  p)
{
  return rng_unit (rng) < p;
}

/* Seconds after midnight, 08:00 to 21:00: when shops see people. */
static inline gint64
opening_hours (Rng *rng)
{
  return 8 * 3600 + rng_below (rng, 13 * 3600);
}

typedef struct {
  const GhDemoPlan    *plan;
  const GhDemoInputs  *in;
  GhDemoBatch         *batch;
  GString             *text;
  Rng                  rng;
  gsize                item_start;
  gboolean             first_member;
  GhDemoCustomer      *customer;

  /* who they are */
  gboolean             female;
  int                  age;
  const GhDemoCountry *country;
  const GhDemoName    *first, *last;
  guint                home_store;
  int                  tenure_days;
  double               weights[N_DEPTS];
  gboolean             runner, outdoorsy, parent, price_sensitive, lapsing;
  int                  shoe_size;
  guint                clothing_size;

  /* what they did, for the segment rules */
  int                  bought[N_DEPTS];
  int                  bought_consumable[N_DEPTS];
  int                  browsed[N_DEPTS];
  gint64               spend_cents;
  int                  newest_purchase_age;
} Shopper;

static inline void
put_uint (GString *text,
          guint64  value)
{
  char digits[24];
  int n = 0;

  do
    digits[n++] = '0' + value % 10;
  while ((value /= 10) > 0);
  while (n > 0)
    g_string_append_c (text, digits[--n]);
}

static inline void
put_key (Shopper    *s,
         const char *key)
{
  if (!s->first_member)
    g_string_append_c (s->text, ',');
  s->first_member = FALSE;
  g_string_append_c (s->text, '"');
  g_string_append (s->text, key);
  g_string_append (s->text, "\":");
}

/* @escaped is already a JSON string body. */
static inline void
put_string (Shopper    *s,
            const char *key,
            const char *escaped)
{
  put_key (s, key);
  g_string_append_c (s->text, '"');
  g_string_append (s->text, escaped);
  g_string_append_c (s->text, '"');
}

static inline void
put_number (Shopper *s,
            const char *key,
            guint64  value)
{
  put_key (s, key);
  put_uint (s->text, value);
}

/* Two decimals without printf, whose decimal point follows the locale. */
static inline void
put_hundredths (Shopper    *s,
                const char *key,
                guint64     hundredths)
{
  put_key (s, key);
  put_uint (s->text, hundredths / 100);
  g_string_append_c (s->text, '.');
  g_string_append_c (s->text, '0' + (hundredths % 100) / 10);
  g_string_append_c (s->text, '0' + hundredths % 10);
}

static inline void
put_bool (Shopper    *s,
          const char *key,
          gboolean    value)
{
  put_key (s, key);
  g_string_append (s->text, value ? "true" : "false");
}

static inline void
item_begin (Shopper *s)
{
  s->item_start = s->text->len;
  s->first_member = TRUE;
  g_string_append_c (s->text, '{');
}

/* @days_ago counts back from today; the time of day falls in opening hours. */
static inline void
item_end (Shopper       *s,
          GhDemoCategory category,
          int            days_ago)
{
  const GhDemoPlan *plan = s->plan;
  GhDemoItem item;

  /* Never older than retention allows: such an item would already be deleted. A member
   * of many years has confirmed their details since, at some point within the window;
   * clamping them all to its last day made every long-standing shopper's name "deleted
   * tomorrow". The spread comes from the age itself, not from the RNG, so every other
   * value of a seed's demo stays as it was. */
  if (days_ago >= plan->retention[category])
    days_ago = 1 + (int) (((guint32) days_ago * 2654435761u) % (guint32) (plan->retention[category] - 1));
  days_ago = CLAMP (days_ago, 1, plan->retention[category] - 1);
  g_string_append_c (s->text, '}');
  item.category = category;
  item.attributes = s->item_start;
  item.length = (int) (s->text->len - s->item_start);
  item.collected_at = plan->day0 - (gint64) days_ago * DAY + opening_hours (&s->rng);
  item.retained_until = item.collected_at + (gint64) plan->retention[category] * DAY;
  g_string_append_c (s->text, '\0');
  g_array_append_val (s->batch->items, item);
  s->customer->n_items++;
}

static inline gsize
put_text (GString    *text,
          const char *value)
{
  gsize offset = text->len;

  g_string_append (text, value);
  g_string_append_c (text, '\0');
  return offset;
}

static inline void
fill_pattern (Shopper    *s,
              GString    *out,
              const char *pattern)
{
  for (const char *p = pattern; *p != '\0'; p++)
    {
      if (*p == '#')
        g_string_append_c (out, '0' + rng_below (&s->rng, 10));
      else if (*p == '@')
        g_string_append_c (out, "ABCDEFGHJKLMNPRSTVWXYZ"[rng_below (&s->rng, 22)]);
      else
        g_string_append_c (out, *p);
    }
}

static inline guint
pick_weighted (Rng          *rng,
               const double *weights,
               guint         n)
{
  double total = 0, point;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  point = rng_unit (rng) * total;
  for (guint i = 0; i < n; i++)
    {
      if (point < weights[i])
        return i;
      point -= weights[i];
    }
  return n - 1;
}

static inline guint
pick_store (Shopper *s)
{
  return rng_chance (&s->rng, 0.7) ? s->home_store : rng_below (&s->rng, s->in->n_stores);
}

static inline const GhDemoProduct *
pick_product (Shopper         *s,
              GhDemoDepartment department)
{
  GArray *products = s->in->departments[department].products;
  return &g_array_index (products, GhDemoProduct, rng_below (&s->rng, products->len));
}

/* gh-demo-habits.c: what the shopper bought, visited, browsed, wished for and told us. */
int  _gh_demo_add_purchases     (Shopper *s,
                                 int      n);
void _gh_demo_add_visits        (Shopper *s,
                                 int      n);
void _gh_demo_add_browsing      (Shopper *s,
                                 int      n);
void _gh_demo_add_size          (Shopper       *s,
                                 GhDemoSizeKind kind);
void _gh_demo_add_wish          (Shopper *s);
void _gh_demo_add_communication (Shopper    *s,
                                 const char *channel);
void _gh_demo_add_household     (Shopper *s);

G_END_DECLS
