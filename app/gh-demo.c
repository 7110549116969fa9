/* The demo shoppers. A generator thread turns (seed, today, shopper number)
 * into rows, using the names, products and segments of data/demo/shoppers.json
 * (compiled in as a GResource), while the calling thread writes batches of them
 * with prepared statements in a single transaction. Each shopper draws from a
 * random stream of their own, so a shopper does not change when others are
 * added, and the output is identical for identical arguments whatever the
 * thread timing. The import relaxes durability only while it runs (rollback
 * journal, synchronous=OFF, a big cache, no foreign-key checks on rows built
 * consistent by construction) and syncs the file before it returns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-demo.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "gh-demo-resources.h"
#include "gh-store-private.h"

G_DEFINE_QUARK (gh-demo-error-quark, gh_demo_error)

#define DAY 86400
#define LOYALTY_BASE G_GUINT64_CONSTANT (4000000000)
#define N_PINS 10000
#define BATCH_CUSTOMERS 2000
#define N_BATCHES 4
#define MAX_ITEMS 60
#define MIN_ITEMS 10

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
} Category;

static const char *category_ids[N_CATEGORIES + 1] = {
  "user.name",
  "user.contact.email",
  "user.contact.phone",
  "user.contact.address.postal_code",
  "user.demographic.date_of_birth",
  "user.behavior.purchase_history",
  "user.location.imprecise",
  "user.behavior.browsing_history",
  "user.preference.sizes",
  "user.preference.wishlist",
  "user.preference.communication",
  "user.demographic.profile",
  "user.demographic.household",
  NULL
};

static const GhSource category_sources[N_CATEGORIES] = {
  GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED,
  GH_SOURCE_PROVIDED, GH_SOURCE_OBSERVED, GH_SOURCE_OBSERVED, GH_SOURCE_OBSERVED,
  GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_PROVIDED, GH_SOURCE_INFERRED,
  GH_SOURCE_THIRD_PARTY,
};

/* How far back each kind of behaviour reaches, in days, before retention trims it. */
#define PURCHASE_WINDOW 720
#define VISIT_WINDOW    180
#define BROWSE_WINDOW   90
#define WISH_WINDOW     365
#define SEGMENT_WINDOW  45

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
} Department;

static const char *department_ids[N_DEPTS] = {
  "running", "outdoor", "womenswear", "menswear", "kids", "home", "beauty", "grocery",
};

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
} Segment;

static const char *segment_ids[N_SEGMENTS] = {
  "likely_runner", "outdoor_enthusiast", "new_parent", "price_sensitive", "home_maker",
  "beauty_regular", "fashion_follower", "weekly_grocery_shopper", "high_value", "lapsing",
};

const char * const *
gh_demo_get_categories (void)
{
  return category_ids;
}

/* ---- the generator's inputs, from data/demo/shoppers.json ---------------- */

typedef struct {
  char *plain;
  char *json;    /* the name as a JSON string body (escaped, no quotes) */
  char *ascii;   /* lower-case a-z0-9 only, for e-mail addresses */
} Name;

typedef struct {
  char  *code;
  guint  weight;
  char  *phone;      /* '#' is a digit */
  char  *postcode;   /* '#' a digit, '@' a capital letter */
  GPtrArray *domains;
  GArray *female, *male, *surnames;  /* Name */
} Country;

typedef enum { SIZE_NONE, SIZE_SHOE, SIZE_CLOTHING } SizeKind;

typedef struct {
  char     *item_json;  /* "item":"…","sku":"…" */
  int       price_low, price_high;  /* whole euros */
  gboolean  consumable;
  SizeKind  size;
} Product;

typedef struct {
  GArray *products;  /* Product */
} DepartmentInputs;

typedef struct {
  char *currency;
  char *store_ids[8];
  char *store_names[8];
  guint n_stores;
  GPtrArray *countries;  /* Country* */
  guint total_weight;
  DepartmentInputs departments[N_DEPTS];
  GPtrArray *clothing_sizes;
  int shoe_female[2], shoe_male[2];
  GPtrArray *frequencies;
  char *segment_labels[N_SEGMENTS];  /* JSON-escaped */
  GPtrArray *partners;               /* JSON-escaped */
} Inputs;

static void
append_json_escaped (GString    *out,
                     const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
}

static char *
json_escaped (const char *text)
{
  GString *out = g_string_new (NULL);
  append_json_escaped (out, text);
  return g_string_free (out, FALSE);
}

static char *
ascii_slug (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
inputs_fail (GError    **error,
             const char *path,
             const char *why)
{
  g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS,
               "data/demo/shoppers.json: %s: %s", path, why);
  return FALSE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name,
              guint       min_length)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  if (json_array_get_length (json_node_get_array (node)) < min_length)
    return NULL;
  return json_node_get_array (node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GPtrArray *
string_list (JsonArray *array,
             gboolean   escape)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = json_array_get_string_element (array, i);
      if (text == NULL)
        {
          g_ptr_array_unref (list);
          return NULL;
        }
      g_ptr_array_add (list, escape ? json_escaped (text) : g_strdup (text));
    }
  return list;
}

static GArray *
name_list (JsonArray *array)
{
  GArray *names;

  if (array == NULL)
    return NULL;
  names = g_array_new (FALSE, FALSE, sizeof (Name));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *text = json_array_get_string_element (array, i);
      Name name;

      if (text == NULL || *text == '\0')
        {
          g_array_unref (names);
          return NULL;
        }
      name.plain = g_strdup (text);
      name.json = json_escaped (text);
      name.ascii = ascii_slug (text);
      g_array_append_val (names, name);
      if (*name.ascii == '\0')
        {
          /* e-mail addresses are made from it */
          g_array_unref (names);
          return NULL;
        }
    }
  return names;
}

