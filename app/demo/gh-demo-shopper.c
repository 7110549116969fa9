/* One deterministic demo shopper: who they are, what they bought, visited,
 * browsed and wished for, the segments a retailer's model would infer from
 * that, and their consents, all drawn from a random stream of their own so a
 * shopper does not change when others are added. Items are written straight
 * into the batch's text as JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-demo"
#include "config.h"

#include "demo/gh-demo-shopper-private.h"

#include <sodium.h>
#include <string.h>

static void
choose_identity (Shopper *s)
{
  const GhDemoInputs *in = s->in;
  guint point = rng_below (&s->rng, in->total_weight);
  GArray *firsts;

  for (guint i = 0; i < in->countries->len; i++)
    {
      const GhDemoCountry *country = g_ptr_array_index (in->countries, i);
      if (point < country->weight)
        {
          s->country = country;
          break;
        }
      point -= country->weight;
    }
  s->female = rng_chance (&s->rng, 0.53);
  firsts = s->female ? s->country->female : s->country->male;
  s->first = &g_array_index (firsts, GhDemoName, rng_below (&s->rng, firsts->len));
  s->last = &g_array_index (s->country->surnames, GhDemoName,
                            rng_below (&s->rng, s->country->surnames->len));

  /* 18..85, most between 25 and 60 */
  {
    double u = rng_unit (&s->rng), v = rng_unit (&s->rng);
    s->age = 18 + (int) (67.0 * (0.35 * u + 0.65 * u * v + 0.3 * v * (1 - u)));
    s->age = MIN (s->age, 85);
  }
  s->home_store = rng_below (&s->rng, in->n_stores);
  s->tenure_days = 30 + rng_below (&s->rng, 9 * 365);
}

static void
choose_habits (Shopper *s)
{
  static const double base[N_DEPTS] = { 1.0, 1.0, 0, 0, 0.1, 1.5, 1.2, 2.5 };

  memcpy (s->weights, base, sizeof base);
  s->weights[DEPT_WOMENSWEAR] = s->female ? 2.5 : 0.4;
  s->weights[DEPT_MENSWEAR] = s->female ? 0.4 : 2.5;
  if (!s->female)
    s->weights[DEPT_BEAUTY] = 0.6;

  s->runner = rng_chance (&s->rng, s->age < 50 ? 0.24 : 0.08);
  s->outdoorsy = rng_chance (&s->rng, 0.2);
  s->parent = s->age >= 24 && s->age <= 42 && rng_chance (&s->rng, 0.35);
  s->price_sensitive = rng_chance (&s->rng, s->age < 26 || s->age > 66 ? 0.5 : 0.28);
  s->lapsing = rng_chance (&s->rng, 0.08);
  if (s->runner)
    s->weights[DEPT_RUNNING] += 7;
  if (s->outdoorsy)
    s->weights[DEPT_OUTDOOR] += 5;
  if (s->parent)
    s->weights[DEPT_KIDS] += 8;
  if (rng_chance (&s->rng, 0.3))
    s->weights[DEPT_HOME] += 4;
  if (rng_chance (&s->rng, 0.3))
    s->weights[DEPT_BEAUTY] += 4;
  if (rng_chance (&s->rng, 0.3))
    s->weights[s->female ? DEPT_WOMENSWEAR : DEPT_MENSWEAR] += 4;
  if (rng_chance (&s->rng, 0.35))
    s->weights[DEPT_GROCERY] += 6;

  if (s->female)
    s->shoe_size = rng_range (&s->rng, s->in->shoe_female[0], s->in->shoe_female[1]);
  else
    s->shoe_size = rng_range (&s->rng, s->in->shoe_male[0], s->in->shoe_male[1]);
  s->clothing_size = MIN (rng_below (&s->rng, 3) + rng_below (&s->rng, 3) + (s->female ? 0 : 1),
                          s->in->clothing_sizes->len - 1);
  s->newest_purchase_age = G_MAXINT;
}

static void
add_name (Shopper *s)
{
  GString *value = g_string_new (NULL);

  item_begin (s);
  g_string_append_printf (value, "%s %s", s->first->json, s->last->json);
  put_string (s, "value", value->str);
  item_end (s, CAT_NAME, s->tenure_days);
  g_string_free (value, TRUE);
}

