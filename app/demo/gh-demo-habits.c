/* A demo shopper's habits: purchases (with repeats of what runs out), store
 * visits, app browsing, sizes, wishes, how they like to be contacted and what a
 * partner says about their household, drawn from their own random stream.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include "demo/gh-demo-shopper-private.h"

static int
purchase_age (Shopper *s)
{
  int window = MIN (PURCHASE_WINDOW, s->plan->retention[CAT_PURCHASE] - 1);

  /* A lapsing shopper has not bought anything for a while. */
  if (s->lapsing && window > 200)
    return rng_range (&s->rng, 150, window);
  /* Recent purchases are more common than old ones. */
  {
    /* One draw per statement: C leaves the order of calls within an expression
     * open, and the output must not depend on the compiler. */
    double u = rng_unit (&s->rng);
    double v = rng_unit (&s->rng);
    return 1 + (int) (window * u * (0.3 + 0.7 * v));
  }
}

/* Writes "item":…,"sku":… as members of the open object. */
static void
put_product (Shopper             *s,
             const GhDemoProduct *product)
{
  if (!s->first_member)
    g_string_append_c (s->text, ',');
  g_string_append (s->text, product->item_json);
  s->first_member = FALSE;
}

static void
add_purchase (Shopper             *s,
              GhDemoDepartment     department,
              const GhDemoProduct *product,
              int                  days_ago)
{
  guint64 cents = (guint64) rng_range (&s->rng, product->price_low, product->price_high) * 100;
  static const int endings[] = { 99, 95, 50, 0 };

  cents = cents - 100 + endings[rng_below (&s->rng, G_N_ELEMENTS (endings))];
  if (cents == 0)
    cents = 99;
  /* Price-sensitive shoppers buy on sale often. */
  if (s->price_sensitive && rng_chance (&s->rng, 0.45))
    cents = cents * (60 + rng_below (&s->rng, 21)) / 100;

  item_begin (s);
  put_string (s, "department", _gh_demo_department_ids[department]);
  put_product (s, product);
  put_hundredths (s, "amount", cents);
  put_string (s, "currency", s->in->currency);
  put_string (s, "store", s->in->store_ids[pick_store (s)]);
  put_bool (s, "consumable", product->consumable);
  item_end (s, CAT_PURCHASE, days_ago);

  s->bought[department]++;
  if (product->consumable)
    s->bought_consumable[department]++;
  s->spend_cents += cents;
  s->newest_purchase_age = MIN (s->newest_purchase_age, days_ago);
}

/* A run of repeat purchases of one consumable, a few weeks apart, the last
 * one @days_ago. Returns how many were written. */
static int
add_repeats (Shopper             *s,
             GhDemoDepartment     department,
             const GhDemoProduct *product,
             int                  days_ago,
             int                  most)
{
  int repeats = rng_range (&s->rng, 2, MIN (5, most));
  int interval = rng_range (&s->rng, 14, 45);

  days_ago = MIN (days_ago, s->plan->retention[CAT_PURCHASE] - 1 - repeats * interval);
  days_ago = MAX (days_ago, 1);
  for (int r = repeats - 1; r >= 0; r--)
    add_purchase (s, department, product, days_ago + r * interval);
  return repeats;
}

static gboolean
is_consumable (const GhDemoProduct *product)
{
  return product->consumable;
}

static gboolean
is_shoe (const GhDemoProduct *product)
{
  return product->size == SIZE_SHOE;
}

/* The first product from a random start that is @wanted, or NULL. */
static const GhDemoProduct *
pick_product_if (Shopper         *s,
                 GhDemoDepartment department,
                 gboolean       (*wanted) (const GhDemoProduct *product))
{
  GArray *products = s->in->departments[department].products;
  guint start = rng_below (&s->rng, products->len);

  for (guint i = 0; i < products->len; i++)
    {
      const GhDemoProduct *product = &g_array_index (products, GhDemoProduct,
                                                     (start + i) % products->len);
      if (wanted (product))
        return product;
    }
  return NULL;
}

int
_gh_demo_add_purchases (Shopper *s,
                        int      budget)
{
  int written = 0;

  /* Habits: most shoppers have a staple they keep buying (parents: for the
   * baby), and runners wear out running shoes. */
  if (budget >= 3 && rng_chance (&s->rng, 0.6))
    {
      GhDemoDepartment department = s->parent && rng_chance (&s->rng, 0.7)
                              ? DEPT_KIDS : pick_weighted (&s->rng, s->weights, N_DEPTS);
      const GhDemoProduct *staple = pick_product_if (s, department, is_consumable);

      if (staple != NULL && !s->lapsing)
        written += add_repeats (s, department, staple, rng_range (&s->rng, 1, 40),
                                budget - written);
    }
  if (s->runner && budget - written >= 1 && rng_chance (&s->rng, 0.7))
    {
      const GhDemoProduct *shoes = pick_product_if (s, DEPT_RUNNING, is_shoe);

      if (shoes != NULL)
        {
          add_purchase (s, DEPT_RUNNING, shoes, purchase_age (s));
          written++;
        }
    }

  while (written < budget)
    {
      GhDemoDepartment department = pick_weighted (&s->rng, s->weights, N_DEPTS);
      const GhDemoProduct *product = pick_product (s, department);
      int days_ago = purchase_age (s);

      /* Consumables come back: a run of repeat purchases a few weeks apart. */
      if (product->consumable && budget - written >= 3 && rng_chance (&s->rng, 0.5))
        written += add_repeats (s, department, product, days_ago, budget - written);
      else
        {
          add_purchase (s, department, product, days_ago);
          written++;
        }
    }
  return written;
}

