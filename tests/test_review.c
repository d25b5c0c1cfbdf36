/* test_review: the review writer — one page per source page, boxes that match the JSON, the
 * summary, text docs, image-only pages, and no file left on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>
#include <poppler.h>

#include "kaigi.h"
#include "testutil.h"

/* Fontconfig keeps its parsed configuration until exit; that is not ours to free. Read only
 * when built with a sanitizer. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void) {
  return "print_suppressions=0";
}

typedef struct {
  char *dir;
  k2x_profile *profile;
  k2x_regions *regions;
} fixture;

static int setup(void **state) {
  fixture *f = g_new0(fixture, 1);
  f->dir = g_dir_make_tmp("k2x-review-XXXXXX", NULL);
  f->profile = k2x_profile_new_default();
  f->regions = k2x_regions_new_default();
  *state = f;
  return f->dir ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  tu_remove_tree(f->dir);
  k2x_profile_free(f->profile);
  k2x_regions_free(f->regions);
  g_free(f->dir);
  g_free(f);
  /* Drops pango's font caches, which would otherwise show as leaks under a sanitizer. */
  pango_cairo_font_map_set_default(NULL);
  return 0;
}

/* The PDF of tests/fixtures/specs/NAME.spec, rendered into the fixture's directory. */
static char *fixture_pdf(const fixture *f, const char *name) {
  char *pdf = tu_fixture_pdf(f->dir, name);
  if (!pdf)
    fail_msg("cannot render %s.spec", name);
  return pdf;
}

/* A fixture converted, written as JSON (read back) and reviewed. */
typedef struct {
  k2x_doc *doc;
  JsonParser *json;
  char *review;
  GArray *drawn; /* k2x_drawn */
  guint rules;   /* the rules of the source's pages, read here */
} reviewed;

/* The rules of every page of pdf, as extraction reads them. */
static guint count_rules(const char *pdf) {
  g_autoptr(k2x_source) src = NULL;
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_source_open(pdf, NULL, NULL, &src, &error), K2X_OK);
  guint n = 0;
  for (int i = 0; i < k2x_source_page_count(src); i++) {
    g_autoptr(k2x_page) page = k2x_source_read_page(src, i, 0);
    n += page->rules->len;
  }
  return n;
}

static reviewed review_fixture(const fixture *f, const char *name) {
  reviewed rv = {0};
  g_autofree char *pdf = fixture_pdf(f, name);
  k2x_convert_options copt = {.profile = f->profile, .regions = f->regions};
  g_autoptr(GError) error = NULL;
  if (k2x_convert_file(pdf, &copt, &rv.doc, &error) != K2X_OK)
    fail_msg("%s: %s", pdf, error->message);
  g_autofree char *json_name = g_strconcat(name, ".json", NULL);
  g_autofree char *json = g_build_filename(f->dir, json_name, NULL);
  assert_int_equal(k2x_write_json(rv.doc, json, &error), K2X_OK);
  rv.json = json_parser_new();
  assert_true(json_parser_load_from_file(rv.json, json, &error));
  g_autofree char *review_name = g_strconcat(name, ".review.pdf", NULL);
  rv.review = g_build_filename(f->dir, review_name, NULL);
  rv.drawn = g_array_new(FALSE, FALSE, sizeof(k2x_drawn));
  if (k2x_write_review(rv.doc, pdf, NULL, rv.review, rv.drawn, &error) != K2X_OK)
    fail_msg("%s: %s", rv.review, error->message);
  rv.rules = count_rules(pdf);
  return rv;
}

static void reviewed_clear(reviewed *rv) {
  k2x_doc_free(rv->doc);
  g_object_unref(rv->json);
  g_free(rv->review);
  g_array_unref(rv->drawn);
}

static guint drawn_count(const GArray *drawn, k2x_drawn_kind kind) {
  guint n = 0;
  for (guint i = 0; i < drawn->len; i++)
    n += g_array_index(drawn, k2x_drawn, i).kind == kind;
  return n;
}

static PopplerDocument *open_pdf(const char *path) {
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri(path, NULL, &error);
  PopplerDocument *pd = uri ? poppler_document_new_from_file(uri, NULL, &error) : NULL;
  if (!pd)
    fail_msg("%s: %s", path, error->message);
  return pd;
}