static void
add_email (Shopper *s,
           int      birth_year)
{
  const GhDemoCountry *country = s->country;
  const char *domain = g_ptr_array_index (country->domains,
                                          rng_below (&s->rng, country->domains->len));
  const char *first = s->first->ascii, *last = s->last->ascii;
  GString *value = g_string_new (NULL);

  switch (rng_below (&s->rng, 5))
    {
    case 0:
      g_string_append_printf (value, "%s.%s", first, last);
      break;
    case 1:
      g_string_append_printf (value, "%s%s%02u", first, last, rng_below (&s->rng, 100));
      break;
    case 2:
      g_string_append_printf (value, "%c.%s", first[0], last);
      break;
    case 3:
      g_string_append_printf (value, "%s_%s%02d", first, last, birth_year % 100);
      break;
    default:
      g_string_append_printf (value, "%s.%s%u", last, first, rng_below (&s->rng, 1000));
      break;
    }
  g_string_append_printf (value, "@%s", domain);
  item_begin (s);
  put_string (s, "value", value->str);
  item_end (s, CAT_EMAIL, s->tenure_days - rng_below (&s->rng, s->tenure_days / 2 + 1));
  g_string_free (value, TRUE);
}

static void
add_pattern_item (Shopper       *s,
                  GhDemoCategory category,
                  const char    *pattern)
{
  GString *value = g_string_new (NULL);

  fill_pattern (s, value, pattern);
  item_begin (s);
  put_string (s, "value", value->str);
  item_end (s, category, s->tenure_days - rng_below (&s->rng, s->tenure_days / 2 + 1));
  g_string_free (value, TRUE);
}

static int
add_birth_date (Shopper *s)
{
  static const struct { int upto; const char *label; } ranges[] = {
    { 24, "18-24" }, { 34, "25-34" }, { 44, "35-44" }, { 54, "45-54" }, { 64, "55-64" },
    { G_MAXINT, "65+" },
  };
  GDate birth = s->plan->today;
  char date[16];
  int age;

  g_date_subtract_years (&birth, s->age);
  g_date_subtract_days (&birth, rng_below (&s->rng, 365));
  age = g_date_get_year (&s->plan->today) - g_date_get_year (&birth);
  if (g_date_get_month (&s->plan->today) < g_date_get_month (&birth) ||
      (g_date_get_month (&s->plan->today) == g_date_get_month (&birth) &&
       g_date_get_day (&s->plan->today) < g_date_get_day (&birth)))
    age--;
  g_snprintf (date, sizeof date, "%04u-%02u-%02u", g_date_get_year (&birth),
              g_date_get_month (&birth), g_date_get_day (&birth));

  item_begin (s);
  put_string (s, "date", date);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (age <= ranges[i].upto)
      {
        put_string (s, "age_range", ranges[i].label);
        break;
      }
  item_end (s, CAT_BIRTH, s->tenure_days);
  return g_date_get_year (&birth);
}

static void
add_segment (Shopper *s,
             GhDemoSegment  segment,
             int      confidence)  /* percent */
{
  item_begin (s);
  put_string (s, "segment", _gh_demo_segment_ids[segment]);
  put_string (s, "label", s->in->segment_labels[segment]);
  put_hundredths (s, "confidence", CLAMP (confidence, 50, 98));
  item_end (s, CAT_PROFILE, rng_range (&s->rng, 1, SEGMENT_WINDOW));
}

/* What the retailer's model concludes from the rows above. It misses some
 * (coverage 85%) and now and then is wrong: the kiosk lets shoppers see that. */