void
_gh_demo_add_visits (Shopper *s,
                     int      count)
{
  for (int i = 0; i < count; i++)
    {
      guint store = pick_store (s);
      int window = MIN (VISIT_WINDOW, s->plan->retention[CAT_VISIT] - 1);
      guint browse = rng_below (&s->rng, 30);
      guint queue = rng_below (&s->rng, 60);

      item_begin (s);
      put_string (s, "store", s->in->store_ids[store]);
      put_string (s, "store_name", s->in->store_names[store]);
      put_number (s, "dwell_minutes", 4 + browse + queue);
      item_end (s, CAT_VISIT, s->lapsing ? rng_range (&s->rng, MIN (150, window), window)
                                         : rng_range (&s->rng, 1, window));
    }
}

void
_gh_demo_add_browsing (Shopper *s,
                       int      count)
{
  for (int i = 0; i < count; i++)
    {
      GhDemoDepartment department = pick_weighted (&s->rng, s->weights, N_DEPTS);

      item_begin (s);
      put_string (s, "department", _gh_demo_department_ids[department]);
      put_product (s, pick_product (s, department));
      put_number (s, "views", 1 + rng_below (&s->rng, 4) * rng_below (&s->rng, 4));
      item_end (s, CAT_BROWSING, rng_range (&s->rng, 1, BROWSE_WINDOW));
      s->browsed[department]++;
    }
}

void
_gh_demo_add_size (Shopper       *s,
                   GhDemoSizeKind kind)
{
  char shoe[8];

  item_begin (s);
  put_string (s, "kind", kind == SIZE_SHOE ? "shoe" : "clothing");
  if (kind == SIZE_SHOE)
    g_snprintf (shoe, sizeof shoe, "%d", s->shoe_size);
  put_string (s, "size",
              kind == SIZE_SHOE ? shoe
              : (const char *) g_ptr_array_index (s->in->clothing_sizes, s->clothing_size));
  item_end (s, CAT_SIZES, rng_range (&s->rng, 1, MIN (s->tenure_days, 700)));
}

void
_gh_demo_add_wish (Shopper *s)
{
  GhDemoDepartment department = pick_weighted (&s->rng, s->weights, N_DEPTS);
  const GhDemoProduct *product;
  char shoe[8];

  /* Wishlists lean to things that come in sizes. */
  for (int tries = 0; tries < 3; tries++)
    {
      product = pick_product (s, department);
      if (product->size != SIZE_NONE)
        break;
    }
  item_begin (s);
  put_product (s, product);
  if (product->size == SIZE_SHOE)
    {
      g_snprintf (shoe, sizeof shoe, "%d", s->shoe_size);
      put_string (s, "size", shoe);
    }
  else if (product->size == SIZE_CLOTHING)
    put_string (s, "size", g_ptr_array_index (s->in->clothing_sizes, s->clothing_size));
  else
    put_string (s, "size", "one size");
  put_bool (s, "in_stock", rng_chance (&s->rng, 0.7));
  item_end (s, CAT_WISHLIST, rng_range (&s->rng, 1, WISH_WINDOW));
}

void
_gh_demo_add_communication (Shopper    *s,
                            const char *channel)
{
  GPtrArray *frequencies = s->in->frequencies;

  item_begin (s);
  put_string (s, "channel", channel);
  put_string (s, "frequency",
              g_ptr_array_index (frequencies, rng_below (&s->rng, frequencies->len)));
  item_end (s, CAT_COMMUNICATION, rng_range (&s->rng, 1, MIN (s->tenure_days, 700)));
}

void
_gh_demo_add_household (Shopper *s)
{
  GPtrArray *partners = s->in->partners;
  guint size;

  item_begin (s);
  if (s->parent)
    size = (guint) rng_range (&s->rng, 3, 5);
  else
    {
      size = 1 + rng_below (&s->rng, 2);
      size += rng_below (&s->rng, 3);
    }
  put_number (s, "household_size", size);
  put_string (s, "partner", g_ptr_array_index (partners, rng_below (&s->rng, partners->len)));
  item_end (s, CAT_HOUSEHOLD, rng_range (&s->rng, 30, 400));
}