static gboolean
load_countries (Inputs     *inputs,
                JsonObject *root,
                GError    **error)
{
  JsonArray *countries = member_array (root, "countries", 1);

  if (countries == NULL)
    return inputs_fail (error, "countries", "missing or empty");
  inputs->countries = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (countries); i++)
    {
      JsonObject *object = json_array_get_object_element (countries, i);
      g_autofree char *path = g_strdup_printf ("countries[%u]", i);
      Country *country;
      JsonArray *domains;

      if (object == NULL)
        return inputs_fail (error, path, "not an object");
      country = g_new0 (Country, 1);
      g_ptr_array_add (inputs->countries, country);
      country->code = g_strdup (member_string (object, "code"));
      country->phone = g_strdup (member_string (object, "phone"));
      country->postcode = g_strdup (member_string (object, "postcode"));
      country->weight = json_object_get_int_member_with_default (object, "weight", 0);
      domains = member_array (object, "email_domains", 1);
      country->domains = domains != NULL ? string_list (domains, TRUE) : NULL;
      country->female = name_list (member_array (object, "female", 1));
      country->male = name_list (member_array (object, "male", 1));
      country->surnames = name_list (member_array (object, "surnames", 1));
      if (country->code == NULL || country->phone == NULL || country->postcode == NULL ||
          country->weight == 0 || country->domains == NULL || country->female == NULL ||
          country->male == NULL || country->surnames == NULL)
        return inputs_fail (error, path,
                            "needs code, weight > 0, phone, postcode, email_domains, female, male "
                            "and surnames (names with at least one Latin letter)");
      inputs->total_weight += country->weight;
    }
  return TRUE;
}

static gboolean
load_departments (Inputs     *inputs,
                  JsonObject *root,
                  GError    **error)
{
  JsonArray *departments = member_array (root, "departments", N_DEPTS);

  if (departments == NULL)
    return inputs_fail (error, "departments", "missing or incomplete");
  for (guint i = 0; i < json_array_get_length (departments); i++)
    {
      JsonObject *object = json_array_get_object_element (departments, i);
      g_autofree char *path = g_strdup_printf ("departments[%u]", i);
      const char *id = object != NULL ? member_string (object, "id") : NULL;
      JsonArray *products = object != NULL ? member_array (object, "products", 1) : NULL;
      guint d;

      for (d = 0; d < N_DEPTS; d++)
        if (g_strcmp0 (id, department_ids[d]) == 0)
          break;
      if (d == N_DEPTS || products == NULL || inputs->departments[d].products != NULL)
        return inputs_fail (error, path, "needs a known, unrepeated id and products");
      inputs->departments[d].products = g_array_new (FALSE, FALSE, sizeof (Product));
      for (guint p = 0; p < json_array_get_length (products); p++)
        {
          JsonObject *product = json_array_get_object_element (products, p);
          g_autofree char *product_path = g_strdup_printf ("%s.products[%u]", path, p);
          const char *item = product != NULL ? member_string (product, "item") : NULL;
          const char *sku = product != NULL ? member_string (product, "sku") : NULL;
          JsonArray *price = product != NULL ? member_array (product, "price", 2) : NULL;
          const char *size = product != NULL ? member_string (product, "size") : NULL;
          GString *json;
          Product entry = { 0 };

          if (item == NULL || sku == NULL || price == NULL)
            return inputs_fail (error, product_path, "needs item, sku and price [low, high]");
          entry.price_low = json_array_get_int_element (price, 0);
          entry.price_high = json_array_get_int_element (price, 1);
          if (entry.price_low < 1 || entry.price_high < entry.price_low)
            return inputs_fail (error, product_path,
                                "price must be [low, high] with 1 <= low <= high");
          entry.consumable = json_object_get_boolean_member_with_default (product, "consumable",
                                                                          FALSE);
          if (size == NULL)
            entry.size = SIZE_NONE;
          else if (g_str_equal (size, "shoe"))
            entry.size = SIZE_SHOE;
          else if (g_str_equal (size, "clothing"))
            entry.size = SIZE_CLOTHING;
          else
            return inputs_fail (error, product_path, "size must be \"shoe\" or \"clothing\"");
          json = g_string_new ("\"item\":\"");
          append_json_escaped (json, item);
          g_string_append (json, "\",\"sku\":\"");
          append_json_escaped (json, sku);
          g_string_append_c (json, '"');
          entry.item_json = g_string_free (json, FALSE);
          g_array_append_val (inputs->departments[d].products, entry);
        }
    }
  for (guint d = 0; d < N_DEPTS; d++)
    if (inputs->departments[d].products == NULL)
      return inputs_fail (error, "departments", "a department is missing");
  return TRUE;
}