static void
infer_segments (Shopper *s,
                int      room)
{
  gboolean hit[N_SEGMENTS] = { 0 };
  int strength[N_SEGMENTS] = { 0 };
  int total = 0;

  for (int d = 0; d < N_DEPTS; d++)
    total += s->bought[d];
  hit[SEG_RUNNER] = s->bought[DEPT_RUNNING] >= 2 ||
                    (s->bought[DEPT_RUNNING] >= 1 && s->browsed[DEPT_RUNNING] >= 1);
  strength[SEG_RUNNER] = s->bought[DEPT_RUNNING] + s->browsed[DEPT_RUNNING];
  hit[SEG_OUTDOOR] = s->bought[DEPT_OUTDOOR] >= 2;
  strength[SEG_OUTDOOR] = s->bought[DEPT_OUTDOOR];
  hit[SEG_NEW_PARENT] = s->bought_consumable[DEPT_KIDS] >= 1 && s->age >= 22 && s->age <= 45;
  strength[SEG_NEW_PARENT] = s->bought[DEPT_KIDS] + 1;
  hit[SEG_PRICE] = s->price_sensitive && total >= 3;
  strength[SEG_PRICE] = total / 2;
  hit[SEG_HOME] = s->bought[DEPT_HOME] >= 3;
  strength[SEG_HOME] = s->bought[DEPT_HOME];
  hit[SEG_BEAUTY] = s->bought_consumable[DEPT_BEAUTY] >= 2;
  strength[SEG_BEAUTY] = s->bought_consumable[DEPT_BEAUTY];
  hit[SEG_FASHION] = s->bought[DEPT_WOMENSWEAR] + s->bought[DEPT_MENSWEAR] >= 3;
  strength[SEG_FASHION] = s->bought[DEPT_WOMENSWEAR] + s->bought[DEPT_MENSWEAR];
  hit[SEG_GROCERY] = s->bought[DEPT_GROCERY] >= 4;
  strength[SEG_GROCERY] = s->bought[DEPT_GROCERY] / 2;
  hit[SEG_HIGH_VALUE] = s->spend_cents >= 60000;
  strength[SEG_HIGH_VALUE] = (int) (s->spend_cents / 30000);
  hit[SEG_LAPSING] = total >= 2 && s->newest_purchase_age > 120;
  strength[SEG_LAPSING] = s->newest_purchase_age / 60;

  for (int g = 0; g < N_SEGMENTS && room > 0; g++)
    {
      gboolean seen = rng_chance (&s->rng, 0.85);
      if (hit[g] && seen)
        {
          add_segment (s, g, 55 + 6 * MIN (strength[g], 6) + (int) rng_below (&s->rng, 8));
          room--;
        }
    }
  if (room > 0 && rng_chance (&s->rng, 0.05))
    {
      GhDemoSegment wrong = rng_below (&s->rng, N_SEGMENTS);
      if (!hit[wrong])
        add_segment (s, wrong, 50 + rng_below (&s->rng, 12));
    }
}

/* A shopper's attitude to data colours all of their choices. */
static void
add_consents (Shopper *s,
              guint64  customer_seed)
{
  const GhDemoPlan *plan = s->plan;
  double attitude = rng_unit (&s->rng);
  double consent_p = attitude < 0.3 ? 0.85 : attitude < 0.75 ? 0.45 : 0.08;
  double object_p = attitude < 0.75 ? 0.06 : 0.3;

  for (guint i = 0; i < plan->purposes->len; i++)
    {
      const GhDemoPurposePlan *purpose = &g_array_index (plan->purposes, GhDemoPurposePlan, i);
      /* Keyed on the purpose id, so reordering the config's purposes changes nothing. */
      Rng draw = { _gh_demo_mix64 (customer_seed ^ purpose->id_hash) };
      double p = 1.0;
      GhDemoConsent consent;

      if (purpose->basis == GH_LEGAL_BASIS_CONSENT)
        p = purpose->default_state == GH_CONSENT_GRANTED ? consent_p + (1 - consent_p) * 0.6
                                                         : consent_p;
      else if (purpose->basis == GH_LEGAL_BASIS_LEGITIMATE_INTEREST)
        p = 1.0 - object_p;
      consent.purpose = i;
      consent.state = rng_chance (&draw, p) ? GH_CONSENT_GRANTED : GH_CONSENT_REVOKED;
      consent.updated_at = plan->day0 - (gint64) rng_range (&draw, 1, s->tenure_days) * DAY;
      consent.updated_at += opening_hours (&draw);
      g_array_append_val (s->batch->consents, consent);
      s->customer->n_consents++;
    }
}

static const char *
pin_hash_for (GhDemoPlan *plan,
              guint       index)
{
  guint pin = index % N_PINS;

  if (plan->pin_hashes[pin] == NULL)
    {
      char text[8];
      char hash[crypto_pwhash_STRBYTES];

      g_snprintf (text, sizeof text, "%04u", pin);
      /* Demo only: the weakest argon2id cost, once per distinct PIN. Sign-in
       * notices the weak parameters and rehashes at the kiosk's cost. */
      if (crypto_pwhash_str (hash, text, 4, crypto_pwhash_OPSLIMIT_MIN,
                             crypto_pwhash_MEMLIMIT_MIN) != 0)
        g_error ("gh-demo: out of memory hashing a demo PIN");
      plan->pin_hashes[pin] = g_strdup (hash);
    }
  return plan->pin_hashes[pin];
}

static int
compare_item_category (gconstpointer a,
                       gconstpointer b,
                       gpointer      data)
{
  const GhDemoPlan *plan = data;

  return plan->category_rank[((const GhDemoItem *) a)->category]
         - plan->category_rank[((const GhDemoItem *) b)->category];
}