/* The text of page (1-based) of the PDF at path. Caller frees. */
static char *page_text(const char *path, int page) {
  PopplerDocument *pd = open_pdf(path);
  PopplerPage *pp = poppler_document_get_page(pd, page - 1);
  assert_non_null(pp);
  char *text = poppler_page_get_text(pp);
  g_object_unref(pp);
  g_object_unref(pd);
  return text;
}

/* What the JSON holds that the review draws one box for each. */
typedef struct {
  guint sections, row_pages, items;
} json_counts;

static JsonArray *member_array(JsonArray *array, guint i, const char *name) {
  return json_object_get_array_member(json_array_get_object_element(array, i), name);
}

static json_counts count_json(JsonParser *json) {
  json_counts n = {0};
  JsonObject *root = json_node_get_object(json_parser_get_root(json));
  JsonArray *reports = json_object_get_array_member(root, "reports");
  for (guint r = 0; r < json_array_get_length(reports); r++) {
    JsonArray *sections = member_array(reports, r, "sections");
    for (guint s = 0; s < json_array_get_length(sections); s++) {
      JsonObject *section = json_array_get_object_element(sections, s);
      n.sections++;
      n.items += json_array_get_length(json_object_get_array_member(section, "items"));
      if (!json_object_has_member(section, "table"))
        continue;
      JsonObject *table = json_object_get_object_member(section, "table");
      JsonArray *rows = json_object_get_array_member(table, "rows");
      for (guint i = 0; i < json_array_get_length(rows); i++) {
        JsonArray *pages = member_array(rows, i, "pages");
        n.row_pages +=
            json_array_get_int_element(pages, 1) - json_array_get_int_element(pages, 0) + 1;
      }
    }
  }
  return n;
}

/* Items drawn once per page their spans touch. */
static guint item_pages(const k2x_doc *doc) {
  guint n = 0;
  for (guint r = 0; r < doc->reports->len; r++) {
    const k2x_report *report = g_ptr_array_index(doc->reports, r);
    for (guint s = 0; s < report->sections->len; s++) {
      const k2x_section *section = g_ptr_array_index(report->sections, s);
      for (guint i = 0; i < section->items->len; i++) {
        const k2x_item *it = g_ptr_array_index(section->items, i);
        for (guint k = 0; k < it->spans->len; k++) {
          int page = g_array_index(it->spans, k2x_span, k).page;
          n += k == 0 || page != g_array_index(it->spans, k2x_span, k - 1).page;
        }
      }
    }
  }
  return n;
}

static void assert_contains(const char *text, const char *part) {
  if (!strstr(text, part))
    fail_msg("「%s」 is not on the page", part);
}

/* Page 1 names every report's prefecture and every warning code of the JSON. */
static void assert_summary_matches_json(const reviewed *rv) {
  g_autofree char *text = page_text(rv->review, 1);
  JsonObject *root = json_node_get_object(json_parser_get_root(rv->json));
  JsonArray *reports = json_object_get_array_member(root, "reports");
  GList *warning_lists = g_list_prepend(NULL, json_object_get_array_member(root, "warnings"));
  for (guint r = 0; r < json_array_get_length(reports); r++) {
    JsonObject *report = json_array_get_object_element(reports, r);
    JsonObject *region = json_object_get_object_member(report, "region");
    const char *prefecture = json_object_get_string_member(region, "prefecture");
    assert_contains(text, *prefecture ? prefecture : "—");
    warning_lists = g_list_prepend(warning_lists, member_array(reports, r, "warnings"));
  }
  for (GList *l = warning_lists; l; l = l->next)
    for (guint i = 0; i < json_array_get_length(l->data); i++) {
      JsonObject *warning = json_array_get_object_element(l->data, i);
      assert_contains(text, json_object_get_string_member(warning, "code"));
    }
  g_list_free(warning_lists);
}