static gboolean
load_rest (Inputs     *inputs,
           JsonObject *root,
           GError    **error)
{
  JsonArray *stores = member_array (root, "stores", 1);
  JsonArray *segments = member_array (root, "segments", N_SEGMENTS);
  JsonArray *array;
  JsonObject *shoes;

  if ((inputs->currency = g_strdup (member_string (root, "currency"))) == NULL)
    return inputs_fail (error, "currency", "missing");
  if (stores == NULL || json_array_get_length (stores) > G_N_ELEMENTS (inputs->store_ids))
    return inputs_fail (error, "stores", "needs 1 to 8 stores");
  for (guint i = 0; i < json_array_get_length (stores); i++)
    {
      JsonObject *store = json_array_get_object_element (stores, i);
      const char *id = store != NULL ? member_string (store, "id") : NULL;
      const char *name = store != NULL ? member_string (store, "name") : NULL;

      if (id == NULL || name == NULL)
        return inputs_fail (error, "stores", "each needs id and name");
      inputs->store_ids[i] = json_escaped (id);
      inputs->store_names[i] = json_escaped (name);
      inputs->n_stores++;
    }

  if ((array = member_array (root, "clothing_sizes", 1)) == NULL ||
      (inputs->clothing_sizes = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "clothing_sizes", "needs strings");
  if ((array = member_array (root, "frequencies", 1)) == NULL ||
      (inputs->frequencies = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "frequencies", "needs strings");
  if ((array = member_array (root, "household_partners", 1)) == NULL ||
      (inputs->partners = string_list (array, TRUE)) == NULL)
    return inputs_fail (error, "household_partners", "needs strings");

  shoes = json_object_get_object_member (root, "shoe_sizes");
  if (shoes == NULL || member_array (shoes, "female", 2) == NULL ||
      member_array (shoes, "male", 2) == NULL)
    return inputs_fail (error, "shoe_sizes", "needs female and male [smallest, largest]");
  for (guint i = 0; i < 2; i++)
    {
      inputs->shoe_female[i] = json_array_get_int_element (member_array (shoes, "female", 2), i);
      inputs->shoe_male[i] = json_array_get_int_element (member_array (shoes, "male", 2), i);
    }
  if (inputs->shoe_female[1] < inputs->shoe_female[0] ||
      inputs->shoe_male[1] < inputs->shoe_male[0])
    return inputs_fail (error, "shoe_sizes", "smallest must not exceed largest");

  if (segments == NULL)
    return inputs_fail (error, "segments", "missing or incomplete");
  for (guint i = 0; i < json_array_get_length (segments); i++)
    {
      JsonObject *segment = json_array_get_object_element (segments, i);
      const char *id = segment != NULL ? member_string (segment, "id") : NULL;
      const char *label = segment != NULL ? member_string (segment, "label") : NULL;
      guint s;

      for (s = 0; s < N_SEGMENTS; s++)
        if (g_strcmp0 (id, segment_ids[s]) == 0)
          break;
      if (s == N_SEGMENTS || label == NULL || inputs->segment_labels[s] != NULL)
        return inputs_fail (error, "segments", "each needs a known, unrepeated id and a label");
      inputs->segment_labels[s] = json_escaped (label);
    }
  for (guint s = 0; s < N_SEGMENTS; s++)
    if (inputs->segment_labels[s] == NULL)
      return inputs_fail (error, "segments", "a segment the generator infers has no label");
  return TRUE;
}

/* Parsed once per process and never freed: the inputs are immutable and small. */
static const Inputs *
get_inputs (GError **error)
{
  static GMutex lock;
  static Inputs *loaded;
  static char *load_error;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  Inputs *inputs;
  JsonNode *root;

  if (loaded != NULL)
    return loaded;
  if (load_error != NULL)
    {
      g_set_error_literal (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS, load_error);
      return NULL;
    }

  bytes = g_resource_lookup_data (gh_demo_get_resource (), "/org/glasshouse/demo/shoppers.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  parser = json_parser_new_immutable ();
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   &local_error))
    {
      load_error = g_strdup_printf ("data/demo/shoppers.json: %s", local_error->message);
      g_set_error_literal (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INPUTS, load_error);
      return NULL;
    }
  root = json_parser_get_root (parser);
  inputs = g_new0 (Inputs, 1);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    inputs_fail (&local_error, "(root)", "not an object");
  else if (load_countries (inputs, json_node_get_object (root), &local_error) &&
           load_departments (inputs, json_node_get_object (root), &local_error))
    load_rest (inputs, json_node_get_object (root), &local_error);
  if (local_error != NULL)
    {
      /* A half-loaded Inputs is leaked on purpose: this is a build defect, reported once. */
      load_error = g_strdup (local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  loaded = inputs;
  return loaded;
}

/* ---- randomness ----------------------------------------------------------- */

/* splitmix64's finaliser: a bijection on 64-bit values with good avalanche. */
static inline guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

typedef struct {
  guint64 state;
} Rng;

static inline guint64
rng_next (Rng *rng)
{
  rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return mix64 (rng->state);
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

static guint64
hash_string (const char *text)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);  /* FNV-1a: stable across GLib versions */

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  return hash;
}

/* ---- one run's plan and its batches ---------------------------------------- */

typedef struct {
  char           *id;
  guint64         id_hash;
  GhLegalBasis    basis;
  GhConsentState  default_state;
  char           *notice_version;
} PurposePlan;

typedef struct {
  const Inputs *inputs;
  guint         n_customers;
  guint64       seed;
  guint64       ref_key;
  gint64        day0;                     /* today 00:00 UTC, unix seconds */
  GDate         today;
  int           retention[N_CATEGORIES];  /* days */
  int           category_rank[N_CATEGORIES];  /* position of the id in byte order */
  GArray       *purposes;                 /* PurposePlan */
  char         *pin_hashes[N_PINS];       /* filled lazily by the generator thread */
} Plan;

typedef struct {
  guint       index;          /* 1-based shopper number */
  gsize       loyalty_id;     /* offsets into the batch text */
  gsize       ref;
  gsize       name;
  const char *pin_hash;
  gint64      created_at;
  guint       n_items;
  guint       n_consents;
} DemoCustomer;

typedef struct {
  Category category;
  gsize    attributes;
  int      length;
  gint64   collected_at;
  gint64   retained_until;
} DemoItem;

typedef struct {
  guint           purpose;
  GhConsentState  state;
  gint64          updated_at;
} DemoConsent;

typedef struct {
  GString *text;        /* every string of the batch, each NUL-terminated */
  GArray  *customers;   /* DemoCustomer */
  GArray  *items;       /* DemoItem, in customer order */
  GArray  *consents;    /* DemoConsent, in customer order */
  gboolean last;
} Batch;

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->text = g_string_sized_new (BATCH_CUSTOMERS * 4096);
  batch->customers = g_array_sized_new (FALSE, FALSE, sizeof (DemoCustomer), BATCH_CUSTOMERS);
  batch->items = g_array_sized_new (FALSE, FALSE, sizeof (DemoItem), BATCH_CUSTOMERS * 32);
  batch->consents = g_array_sized_new (FALSE, FALSE, sizeof (DemoConsent), BATCH_CUSTOMERS * 8);
  return batch;
}

static void
batch_clear (Batch *batch)
{
  g_string_truncate (batch->text, 0);
  g_array_set_size (batch->customers, 0);
  g_array_set_size (batch->items, 0);
  g_array_set_size (batch->consents, 0);
  batch->last = FALSE;
}

static void
batch_free (Batch *batch)
{
  g_string_free (batch->text, TRUE);
  g_array_unref (batch->customers);
  g_array_unref (batch->items);
  g_array_unref (batch->consents);
  g_free (batch);
}

/* ---- building one shopper ---------------------------------------------------- */

typedef struct {
  const Plan   *plan;
  const Inputs *in;
  Batch        *batch;
  GString      *text;
  Rng           rng;
  gsize         item_start;
  gboolean      first_member;
  DemoCustomer *customer;

  /* who they are */
  gboolean      female;
  int           age;
  const Country *country;
  const Name   *first, *last;
  guint         home_store;
  int           tenure_days;
  double        weights[N_DEPTS];
  gboolean      runner, outdoorsy, parent, price_sensitive, lapsing;
  int           shoe_size;
  guint         clothing_size;

  /* what they did, for the segment rules */
  int           bought[N_DEPTS];
  int           bought_consumable[N_DEPTS];
  int           browsed[N_DEPTS];
  gint64        spend_cents;
  int           newest_purchase_age;
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

static void
item_begin (Shopper *s)
{
  s->item_start = s->text->len;
  s->first_member = TRUE;
  g_string_append_c (s->text, '{');
}

/* @days_ago counts back from today; the time of day falls in opening hours. */
static void
item_end (Shopper  *s,
          Category  category,
          int       days_ago)
{
  const Plan *plan = s->plan;
  DemoItem item;

  /* Never older than retention allows: such an item would already be deleted. */
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

static gsize
put_text (GString    *text,
          const char *value)
{
  gsize offset = text->len;

  g_string_append (text, value);
  g_string_append_c (text, '\0');
  return offset;
}

static void
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

static guint
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

static guint
pick_store (Shopper *s)
{
  return rng_chance (&s->rng, 0.7) ? s->home_store : rng_below (&s->rng, s->in->n_stores);
}

static const Product *
pick_product (Shopper    *s,
              Department  department)
{
  GArray *products = s->in->departments[department].products;
  return &g_array_index (products, Product, rng_below (&s->rng, products->len));
}

static void
choose_identity (Shopper *s)
{
  const Inputs *in = s->in;
  guint point = rng_below (&s->rng, in->total_weight);
  GArray *firsts;

  for (guint i = 0; i < in->countries->len; i++)
    {
      const Country *country = g_ptr_array_index (in->countries, i);
      if (point < country->weight)
        {
          s->country = country;
          break;
        }
      point -= country->weight;
    }
  s->female = rng_chance (&s->rng, 0.53);
  firsts = s->female ? s->country->female : s->country->male;
  s->first = &g_array_index (firsts, Name, rng_below (&s->rng, firsts->len));
  s->last = &g_array_index (s->country->surnames, Name,
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
  const Country *country = s->country;
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
add_pattern_item (Shopper    *s,
                  Category    category,
                  const char *pattern)
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
put_product (Shopper       *s,
             const Product *product)
{
  if (!s->first_member)
    g_string_append_c (s->text, ',');
  g_string_append (s->text, product->item_json);
  s->first_member = FALSE;
}

static void
add_purchase (Shopper       *s,
              Department     department,
              const Product *product,
              int            days_ago)
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
  put_string (s, "department", department_ids[department]);
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
add_repeats (Shopper       *s,
             Department     department,
             const Product *product,
             int            days_ago,
             int            most)
{
  int repeats = rng_range (&s->rng, 2, MIN (5, most));
  int interval = rng_range (&s->rng, 14, 45);

  days_ago = MIN (days_ago, s->plan->retention[CAT_PURCHASE] - 1 - repeats * interval);
  days_ago = MAX (days_ago, 1);
  for (int r = repeats - 1; r >= 0; r--)
    add_purchase (s, department, product, days_ago + r * interval);
  return repeats;
}

static const Product *
pick_consumable (Shopper    *s,
                 Department  department)
{
  GArray *products = s->in->departments[department].products;
  guint start = rng_below (&s->rng, products->len);

  for (guint i = 0; i < products->len; i++)
    {
      const Product *product = &g_array_index (products, Product, (start + i) % products->len);
      if (product->consumable)
        return product;
    }
  return NULL;
}

static const Product *
pick_sized (Shopper    *s,
            Department  department,
            SizeKind    size)
{
  GArray *products = s->in->departments[department].products;
  guint start = rng_below (&s->rng, products->len);

  for (guint i = 0; i < products->len; i++)
    {
      const Product *product = &g_array_index (products, Product, (start + i) % products->len);
      if (product->size == size)
        return product;
    }
  return NULL;
}

static int
add_purchases (Shopper *s,
               int      budget)
{
  int written = 0;

  /* Habits: most shoppers have a staple they keep buying (parents: for the
   * baby), and runners wear out running shoes. */
  if (budget >= 3 && rng_chance (&s->rng, 0.6))
    {
      Department department = s->parent && rng_chance (&s->rng, 0.7)
                              ? DEPT_KIDS : pick_weighted (&s->rng, s->weights, N_DEPTS);
      const Product *staple = pick_consumable (s, department);

      if (staple != NULL && !s->lapsing)
        written += add_repeats (s, department, staple, rng_range (&s->rng, 1, 40),
                                budget - written);
    }
  if (s->runner && budget - written >= 1 && rng_chance (&s->rng, 0.7))
    {
      const Product *shoes = pick_sized (s, DEPT_RUNNING, SIZE_SHOE);

      if (shoes != NULL)
        {
          add_purchase (s, DEPT_RUNNING, shoes, purchase_age (s));
          written++;
        }
    }

  while (written < budget)
    {
      Department department = pick_weighted (&s->rng, s->weights, N_DEPTS);
      const Product *product = pick_product (s, department);
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

static void
add_visits (Shopper *s,
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

static void
add_browsing (Shopper *s,
              int      count)
{
  for (int i = 0; i < count; i++)
    {
      Department department = pick_weighted (&s->rng, s->weights, N_DEPTS);

      item_begin (s);
      put_string (s, "department", department_ids[department]);
      put_product (s, pick_product (s, department));
      put_number (s, "views", 1 + rng_below (&s->rng, 4) * rng_below (&s->rng, 4));
      item_end (s, CAT_BROWSING, rng_range (&s->rng, 1, BROWSE_WINDOW));
      s->browsed[department]++;
    }
}

static void
add_size (Shopper  *s,
          SizeKind  kind)
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

static void
add_wish (Shopper *s)
{
  Department department = pick_weighted (&s->rng, s->weights, N_DEPTS);
  const Product *product;
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

static void
add_communication (Shopper    *s,
                   const char *channel)
{
  GPtrArray *frequencies = s->in->frequencies;

  item_begin (s);
  put_string (s, "channel", channel);
  put_string (s, "frequency",
              g_ptr_array_index (frequencies, rng_below (&s->rng, frequencies->len)));
  item_end (s, CAT_COMMUNICATION, rng_range (&s->rng, 1, MIN (s->tenure_days, 700)));
}

static void
add_household (Shopper *s)
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

static void
add_segment (Shopper *s,
             Segment  segment,
             int      confidence)  /* percent */
{
  item_begin (s);
  put_string (s, "segment", segment_ids[segment]);
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
      Segment wrong = rng_below (&s->rng, N_SEGMENTS);
      if (!hit[wrong])
        add_segment (s, wrong, 50 + rng_below (&s->rng, 12));
    }
}

/* A shopper's attitude to data colours all of their choices. */
static void
add_consents (Shopper *s,
              guint64  customer_seed)
{
  const Plan *plan = s->plan;
  double attitude = rng_unit (&s->rng);
  double consent_p = attitude < 0.3 ? 0.85 : attitude < 0.75 ? 0.45 : 0.08;
  double object_p = attitude < 0.75 ? 0.06 : 0.3;

  for (guint i = 0; i < plan->purposes->len; i++)
    {
      const PurposePlan *purpose = &g_array_index (plan->purposes, PurposePlan, i);
      /* Keyed on the purpose id, so reordering the config's purposes changes nothing. */
      Rng draw = { mix64 (customer_seed ^ purpose->id_hash) };
      double p = 1.0;
      DemoConsent consent;

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
pin_hash_for (Plan  *plan,
              guint  index)
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
  const Plan *plan = data;

  return plan->category_rank[((const DemoItem *) a)->category]
         - plan->category_rank[((const DemoItem *) b)->category];
}

static void
generate_customer (Plan  *plan,
                   Batch *batch,
                   guint  index)
{
  guint64 customer_seed = mix64 (plan->seed ^ mix64 (index + G_GUINT64_CONSTANT (0x5eed)));
  Shopper s = { 0 };
  DemoCustomer customer = { 0 };
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
              mix64 (index ^ plan->ref_key));
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
    add_size (&s, SIZE_SHOE);
  if (clothing)
    add_size (&s, SIZE_CLOTHING);
  if (comm_email)
    add_communication (&s, "email");
  if (comm_sms)
    add_communication (&s, "sms");
  if (comm_post)
    add_communication (&s, "post");
  for (int i = 0; i < n_wishes; i++)
    add_wish (&s);
  if (household)
    add_household (&s);
  add_browsing (&s, browsing);
  add_visits (&s, visits);
  add_purchases (&s, purchases);
  infer_segments (&s, MAX_ITEMS - (int) customer.n_items);
  /* In the order of the data_item index (customer, category), so every index
   * insert is an append; the order within a category stays as generated. */
  g_qsort_with_data (&g_array_index (batch->items, DemoItem, first_item), customer.n_items,
                     sizeof (DemoItem), compare_item_category, plan);
  add_consents (&s, customer_seed);

  g_array_append_val (batch->customers, customer);
}

/* ---- the generator thread ----------------------------------------------------- */

typedef struct {
  Plan        *plan;
  GAsyncQueue *empty;   /* Batch* the writer has finished with */
  GAsyncQueue *full;    /* Batch* ready to write, in order; the last has last = TRUE */
  gint         stop;    /* set by the writer when it gives up */
} Pipeline;

static gpointer
generator_thread (gpointer data)
{
  Pipeline *pipe = data;
  guint next = 1;

  for (;;)
    {
      Batch *batch = g_async_queue_pop (pipe->empty);

      batch_clear (batch);
      while (next <= pipe->plan->n_customers && batch->customers->len < BATCH_CUSTOMERS &&
             !g_atomic_int_get (&pipe->stop))
        generate_customer (pipe->plan, batch, next++);
      batch->last = next > pipe->plan->n_customers || g_atomic_int_get (&pipe->stop);
      g_async_queue_push (pipe->full, batch);
      if (batch->last)
        return NULL;
    }
}

/* ---- the writer ---------------------------------------------------------------- */

/* A shopper's items, and their consents, go in one multi-row INSERT each:
 * sqlite's cost per statement (cursors, locks, reset) then falls on a shopper,
 * not on each of their rows. */
typedef struct {
  sqlite3_stmt *customer;
  sqlite3_stmt *items[MAX_ITEMS + 1];  /* [n]: n rows; prepared when first needed */
  sqlite3_stmt *consents;              /* one row per purpose */
  sqlite3_stmt *suppressed;            /* NULL when the suppression list is empty */
} Statements;

static void
statements_clear (Statements *statements)
{
  g_clear_pointer (&statements->customer, sqlite3_finalize);
  for (guint n = 0; n <= MAX_ITEMS; n++)
    g_clear_pointer (&statements->items[n], sqlite3_finalize);
  g_clear_pointer (&statements->consents, sqlite3_finalize);
  g_clear_pointer (&statements->suppressed, sqlite3_finalize);
}

#define ITEM_COLUMNS "customer_id, category, attributes, source, collected_at, retained_until"
#define CONSENT_COLUMNS "customer_id, purpose_id, state, updated_at, notice_version"

/* INSERT INTO @table (@columns) VALUES (?1, …), (?1, …) …: @n_rows rows whose
 * first value is the shared ?1 and whose @n_own other values are numbered on. */
static char *
multi_row_insert (const char *table,
                  const char *columns,
                  guint       n_rows,
                  guint       n_own)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (%s) VALUES ", table, columns);
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r == 0 ? "(?1" : ", (?1");
      for (guint k = 0; k < n_own; k++)
        g_string_append_printf (sql, ", ?%u", 2 + r * n_own + k);
      g_string_append_c (sql, ')');
    }
  return g_string_free (sql, FALSE);
}

static gboolean
prepare (GhStore       *store,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  int rc = sqlite3_prepare_v3 (_gh_store_get_db (store), sql, -1, SQLITE_PREPARE_PERSISTENT,
                               stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _gh_store_set_error (store, rc, error, "preparing the demo import");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_batch (GhStore       *store,
             const Plan    *plan,
             Statements    *st,
             const Batch   *batch,
             GhDemoSummary *summary,
             GError       **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  const char *text = batch->text->str;
  guint item = 0, consent = 0;

  for (guint c = 0; c < batch->customers->len; c++)
    {
      const DemoCustomer *customer = &g_array_index (batch->customers, DemoCustomer, c);
      gint64 id;

      if (st->suppressed != NULL)
        {
          int rc;

          sqlite3_bind_text (st->suppressed, 1, text + customer->ref, -1, SQLITE_STATIC);
          rc = sqlite3_step (st->suppressed);
          sqlite3_reset (st->suppressed);
          if (rc == SQLITE_ROW)
            {
              /* They asked to be forgotten: an import never brings them back. */
              item += customer->n_items;
              consent += customer->n_consents;
              summary->suppressed++;
              continue;
            }
          if (rc != SQLITE_DONE)
            {
              _gh_store_set_error (store, rc, error, "checking the suppression list");
              return FALSE;
            }
        }

      sqlite3_bind_text (st->customer, 1, text + customer->loyalty_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 2, text + customer->ref, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 3, text + customer->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (st->customer, 4, customer->pin_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st->customer, 5, customer->created_at);
      if (!_gh_store_step_done (store, st->customer, "adding a demo shopper", error))
        return FALSE;
      id = sqlite3_last_insert_rowid (db);
      summary->customers++;

      for (guint left = customer->n_items; left > 0;)
        {
          guint n = MIN (left, MAX_ITEMS);
          sqlite3_stmt *stmt = st->items[n];

          if (stmt == NULL)
            {
              g_autofree char *sql = multi_row_insert ("data_item", ITEM_COLUMNS, n, 5);
              if (!prepare (store, sql, &st->items[n], error))
                return FALSE;
              stmt = st->items[n];
            }
          sqlite3_bind_int64 (stmt, 1, id);
          for (guint r = 0; r < n; r++, item++)
            {
              const DemoItem *row = &g_array_index (batch->items, DemoItem, item);
              int p = 2 + 5 * r;

              sqlite3_bind_text (stmt, p, category_ids[row->category], -1, SQLITE_STATIC);
              sqlite3_bind_text (stmt, p + 1, text + row->attributes, row->length, SQLITE_STATIC);
              sqlite3_bind_text (stmt, p + 2, gh_source_to_string (category_sources[row->category]),
                                 -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stmt, p + 3, row->collected_at);
              sqlite3_bind_int64 (stmt, p + 4, row->retained_until);
            }
          if (!_gh_store_step_done (store, stmt, "adding a demo shopper's data", error))
            return FALSE;
          left -= n;
        }
      summary->data_items += customer->n_items;

      if (customer->n_consents > 0)
        {
          sqlite3_bind_int64 (st->consents, 1, id);
          for (guint r = 0; r < customer->n_consents; r++, consent++)
            {
              const DemoConsent *row = &g_array_index (batch->consents, DemoConsent, consent);
              const PurposePlan *purpose = &g_array_index (plan->purposes, PurposePlan,
                                                           row->purpose);
              int p = 2 + 4 * r;

              sqlite3_bind_text (st->consents, p, purpose->id, -1, SQLITE_STATIC);
              sqlite3_bind_int (st->consents, p + 1, row->state);
              sqlite3_bind_int64 (st->consents, p + 2, row->updated_at);
              sqlite3_bind_text (st->consents, p + 3, purpose->notice_version, -1, SQLITE_STATIC);
            }
          if (!_gh_store_step_done (store, st->consents, "adding a demo shopper's consents", error))
            return FALSE;
        }
      summary->consents += customer->n_consents;
    }
  return TRUE;
}

static gboolean
store_is_empty (GhStore  *store,
                gboolean *suppressions,
                GError  **error)
{
  sqlite3_stmt *stmt = _gh_store_prepare (store,
      "SELECT EXISTS (SELECT 1 FROM customer), EXISTS (SELECT 1 FROM suppression)", error);
  gboolean has_customers;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  has_customers = sqlite3_column_int (stmt, 0);
  *suppressions = sqlite3_column_int (stmt, 1);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _gh_store_set_error (store, rc, error, "counting shoppers");
      return FALSE;
    }
  if (has_customers)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_NOT_EMPTY,
                   "%s: the store already has shoppers; demo shoppers go into a new store"
                   " (another --db)",
                   gh_store_get_path (store));
      return FALSE;
    }
  return TRUE;
}

gboolean
gh_demo_check_empty (GhStore  *store,
                     GError  **error)
{
  gboolean suppressions;

  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  return store_is_empty (store, &suppressions, error);
}

static int
compare_purpose_id (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (((const PurposePlan *) a)->id, ((const PurposePlan *) b)->id);
}

static gboolean
plan_from_catalog (Plan       *plan,
                   GhCatalog  *catalog,
                   GError    **error)
{
  GListModel *purposes = gh_catalog_get_purposes (catalog);

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      GhDataCategory *category = gh_catalog_find_data_category (catalog, category_ids[c]);

      if (category == NULL)
        {
          g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_CONFIG,
                       "data_categories: the configuration has no \"%s\", which demo shoppers hold",
                       category_ids[c]);
          return FALSE;
        }
      /* Retention of at least two days keeps every generated date in the past. */
      plan->retention[c] = MAX (gh_data_category_get_retention_days (category), 2);
    }

  plan->purposes = g_array_new (FALSE, TRUE, sizeof (PurposePlan));
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
      PurposePlan entry;

      entry.id = g_strdup (gh_purpose_get_id (purpose));
      entry.id_hash = hash_string (entry.id);
      entry.basis = gh_purpose_get_legal_basis (purpose);
      entry.default_state = gh_purpose_get_default_state (purpose);
      entry.notice_version = g_strdup (gh_purpose_get_notice_version (purpose));
      g_array_append_val (plan->purposes, entry);
    }
  /* The consent table's key is (customer, purpose id): writing in id order appends. */
  g_array_sort (plan->purposes, compare_purpose_id);
  for (guint c = 0; c < N_CATEGORIES; c++)
    for (guint other = 0; other < N_CATEGORIES; other++)
      plan->category_rank[c] += strcmp (category_ids[other], category_ids[c]) < 0;
  return TRUE;
}

static void
plan_clear (Plan *plan)
{
  for (guint i = 0; plan->purposes != NULL && i < plan->purposes->len; i++)
    {
      PurposePlan *entry = &g_array_index (plan->purposes, PurposePlan, i);
      g_free (entry->id);
      g_free (entry->notice_version);
    }
  g_clear_pointer (&plan->purposes, g_array_unref);
  for (guint i = 0; i < N_PINS; i++)
    g_free (plan->pin_hashes[i]);
}

static gboolean
run_import (GhStore       *store,
            Plan          *plan,
            gboolean       suppressions,
            GhDemoSummary *summary,
            GError       **error)
{
  Statements st = { 0 };
  Pipeline pipe = { plan, g_async_queue_new (), g_async_queue_new (), 0 };
  g_autofree char *consent_sql = multi_row_insert ("consent", CONSENT_COLUMNS,
                                                   MAX (plan->purposes->len, 1), 4);
  GThread *thread;
  gboolean ok = TRUE;

  if (!prepare (store, "INSERT INTO customer (loyalty_id, ref, display_name, pin_hash, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)", &st.customer, error) ||
      !prepare (store, consent_sql, &st.consents, error) ||
      (suppressions &&
       !prepare (store, "SELECT 1 FROM suppression WHERE customer_ref = ?1", &st.suppressed,
                 error)))
    {
      statements_clear (&st);
      g_async_queue_unref (pipe.empty);
      g_async_queue_unref (pipe.full);
      return FALSE;
    }

  for (guint i = 0; i < N_BATCHES; i++)
    g_async_queue_push (pipe.empty, batch_new ());
  thread = g_thread_new ("gh-demo-generator", generator_thread, &pipe);

  for (;;)
    {
      Batch *batch = g_async_queue_pop (pipe.full);
      gboolean last = batch->last;

      if (ok && !write_batch (store, plan, &st, batch, summary, error))
        {
          ok = FALSE;
          g_atomic_int_set (&pipe.stop, 1);
        }
      g_async_queue_push (pipe.empty, batch);
      if (last)
        break;
    }
  g_thread_join (thread);

  for (Batch *batch; (batch = g_async_queue_try_pop (pipe.empty)) != NULL;)
    batch_free (batch);
  g_async_queue_unref (pipe.empty);
  g_async_queue_unref (pipe.full);
  statements_clear (&st);
  return ok;
}

/* The import's settings, and how to put the store's own back. */
static gboolean
relax_store (GhStore  *store,
             gboolean *was_wal,
             GError  **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  sqlite3_stmt *stmt = NULL;

  /* A rollback journal on a store with no shoppers stays tiny (new pages are
   * not journaled), where WAL would copy every page twice. Leaving WAL needs
   * the store to ourselves; if a kiosk has it open, the import stays in WAL. */
  *was_wal = FALSE;
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    *was_wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (*was_wal)
    sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);

  return _gh_store_exec (store, "PRAGMA synchronous = OFF;"
                                "PRAGMA cache_size = -262144;"
                                "PRAGMA foreign_keys = OFF;", error);
}

static gboolean
restore_store (GhStore  *store,
               gboolean  was_wal,
               GError  **error)
{
  sqlite3 *db = _gh_store_get_db (store);
  gboolean ok = _gh_store_exec (store, "PRAGMA synchronous = FULL;"
                                       "PRAGMA cache_size = -2000;"
                                       "PRAGMA foreign_keys = ON;", error);

  if (was_wal && ok)
    {
      sqlite3_stmt *stmt = NULL;
      gboolean wal = FALSE;

      if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
      sqlite3_finalize (stmt);
      if (!wal)
        {
          g_set_error (error, GH_STORE_ERROR, GH_STORE_ERROR_IO,
                       "%s: could not put the store back into WAL mode after the demo import: %s",
                       gh_store_get_path (store), sqlite3_errmsg (db));
          ok = FALSE;
        }
    }
  return ok;
}

static gboolean
check_arguments (GhStore    *store,
                 GhCatalog  *catalog,
                 guint       n_customers,
                 GError    **error)
{
  g_return_val_if_fail (GH_IS_STORE (store), FALSE);
  g_return_val_if_fail (GH_IS_CATALOG (catalog), FALSE);

  if (n_customers < 1 || n_customers > GH_DEMO_MAX_CUSTOMERS)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "the number of demo shoppers must be between 1 and %d (got %u)",
                   GH_DEMO_MAX_CUSTOMERS, n_customers);
      return FALSE;
    }
  if (_gh_store_in_transaction (store))
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "%s: the demo import needs its own transaction", gh_store_get_path (store));
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error (error, GH_DEMO_ERROR, GH_DEMO_ERROR_INVALID,
                   "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

gboolean
gh_demo_generate_full (GhStore        *store,
                       GhCatalog      *catalog,
                       guint           n_customers,
                       guint64         seed,
                       GDateTime      *today,
                       GhDemoSummary  *summary,
                       GError        **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  GhDemoSummary local_summary;
  gint64 started = g_get_monotonic_time ();
  gboolean suppressions = FALSE, was_wal = FALSE, ok;
  Plan plan = { 0 };

  if (!check_arguments (store, catalog, n_customers, error))
    return FALSE;
  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);

  if ((plan.inputs = get_inputs (error)) == NULL)
    return FALSE;
  if (today == NULL)
    today = now = g_date_time_new_now_local ();
  midnight = g_date_time_new_utc (g_date_time_get_year (today), g_date_time_get_month (today),
                                  g_date_time_get_day_of_month (today), 0, 0, 0);
  plan.day0 = g_date_time_to_unix (midnight);
  g_date_clear (&plan.today, 1);
  g_date_set_dmy (&plan.today, g_date_time_get_day_of_month (today), g_date_time_get_month (today),
                  g_date_time_get_year (today));
  plan.n_customers = n_customers;
  plan.seed = mix64 (seed ^ G_GUINT64_CONSTANT (0x67686465));  /* "ghde" */
  plan.ref_key = mix64 (plan.seed + 1);

  if (!plan_from_catalog (&plan, catalog, error) ||
      !store_is_empty (store, &suppressions, error))
    {
      plan_clear (&plan);
      return FALSE;
    }

  if (!relax_store (store, &was_wal, error))
    ok = FALSE;
  else if (!gh_store_begin (store, error))
    ok = FALSE;
  else if (!run_import (store, &plan, suppressions, summary, error))
    {
      gh_store_rollback (store);
      ok = FALSE;
    }
  else
    ok = gh_store_commit (store, error);
  plan_clear (&plan);

  /* Put the store's own settings back even when the import failed. */
  if (!restore_store (store, was_wal, ok ? error : NULL))
    ok = FALSE;
  if (ok && !_gh_store_sync_file (store, error))
    ok = FALSE;
  if (!ok)
    memset (summary, 0, sizeof *summary);
  summary->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  return ok;
}

gboolean
gh_demo_generate (GhStore    *store,
                  GhCatalog  *catalog,
                  guint       n_customers,
                  guint64     seed,
                  GDateTime  *today,
                  GError    **error)
{
  return gh_demo_generate_full (store, catalog, n_customers, seed, today, NULL, error);
}

char *
gh_demo_loyalty_id (guint index)
{
  g_return_val_if_fail (index >= 1 && index <= GH_DEMO_MAX_CUSTOMERS, NULL);
  return g_strdup_printf ("%010" G_GUINT64_FORMAT, LOYALTY_BASE + index);
}

char *
gh_demo_pin_for (const char *loyalty_id)
{
  gsize length;

  g_return_val_if_fail (loyalty_id != NULL, NULL);
  length = strlen (loyalty_id);
  g_return_val_if_fail (length >= 4, NULL);
  return g_strdup (loyalty_id + length - 4);
}