void
_gh_demo_generate_customer (GhDemoPlan  *plan,
                            GhDemoBatch *batch,
                            guint        index)
{
  guint64 customer_seed = _gh_demo_mix64 (plan->seed ^
                                          _gh_demo_mix64 (index + G_GUINT64_CONSTANT (0x5eed)));
  Shopper s = { 0 };
  GhDemoCustomer customer = { 0 };
  char buffer[64];
  int target, fixed, behaviour, purchases, visits = 0, browsing = 0, n_wishes, birth_year;
  guint first_item;
  gboolean email, phone, postcode, birth, shoe, clothing, household;
  gboolean comm_email, comm_sms, comm_post, app_user, wifi;

  s.plan = plan;
  s.in = plan->inputs;
  s.batch = batch;
  s.text = batch->text;
  s.rng.state = customer_seed;
  s.customer = &customer;
  choose_identity (&s);
  choose_habits (&s);

  customer.index = index;
  first_item = batch->items->len;
  g_snprintf (buffer, sizeof buffer, "%010" G_GUINT64_FORMAT, LOYALTY_BASE + index);
  customer.loyalty_id = put_text (s.text, buffer);
  /* A pseudonym unique by construction: a keyed bijection of the shopper number. */
  g_snprintf (buffer, sizeof buffer, "cust-%016" G_GINT64_MODIFIER "x",
              _gh_demo_mix64 (index ^ plan->ref_key));
  customer.ref = put_text (s.text, buffer);
  customer.name = s.text->len;
  g_string_append_printf (s.text, "%s %s", s.first->plain, s.last->plain);
  g_string_append_c (s.text, '\0');
  customer.pin_hash = pin_hash_for (plan, index);
  customer.created_at = plan->day0 - (gint64) s.tenure_days * DAY + opening_hours (&s.rng);

  /* Decide what is held first, so that the total lands in MIN_ITEMS..MAX_ITEMS. */
  email = rng_chance (&s.rng, 0.92);
  phone = rng_chance (&s.rng, 0.7);
  postcode = rng_chance (&s.rng, 0.85);
  birth = rng_chance (&s.rng, 0.8);
  shoe = rng_chance (&s.rng, s.runner ? 0.85 : 0.45);
  clothing = rng_chance (&s.rng, 0.5);
  household = rng_chance (&s.rng, 0.35);
  comm_email = email && rng_chance (&s.rng, 0.6);
  comm_sms = phone && rng_chance (&s.rng, 0.3);
  comm_post = postcode && rng_chance (&s.rng, 0.12);
  n_wishes = rng_chance (&s.rng, 0.4) ? rng_range (&s.rng, 1, 4) : 0;
  app_user = rng_chance (&s.rng, s.age < 60 ? 0.6 : 0.3);
  wifi = rng_chance (&s.rng, 0.6);
  fixed = 1 + email + phone + postcode + birth + shoe + clothing + household
          + comm_email + comm_sms + comm_post + n_wishes;
  {
    double u = rng_unit (&s.rng);
    target = MIN_ITEMS + (int) ((MAX_ITEMS - MIN_ITEMS + 1) * u * u * u);
  }
  behaviour = MAX (3, target - fixed);
  if (wifi)
    visits = (int) (behaviour * (0.1 + 0.2 * rng_unit (&s.rng)));
  if (app_user)
    browsing = (int) (behaviour * (0.1 + 0.2 * rng_unit (&s.rng)));
  purchases = behaviour - visits - browsing;

  add_name (&s);
  birth_year = g_date_get_year (&plan->today) - s.age;
  if (birth)
    birth_year = add_birth_date (&s);
  if (email)
    add_email (&s, birth_year);
  if (phone)
    add_pattern_item (&s, CAT_PHONE, s.country->phone);
  if (postcode)
    add_pattern_item (&s, CAT_POSTCODE, s.country->postcode);
  if (shoe)
    _gh_demo_add_size (&s, SIZE_SHOE);
  if (clothing)
    _gh_demo_add_size (&s, SIZE_CLOTHING);
  if (comm_email)
    _gh_demo_add_communication (&s, "email");
  if (comm_sms)
    _gh_demo_add_communication (&s, "sms");
  if (comm_post)
    _gh_demo_add_communication (&s, "post");
  for (int i = 0; i < n_wishes; i++)
    _gh_demo_add_wish (&s);
  if (household)
    _gh_demo_add_household (&s);
  _gh_demo_add_browsing (&s, browsing);
  _gh_demo_add_visits (&s, visits);
  _gh_demo_add_purchases (&s, purchases);
  infer_segments (&s, MAX_ITEMS - (int) customer.n_items);
  /* In the order of the data_item index (customer, category), so every index
   * insert is an append; the order within a category stays as generated. */
  g_qsort_with_data (&g_array_index (batch->items, GhDemoItem, first_item), customer.n_items,
                     sizeof (GhDemoItem), compare_item_category, plan);
  add_consents (&s, customer_seed);

  g_array_append_val (batch->customers, customer);
}