/* One page per source page after the summary, and one box per section, row page and item. */
static void assert_review_matches_json(const reviewed *rv) {
  PopplerDocument *pd = open_pdf(rv->review);
  assert_int_equal(poppler_document_get_n_pages(pd), 1 + rv->doc->pages);
  g_object_unref(pd);
  json_counts n = count_json(rv->json);
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_HEADING), n.sections);
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_ROW), n.row_pages);
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_ITEM), item_pages(rv->doc));
  /* No item of these fixtures runs onto a second page: one box per item. */
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_ITEM), n.items);
  assert_true(drawn_count(rv->drawn, K2X_DRAWN_TABLE_HEADER) > 0);
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_WARNING), k2x_doc_warning_count(rv->doc));
  /* Every rule of every page, once, as a line: no box has both a width and a height. */
  assert_int_equal(drawn_count(rv->drawn, K2X_DRAWN_RULE), rv->rules);
  for (guint i = 0; i < rv->drawn->len; i++) {
    const k2x_drawn *d = &g_array_index(rv->drawn, k2x_drawn, i);
    if (d->kind == K2X_DRAWN_RULE)
      assert_true(d->box.x0 == d->box.x1 || d->box.y0 == d->box.y1);
  }
  assert_summary_matches_json(rv);
}

/* The JSON's layout of report's table ("grid", "rules" or "text"), or NULL. */
static const char *json_layout(JsonParser *json, int report) {
  JsonObject *root = json_node_get_object(json_parser_get_root(json));
  JsonArray *sections = member_array(json_object_get_array_member(root, "reports"),
                                     (guint)report - 1, "sections");
  for (guint s = 0; s < json_array_get_length(sections); s++) {
    JsonObject *section = json_array_get_object_element(sections, s);
    if (json_object_has_member(section, "table"))
      return json_object_get_string_member(json_object_get_object_member(section, "table"),
                                           "layout");
  }
  return NULL;
}

/* Over the table's header, on every page that shows one, the review says how the rows were
 * read, as the JSON's layout does; returns the layout of the first. */
static const char *assert_layout_stated(const reviewed *rv) {
  static const char *const names[] = {"text", "rules", "grid"};
  static const char *const said[] = {"文字の配置から", "横罫線から", "格子の罫線から"};
  const char *first = NULL;
  for (int page = 1; page <= rv->doc->pages; page++) {
    guint headers = 0, layouts = 0;
    for (guint i = 0; i < rv->drawn->len; i++) {
      const k2x_drawn *d = &g_array_index(rv->drawn, k2x_drawn, i);
      if (d->page != page)
        continue;
      headers += d->kind == K2X_DRAWN_TABLE_HEADER;
      if (d->kind != K2X_DRAWN_TABLE_LAYOUT)
        continue;
      layouts++;
      assert_in_range(d->index, 1, 3);
      assert_string_equal(names[d->index - 1], json_layout(rv->json, d->report));
      g_autofree char *text = page_text(rv->review, page + 1);
      assert_contains(text, said[d->index - 1]);
      first = first ? first : names[d->index - 1];
    }
    assert_int_equal(layouts, headers > 0);
  }
  assert_non_null(first);
  return first;
}

static void test_review_states_table_layout(void **state) {
  static const char *const cases[][2] = {
      {"basic", "grid"}, {"rules", "rules"}, {"nolabel", "text"}};
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    reviewed rv = review_fixture(*state, cases[i][0]);
    assert_string_equal(assert_layout_stated(&rv), cases[i][1]);
    reviewed_clear(&rv);
  }
}

static void test_review_clean_fixture(void **state) {
  reviewed rv = review_fixture(*state, "basic");
  assert_review_matches_json(&rv);
  assert_int_equal(drawn_count(rv.drawn, K2X_DRAWN_UNASSIGNED), 0);
  assert_true(drawn_count(rv.drawn, K2X_DRAWN_FURNITURE) > 0);
  /* The fixture's table is ruled: its rules are drawn. */
  assert_true(rv.rules > 0);
  /* A source page keeps its size, with the margin on its right. */
  PopplerDocument *pd = open_pdf(rv.review);
  PopplerPage *pp = poppler_document_get_page(pd, 1);
  double w = 0, h = 0;
  poppler_page_get_size(pp, &w, &h);
  assert_float_equal(w, TU_PAGE_WIDTH + 200, 0.5);
  assert_float_equal(h, TU_PAGE_HEIGHT, 0.5);
  g_object_unref(pp);
  g_object_unref(pd);
  /* Rendered as vectors, the source page's text can still be read. */
  g_autofree char *text = page_text(rv.review, 2);
  g_autoptr(GRegex) space = g_regex_new("\\s+", 0, 0, NULL);
  g_autofree char *squeezed = g_regex_replace_literal(space, text, -1, 0, "", 0, NULL);
  assert_contains(squeezed, "令和２年度の達成目標・取組状況");
  reviewed_clear(&rv);
}

static void test_review_stray_line_is_red(void **state) {
  reviewed rv = review_fixture(*state, "features");
  assert_review_matches_json(&rv);
  assert_true(drawn_count(rv.drawn, K2X_DRAWN_UNASSIGNED) >= 1);
  /* The stray line is printed at 400, 700 pt on its page. */
  for (guint i = 0; i < rv.drawn->len; i++) {
    const k2x_drawn *d = &g_array_index(rv.drawn, k2x_drawn, i);
    if (d->kind != K2X_DRAWN_UNASSIGNED)
      continue;
    assert_float_equal(d->box.x0, 400, 2);
    assert_float_equal(d->box.y0, 700, 4);
    g_autofree char *text = page_text(rv.review, d->page + 1);
    assert_contains(text, "text_unassigned");
  }
  reviewed_clear(&rv);
}

/* A text input's doc: two pages, a table row and an item running onto page 2, no geometry. */
static k2x_doc *text_doc_build(void) {
  k2x_doc *doc = k2x_doc_new();
  doc->file = g_strdup("bundle.txt");
  doc->profile = g_strdup("ad-jizenkadai");
  tu_set_string(&doc->kind, "text");
  doc->pages = 2;
  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = 1;
  r->page_last = 2;
  tu_set_string(&r->region.prefecture, "岩手県");
  r->region.source = K2X_REGION_BODY;
  k2x_report_add_warning(r, "region_inferred", 2, "地域を本文から推定しました");
  k2x_section *s = k2x_report_add_section(r, 1, "令和２年度の達成目標・取組状況", TRUE);
  s->page = 1;
  k2x_row *row = k2x_section_add_row(s, 2);
  row->page_first = row->page_last = 1;
  row = k2x_section_add_row(s, 2);
  row->page_first = 1;
  row->page_last = 2;
  tu_set_string(&((k2x_cell *)g_ptr_array_index(row->cells, 0))->text, "協議の場を設置する");
  s = k2x_report_add_section(r, 2, "支援事業の成果", FALSE);
  s->page = 2;
  k2x_section_add_item(s, "・", "・研修を開いた", 2);
  k2x_item *it = k2x_section_add_item(s, "・", "・事例を検討した", 2);
  k2x_box none = {0};
  k2x_spans_add(it->spans, 1, none);
  k2x_spans_add(it->spans, 2, none);
  k2x_doc_add_mark(doc, K2X_ROLE_UNASSIGNED, 2, none, "参考資料は別添");
  return doc;
}

static void test_review_text_doc(void **state) {
  const fixture *f = *state;
  k2x_doc *doc = text_doc_build();
  g_autofree char *path = g_build_filename(f->dir, "bundle.review.pdf", NULL);
  g_autoptr(GArray) drawn = g_array_new(FALSE, FALSE, sizeof(k2x_drawn));
  g_autoptr(GError) error = NULL;
  /* A text doc has nothing to render: the source is not opened. */
  assert_int_equal(k2x_write_review(doc, "no-such.txt", NULL, path, drawn, &error), K2X_OK);
  PopplerDocument *pd = open_pdf(path);
  assert_int_equal(poppler_document_get_n_pages(pd), 3);
  g_object_unref(pd);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_HEADING), 2);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_ROW), 3);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_ITEM), 3);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_UNASSIGNED), 1);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_WARNING), 1);
  g_autofree char *summary = page_text(path, 1);
  assert_contains(summary, "岩手県");
  assert_contains(summary, "region_inferred");
  g_autofree char *page2 = page_text(path, 3);
  assert_contains(page2, "R2(続き)");
  assert_contains(page2, "I2.2");
  assert_contains(page2, "参考資料は別添");
  k2x_doc_free(doc);
}

/* More reports than a page holds: the summary stays one page and says how many it left out. */
static void test_review_summary_truncated(void **state) {
  const fixture *f = *state;
  k2x_doc *doc = k2x_doc_new();
  tu_set_string(&doc->kind, "text");
  for (int i = 0; i < 100; i++) {
    k2x_report *r = k2x_doc_add_report(doc);
    r->page_first = r->page_last = 1;
    tu_set_string(&r->region.prefecture, i == 0 ? "青森県" : "沖縄県");
  }
  g_autofree char *path = g_build_filename(f->dir, "long.review.pdf", NULL);
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_write_review(doc, NULL, NULL, path, NULL, &error), K2X_OK);
  PopplerDocument *pd = open_pdf(path);
  assert_int_equal(poppler_document_get_n_pages(pd), 1);
  g_object_unref(pd);
  g_autofree char *text = page_text(path, 1);
  assert_contains(text, "青森県");
  assert_true(g_regex_match_simple("…他 \\d+ 件", text, 0, 0));
  k2x_doc_free(doc);
}

/* A two-page PDF drawn here: a heading on page 1, only an image on page 2. */
static char *image_pdf(const fixture *f) {
  char *path = g_build_filename(f->dir, "scan.pdf", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create(path, TU_PAGE_WIDTH, TU_PAGE_HEIGHT);
  cairo_t *cr = cairo_create(surface);
  cairo_move_to(cr, 72, 100);
  cairo_show_text(cr, "1. heading");
  cairo_show_page(cr);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 48);
  cairo_set_source_surface(cr, img, 200, 300);
  cairo_paint(cr);
  cairo_surface_destroy(img);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return path;
}

static void test_review_image_page_note(void **state) {
  const fixture *f = *state;
  g_autofree char *pdf = image_pdf(f);
  k2x_doc *doc = k2x_doc_new();
  doc->pages = 2;
  k2x_doc_add_warning(doc, "no_text_layer", 2, "page 2 has no text layer");
  k2x_report *r = k2x_doc_add_report(doc);
  r->page_first = r->page_last = 1;
  k2x_section *s = k2x_report_add_section(r, 1, "heading", FALSE);
  s->page = 1;
  s->box = (k2x_box){72, 90, 130, 102};
  g_autofree char *path = g_build_filename(f->dir, "scan.review.pdf", NULL);
  g_autoptr(GArray) drawn = g_array_new(FALSE, FALSE, sizeof(k2x_drawn));
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_write_review(doc, pdf, NULL, path, drawn, &error), K2X_OK);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_HEADING), 1);
  assert_int_equal(drawn_count(drawn, K2X_DRAWN_NOTE), 1);
  for (guint i = 0; i < drawn->len; i++)
    if (g_array_index(drawn, k2x_drawn, i).kind == K2X_DRAWN_NOTE)
      assert_int_equal(g_array_index(drawn, k2x_drawn, i).page, 2);
  g_autofree char *text = page_text(path, 3);
  assert_contains(text, "no_text_layer");
  assert_contains(text, "画像のみ");
  k2x_doc_free(doc);
}

/* Fails with K2X_ERR_WRITE naming path, and leaves drawn as it was. */
static void review_fails(const k2x_doc *doc, const char *source, const char *path) {
  g_autoptr(GArray) drawn = g_array_new(FALSE, FALSE, sizeof(k2x_drawn));
  g_autoptr(GError) error = NULL;
  assert_int_equal(k2x_write_review(doc, source, NULL, path, drawn, &error), K2X_ERR_WRITE);
  assert_true(g_error_matches(error, K2X_ERROR, K2X_ERR_WRITE));
  assert_non_null(strstr(error->message, path));
  assert_int_equal(drawn->len, 0);
}

static void test_review_unwritable_dir(void **state) {
  const fixture *f = *state;
  g_autofree char *pdf = image_pdf(f);
  k2x_doc *doc = k2x_doc_new();
  doc->pages = 2;
  g_autofree char *path = g_build_filename(f->dir, "no-such-dir", "scan.review.pdf", NULL);
  review_fails(doc, pdf, path);
  /* The source is gone by the time of the review: the temporary file goes too. */
  g_unlink(pdf);
  g_autofree char *here = g_build_filename(f->dir, "scan.review.pdf", NULL);
  review_fails(doc, pdf, here);
  tu_assert_dir_empty(f->dir);
  k2x_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_review_clean_fixture, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_states_table_layout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_stray_line_is_red, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_text_doc, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_summary_truncated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_image_page_note, setup, teardown),
      cmocka_unit_test_setup_teardown(test_review_unwritable_dir, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
