/* test_segment: reports, sections, table rows and items from pages built in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clean.h"
#include "segment.h"
#include "testutil.h"

#define SIZE 10.5
#define PITCH 18.0
#define LEFT 56.0
/* A full body line: 46 wide characters from LEFT. */
#define BODY_CHARS 46
#define COL2 290.0

static const char title[] =
    "令和２年度 精神障害にも対応した地域包括ケアシステム構築支援事業 AD合同会議「事前課題」";

typedef struct {
  k2x_profile *profile;
  k2x_regions *regions;
  k2x_doc *doc;
} fixture;

static int setup(void **state) {
  fixture *f = g_new0(fixture, 1);
  f->profile = k2x_profile_new_default();
  f->regions = k2x_regions_new_default();
  f->doc = k2x_doc_new();
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  k2x_doc_free(f->doc);
  k2x_regions_free(f->regions);
  k2x_profile_free(f->profile);
  g_free(f);
  return 0;
}

/* Runs clean and segment over pages the way convert does; takes ownership of the pages. */
static void run(fixture *f, k2x_page **pages, int n) {
  k2x_segmenter *seg = k2x_segmenter_new(f->doc, f->profile, f->regions);
  for (int i = 0; i < n; i++) {
    k2x_clean_page(pages[i], i > 0 ? pages[i - 1] : NULL, i + 1 < n ? pages[i + 1] : NULL,
                   f->profile, f->regions);
    k2x_segmenter_add_page(seg, pages[i]);
  }
  k2x_segmenter_finish(seg);
  k2x_segmenter_free(seg);
  f->doc->pages = n;
  for (int i = 0; i < n; i++)
    k2x_page_free(pages[i]);
}

/* Text laid out on the next line at x; y moves down one line. */
static void line(GArray *g, double x, double *y, const char *text) {
  tu_add_text(g, x, *y, SIZE, text);
  *y += PITCH;
}

/* A row of two cells side by side on the same line. */
static void cells(GArray *g, double *y, const char *goal, const char *status) {
  if (goal)
    tu_add_text(g, LEFT, *y, SIZE, goal);
  if (status)
    tu_add_text(g, COL2, *y, SIZE, status);
  *y += PITCH;
}

static void header(GArray *g, double *y, gboolean with_title, const char *label) {
  if (with_title)
    line(g, 70, y, title);
  if (label) {
    /* Right-aligned at the body's right edge. */
    double w = g_utf8_strlen(label, -1) * SIZE;
    line(g, LEFT + BODY_CHARS * SIZE - w, y, label);
  }
  *y += 8;
}

/* A body line of exactly n wide characters, repeating pattern. */
static char *chars(const char *pattern, int n) {
  GString *s = g_string_new(NULL);
  glong len = g_utf8_strlen(pattern, -1);
  for (int i = 0; i < n; i++) {
    const char *p = g_utf8_offset_to_pointer(pattern, i % len);
    g_string_append_len(s, p, g_utf8_next_char(p) - p);
  }
  return g_string_free(s, FALSE);
}

static const k2x_section *section(const k2x_report *r, guint i) {
  assert_true(i < r->sections->len);
  return g_ptr_array_index(r->sections, i);
}

static const char *cell(const k2x_section *s, guint row, guint col) {
  assert_true(row < s->rows->len);
  const k2x_row *r = g_ptr_array_index(s->rows, row);
  return ((const k2x_cell *)g_ptr_array_index(r->cells, col))->text;
}

static const char *item(const k2x_section *s, guint i) {
  assert_true(i < s->items->len);
  return ((const k2x_item *)g_ptr_array_index(s->items, i))->text;
}

/* Sections 2–4 with the given items each (NULL-terminated lists of wrapped lines). */
static void list_sections(GArray *g, double *y) {
  line(g, LEFT, y, "２．支援事業の成果");
  line(g, LEFT, y, "・研修を開催した。");
  line(g, LEFT, y, "３．次年度に向けた課題等");
  line(g, LEFT, y, "・課題がある。");
  line(g, LEFT, y, "４．課題の解決に向けた 令和３年度の取組方針");
  line(g, LEFT, y, "・継続する。");
}

static void test_segment_items_split_by_marker_and_paragraph_end(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, "青森県・津軽圏域");
  line(g, LEFT, &y, "２．支援事業の成果");
  g_autofree char *full1 = chars("・密着アドバイザーが地域移行に係る関係機関等へ周知した", BODY_CHARS);
  line(g, LEFT, &y, full1);
  line(g, LEFT + SIZE, &y, "た。");
  g_autofree char *full2 = chars("今年度は新型コロナの影響で多くの取組が中止となった", BODY_CHARS);
  line(g, LEFT, &y, full2);
  line(g, LEFT, &y, "まえ必要がある。");
  line(g, LEFT, &y, "次の段落です。");
  /* A number and a space after a full line is a wrapped figure, not a new entry. */
  g_autofree char *full3 = chars("支援の数値目標は", BODY_CHARS);
  line(g, LEFT, &y, full3);
  line(g, LEFT, &y, "3 か所とした。");
  line(g, LEFT, &y, "①番号付きの項目");
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  assert_int_equal(f->doc->reports->len, 1);
  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->number, 2);
  assert_int_equal(s->items->len, 5);
  g_autofree char *want1 = g_strconcat(full1, "た。", NULL);
  assert_string_equal(item(s, 0), want1);
  g_autofree char *want2 = g_strconcat(full2, "まえ必要がある。", NULL);
  assert_string_equal(item(s, 1), want2);
  assert_string_equal(item(s, 2), "次の段落です。");
  g_autofree char *want4 = g_strconcat(full3, "3 か所とした。", NULL);
  assert_string_equal(item(s, 3), want4);
  assert_string_equal(item(s, 4), "①番号付きの項目");
  assert_string_equal(((const k2x_item *)g_ptr_array_index(s->items, 4))->marker, "①");
}

/* Word-style table: rows are apart by no more than lines are, so a row starts where every
 * column has finished its paragraph. */
static void test_segment_table_rows_from_paragraph_ends(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, "青森県・津軽圏域");
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 380, y, SIZE, "取組状況");
  y += PITCH;
  g_autofree char *goal_full = chars("病院管理部門関係者等の地域移行", 20);
  g_autofree char *status_full = chars("精神保健福祉審議会等において県の取組", 22);
  cells(g, &y, goal_full, status_full);
  cells(g, &y, "が促進される", "説明した");
  cells(g, &y, "長期入院患者の現状を知る", "・情報提供した");
  cells(g, &y, NULL, "・研修を計画した");
  cells(g, &y, "設置に関する意見交換", "了承した");
  list_sections(g, &y);
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_true(s->is_table);
  assert_int_equal(s->header->len, 2);
  assert_string_equal(g_ptr_array_index(s->header, 0), "令和２年度の達成目標");
  assert_string_equal(g_ptr_array_index(s->header, 1), "取組状況");
  assert_int_equal(s->rows->len, 3);
  g_autofree char *g0 = g_strconcat(goal_full, "が促進される", NULL);
  g_autofree char *s0 = g_strconcat(status_full, "説明した", NULL);
  assert_string_equal(cell(s, 0, 0), g0);
  assert_string_equal(cell(s, 0, 1), s0);
  assert_string_equal(cell(s, 1, 0), "長期入院患者の現状を知る");
  assert_string_equal(cell(s, 1, 1), "・情報提供した\n・研修を計画した");
  assert_string_equal(cell(s, 2, 1), "了承した");
  assert_int_equal(s->items->len, 0);
  assert_int_equal(r->sections->len, 4);
}

/* A goal's second paragraph beside a status still running stays in the same row; a blank
 * band across the table starts the next one. */
static void test_segment_table_rows_from_gaps(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, NULL);
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 380, y, SIZE, "取組状況");
  y += PITCH + 8;
  g_autofree char *status_full = chars("全体部会や区部会コアメンバー会議で支援対象", 22);
  cells(g, &y, "数値目標（6 件）", status_full);
  cells(g, &y, "→3 件達成", status_full);
  cells(g, &y, NULL, status_full);
  /* The status ends on a full line, so only the blank band tells the row has ended. */
  y += 10;
  cells(g, &y, "相談支援の簡素化", "協力依頼を実施。");
  y += 10;
  list_sections(g, &y);
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->rows->len, 2);
  assert_string_equal(cell(s, 0, 0), "数値目標（6 件）\n→3 件達成");
  g_autofree char *s0 = g_strconcat(status_full, status_full, status_full, NULL);
  assert_string_equal(cell(s, 0, 1), s0);
  assert_string_equal(cell(s, 1, 0), "相談支援の簡素化");
}

/* Content order does not matter: the same page with its glyphs shuffled (columns interleaved,
 * label first or last) gives the same result. */
static void test_segment_glyph_order_does_not_matter(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, "茨城県");
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 380, y, SIZE, "取組状況");
  y += PITCH;
  cells(g, &y, "目標一", "状況一");
  cells(g, &y, "目標二", "状況二");
  list_sections(g, &y);
  /* Reverse, then interleave halves: a worst case for content-order readers. */
  GArray *shuffled = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  for (guint i = 0; i < g->len; i++) {
    guint j = (i % 2) ? g->len - 1 - i / 2 : i / 2;
    g_array_append_val(shuffled, g_array_index(g, k2x_glyph, j));
  }
  g_array_unref(g);
  k2x_page *pages[] = {tu_page(1, shuffled)};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  assert_string_equal(r->label, "茨城県");
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->rows->len, 2);
  assert_string_equal(cell(s, 0, 0), "目標一");
  assert_string_equal(cell(s, 0, 1), "状況一");
  assert_string_equal(cell(s, 1, 0), "目標二");
  assert_string_equal(cell(s, 1, 1), "状況二");
}

/* A label at the foot of a report's last page closes that report; a label under the title
 * opens the next. */
static void test_segment_label_after_body_and_before(void **state) {
  fixture *f = *state;
  GArray *g1 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g1, &y, TRUE, NULL);
  line(g1, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g1, LEFT, &y, "２．支援事業の成果");
  line(g1, LEFT, &y, "・一つ目");
  y = 760;
  double w = 3 * SIZE;
  line(g1, LEFT + BODY_CHARS * SIZE - w, &y, "茨城県");
  GArray *g2 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  y = 40;
  header(g2, &y, TRUE, "栃木県・県南圏域");
  line(g2, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g2, LEFT, &y, "２．支援事業の成果");
  line(g2, LEFT, &y, "・二つ目");
  k2x_page *pages[] = {tu_page(1, g1), tu_page(2, g2)};
  run(f, pages, 2);

  assert_int_equal(f->doc->reports->len, 2);
  const k2x_report *a = g_ptr_array_index(f->doc->reports, 0);
  const k2x_report *b = g_ptr_array_index(f->doc->reports, 1);
  assert_string_equal(a->label, "茨城県");
  assert_string_equal(a->region.prefecture, "茨城県");
  assert_string_equal(a->region.area, "");
  assert_int_equal(a->region.source, K2X_REGION_LABEL);
  assert_string_equal(b->label, "栃木県・県南圏域");
  assert_string_equal(b->region.area, "県南圏域");
  assert_int_equal(a->page_first, 1);
  assert_int_equal(a->page_last, 1);
  assert_int_equal(b->page_first, 2);
  assert_non_null(a->title);
}

static gboolean has_warning(const k2x_report *r, const char *code) {
  for (guint i = 0; i < r->warnings->len; i++)
    if (strcmp(((const k2x_warning *)g_ptr_array_index(r->warnings, i))->code, code) == 0)
      return TRUE;
  return FALSE;
}

/* Two reports on one page: the first report's label after its body, then the second
 * report's title and label. */
static void test_segment_two_reports_on_one_page(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, NULL);
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g, LEFT, &y, "２．支援事業の成果");
  line(g, LEFT, &y, "・一つ目");
  header(g, &y, FALSE, "茨城県");
  header(g, &y, TRUE, "葛飾区");
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g, LEFT, &y, "２．支援事業の成果");
  line(g, LEFT, &y, "・二つ目");
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  assert_int_equal(f->doc->reports->len, 2);
  const k2x_report *a = g_ptr_array_index(f->doc->reports, 0);
  const k2x_report *b = g_ptr_array_index(f->doc->reports, 1);
  assert_string_equal(a->label, "茨城県");
  assert_string_equal(b->label, "葛飾区");
  assert_string_equal(b->region.prefecture, "東京都");
  assert_false(has_warning(a, "label_extra"));
  assert_false(has_warning(b, "label_extra"));
}

/* Reports one after another on one page, each with its title and label in its head: every
 * label goes to the report that the heading after it opens. */
static void test_segment_labels_in_heads_on_one_page(void **state) {
  fixture *f = *state;
  static const char *const labels[] = {"茨城県", "栃木県・県南圏域", "葛飾区", "千葉市圏域"};
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  for (gsize k = 0; k < G_N_ELEMENTS(labels); k++) {
    header(g, &y, TRUE, labels[k]);
    line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
    line(g, LEFT, &y, "２．支援事業の成果");
    line(g, LEFT, &y, "・一つ目");
  }
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  assert_int_equal(f->doc->reports->len, G_N_ELEMENTS(labels));
  for (gsize k = 0; k < G_N_ELEMENTS(labels); k++) {
    const k2x_report *r = g_ptr_array_index(f->doc->reports, k);
    assert_string_equal(r->label, labels[k]);
    assert_non_null(r->title);
    assert_false(has_warning(r, "label_extra"));
  }
  assert_int_equal(f->doc->warnings->len, 0);
}

static void test_segment_region_inferred_or_missing(void **state) {
  fixture *f = *state;
  GArray *g1 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g1, &y, TRUE, NULL);
  line(g1, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g1, LEFT, &y, "２．支援事業の成果");
  line(g1, LEFT, &y, "・熊本市の計画に沿って熊本市内で実施した。");
  GArray *g2 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  y = 40;
  header(g2, &y, TRUE, NULL);
  line(g2, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  line(g2, LEFT, &y, "２．支援事業の成果");
  line(g2, LEFT, &y, "・地名のない本文。");
  k2x_page *pages[] = {tu_page(1, g1), tu_page(2, g2)};
  run(f, pages, 2);

  const k2x_report *a = g_ptr_array_index(f->doc->reports, 0);
  assert_null(a->label);
  assert_int_equal(a->region.source, K2X_REGION_BODY);
  assert_string_equal(a->region.prefecture, "熊本県");
  assert_string_equal(a->region.area, "熊本市");
  assert_true(has_warning(a, "region_inferred"));
  const k2x_report *b = g_ptr_array_index(f->doc->reports, 1);
  assert_int_equal(b->region.source, K2X_REGION_NONE);
  assert_true(has_warning(b, "region_missing"));
}

/* A row whose status runs on over the page break stays one row; the repeated header row on
 * the new page is not a row. */
static void test_segment_row_continues_across_pages(void **state) {
  fixture *f = *state;
  GArray *g1 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g1, &y, TRUE, "青森県");
  line(g1, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g1, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g1, 380, y, SIZE, "取組状況");
  y += PITCH;
  g_autofree char *status_full = chars("新型コロナウイルスの感染拡大で集合しての会合", 22);
  cells(g1, &y, "目標一", "状況一");
  cells(g1, &y, "各区連絡会議", status_full);
  GArray *g2 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  y = 40;
  header(g2, &y, TRUE, NULL);
  tu_add_text(g2, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g2, 380, y, SIZE, "取組状況");
  y += PITCH;
  cells(g2, &y, NULL, "を実施した。");
  cells(g2, &y, "目標三", "状況三");
  list_sections(g2, &y);
  k2x_page *pages[] = {tu_page(1, g1), tu_page(2, g2)};
  run(f, pages, 2);

  assert_int_equal(f->doc->reports->len, 1);
  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->rows->len, 3);
  g_autofree char *want = g_strconcat(status_full, "を実施した。", NULL);
  assert_string_equal(cell(s, 1, 1), want);
  const k2x_row *row = g_ptr_array_index(s->rows, 1);
  assert_int_equal(row->page_first, 1);
  assert_int_equal(row->page_last, 2);
  assert_int_equal(r->page_last, 2);
}

/* Every line gets one role; text no rule claims is reported, not dropped. */
static void test_segment_every_line_accounted(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, "青森県");
  line(g, LEFT, &y, "迷子の行");
  line(g, LEFT, &y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g, 100, y, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 380, y, SIZE, "取組状況");
  y += PITCH;
  cells(g, &y, "目標一", "状況一");
  /* A note across both columns under the table is text of section 1, outside the table. */
  g_autofree char *note = chars("※新型コロナウイルス感染症対応により事業の開始時期が延期", 40);
  line(g, LEFT, &y, note);
  list_sections(g, &y);
  y = 800;
  line(g, 290, &y, "1");
  k2x_page *pages[] = {tu_page(1, g)};
  guint lines = pages[0]->lines->len;
  run(f, pages, 1);

  const int *roles = f->doc->line_roles;
  int total = 0;
  for (int i = 0; i < K2X_ROLE_COUNT; i++)
    total += roles[i];
  assert_int_equal(total, (int)lines);
  assert_int_equal(roles[K2X_ROLE_NONE], 0);
  assert_int_equal(roles[K2X_ROLE_TITLE], 1);
  assert_int_equal(roles[K2X_ROLE_LABEL], 1);
  assert_int_equal(roles[K2X_ROLE_HEADING], 4);
  assert_int_equal(roles[K2X_ROLE_TABLE_HEADER], 1);
  assert_int_equal(roles[K2X_ROLE_CELL], 1);
  assert_int_equal(roles[K2X_ROLE_ITEM], 4);
  assert_int_equal(roles[K2X_ROLE_UNASSIGNED], 1);
  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  assert_int_equal(section(r, 0)->items->len, 1);
  /* The stray line came before any section: a warning says where and what. */
  assert_int_equal(f->doc->warnings->len, 1);
  const k2x_warning *w = g_ptr_array_index(f->doc->warnings, 0);
  assert_string_equal(w->code, "text_unassigned");
  assert_int_equal(w->page, 1);
  assert_non_null(strstr(w->message, "迷子の行"));
}

/* A report without a title line of its own does not take the one before it. */
static void test_segment_title_not_inherited(void **state) {
  fixture *f = *state;
  GArray *g1 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g1, &y, TRUE, "青森県");
  line(g1, LEFT, &y, "２．支援事業の成果");
  line(g1, LEFT, &y, "・一つ目");
  GArray *g2 = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  y = 40;
  header(g2, &y, FALSE, "茨城県");
  line(g2, LEFT, &y, "２．支援事業の成果");
  line(g2, LEFT, &y, "・二つ目");
  k2x_page *pages[] = {tu_page(1, g1), tu_page(2, g2)};
  run(f, pages, 2);

  assert_int_equal(f->doc->reports->len, 2);
  assert_non_null(((const k2x_report *)g_ptr_array_index(f->doc->reports, 0))->title);
  assert_null(((const k2x_report *)g_ptr_array_index(f->doc->reports, 1))->title);
}

/* A page's ruling lines, as extraction reads them. */
static void hrule(k2x_page *page, double x0, double x1, double y) {
  k2x_rule r = {K2X_RULE_HORIZONTAL, x0, y, x1, y, 0.25};
  g_array_append_val(page->rules, r);
}

static void vrule(k2x_page *page, double x, double y0, double y1) {
  k2x_rule r = {K2X_RULE_VERTICAL, x, y0, x, y1, 0.25};
  g_array_append_val(page->rules, r);
}

static void table_head(GArray *g, double *y, const char *label) {
  header(g, y, TRUE, label);
  line(g, LEFT, y, "１．令和２年度の達成目標・取組状況");
  tu_add_text(g, 100, *y, SIZE, "令和２年度の達成目標");
  tu_add_text(g, 380, *y, SIZE, "取組状況");
  *y += PITCH;
}

/* Rows of a ruled table without cell padding stand no further apart than lines in a cell:
 * the rules say where rows end, even where a cell ends on a full line, and even where the
 * goal sits lower in its cell than the status beside it. */
static void test_segment_table_rows_from_rules(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  table_head(g, &y, "青森県");
  double top = y - 2;
  g_autofree char *goal_full = chars("地域移行に関わる支援関係者が事例を共有", 20);
  g_autofree char *status_full = chars("病院の看護部長にチーム会議の協議内容を伝え", 22);
  double bounds[3];
  cells(g, &y, goal_full, status_full);
  cells(g, &y, "意欲をもてる", status_full);
  bounds[0] = y - 2;
  cells(g, &y, NULL, status_full);
  cells(g, &y, "中央の目標", status_full);
  cells(g, &y, NULL, "実施した");
  bounds[1] = y - 2;
  cells(g, &y, "三つ目", "状況三");
  bounds[2] = y - 2;
  list_sections(g, &y);
  k2x_page *page = tu_page(1, g);
  for (guint i = 0; i < G_N_ELEMENTS(bounds); i++)
    hrule(page, LEFT - 4, 530, bounds[i]);
  hrule(page, LEFT - 4, 530, top);
  k2x_page *pages[] = {page};
  run(f, pages, 1);

  const k2x_section *s = section(g_ptr_array_index(f->doc->reports, 0), 0);
  assert_int_equal(s->layout, K2X_LAYOUT_RULES);
  assert_int_equal(s->rows->len, 3);
  assert_string_equal(cell(s, 1, 0), "中央の目標");
  g_autofree char *status = g_strconcat(status_full, status_full, "実施した", NULL);
  assert_string_equal(cell(s, 1, 1), status);
  assert_string_equal(cell(s, 2, 0), "三つ目");
}

/* A grid: the columns come from the vertical rules, and a goal that spans two status boxes
 * keeps its text in its own row, with a warning. */
static void test_segment_table_grid_spanning_cell(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  table_head(g, &y, "青森県");
  double top = y - 2;
  cells(g, &y, "一つ目の目標", "一つ目の状況");
  double b0 = y - 2;
  cells(g, &y, "二つ目の目標", "二つ目の状況の前半");
  double b1 = y - 2;
  cells(g, &y, NULL, "二つ目の状況の後半");
  double b2 = y - 2;
  list_sections(g, &y);
  k2x_page *page = tu_page(1, g);
  hrule(page, LEFT - 4, 530, top);
  hrule(page, LEFT - 4, 530, b0);
  hrule(page, COL2 - 4, 530, b1); /* the status column only: the goal spans it */
  hrule(page, LEFT - 4, 530, b2);
  vrule(page, LEFT - 4, top, b2);
  vrule(page, COL2 - 4, top, b2);
  vrule(page, 530, top, b2);
  k2x_page *pages[] = {page};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->layout, K2X_LAYOUT_GRID);
  assert_int_equal(s->rows->len, 3);
  assert_string_equal(cell(s, 1, 0), "二つ目の目標");
  assert_string_equal(cell(s, 1, 1), "二つ目の状況の前半");
  assert_string_equal(cell(s, 2, 0), "");
  assert_string_equal(cell(s, 2, 1), "二つ目の状況の後半");
  assert_true(has_warning(r, "cell_spans_rows"));
  assert_false(has_warning(r, "table_columns_guessed"));
}

/* Chromium's way: a rule under the header only, generous padding, paragraphs spaced inside
 * a cell. Paragraph spacing is not a row boundary, a status paragraph beside an empty goal
 * goes on the row, and a goal's second paragraph beside no status is no row either; the rows
 * are where the spacing is a row's. */
static void test_segment_table_rows_from_spacing(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  table_head(g, &y, "茨城県");
  double under_header = y - 2;
  const double padding = 12, para = 4;
  y += padding;
  g_autofree char *status_full = chars("保健所圏域ごとの課題の明確化課題解決に向け", 22);
  cells(g, &y, "・圏域の協議の場", status_full);
  cells(g, &y, NULL, "調査を実施した。");
  y += para;
  cells(g, &y, NULL, "・報告様式等の作成。");
  y += 2 * padding;
  g_autofree char *goal_full = chars("精神科医療機関と連携し医療従事者の理解促進", 20);
  cells(g, &y, goal_full, status_full);
  cells(g, &y, "する。", "研修を計画した。");
  y += para;
  cells(g, &y, "（10 回）", NULL);
  y += 2 * padding;
  cells(g, &y, "人材を育成する。", "実施できなかった。");
  y += padding;
  list_sections(g, &y);
  k2x_page *page = tu_page(1, g);
  hrule(page, LEFT - 4, 530, under_header);
  k2x_page *pages[] = {page};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  const k2x_section *s = section(r, 0);
  assert_int_equal(s->layout, K2X_LAYOUT_TEXT);
  assert_int_equal(s->rows->len, 3);
  g_autofree char *s0 = g_strconcat(status_full, "調査を実施した。\n・報告様式等の作成。", NULL);
  assert_string_equal(cell(s, 0, 1), s0);
  g_autofree char *g1 = g_strconcat(goal_full, "する。\n（10 回）", NULL);
  assert_string_equal(cell(s, 1, 0), g1);
  assert_string_equal(cell(s, 2, 0), "人材を育成する。");
  assert_false(has_warning(r, "table_header_missing"));
}

/* A rule at a page edge says nothing by itself: a row whose goal breaks off mid-sentence at
 * the foot of page 1 goes on at the head of page 2; in the second report, cells that both
 * ended open a new row on the next page. Both tables are closed at the foot and opened at
 * the head of the page. */
static void test_segment_table_page_edge_rules(void **state) {
  fixture *f = *state;
  g_autofree char *goal_full = chars("精神障がい者ピアサポーターを養成し語り", 20);
  g_autofree char *status_full = chars("ピアサポーター養成講座を実施したまたリモートに", 22);
  k2x_page *pages[4];
  for (int report = 0; report < 2; report++) {
    GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
    double y = 40;
    table_head(g, &y, report == 0 ? "青森県" : "茨城県");
    double top = y - 2;
    cells(g, &y, "一つ目の目標", "一つ目の状況");
    double b0 = y - 2;
    cells(g, &y, goal_full, report == 0 ? status_full : "二つ目の状況。");
    if (report == 1)
      cells(g, &y, "二つ目の目標の終わり", NULL);
    double foot = y - 2;
    k2x_page *p1 = tu_page(2 * report + 1, g);
    hrule(p1, LEFT - 4, 530, top);
    hrule(p1, LEFT - 4, 530, b0);
    hrule(p1, LEFT - 4, 530, foot);
    g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
    y = 40;
    cells(g, &y, report == 0 ? "を進める" : "三つ目の目標", report == 0 ? "・交流会" : "三つ目");
    double b1 = y - 2;
    if (report == 1)
      list_sections(g, &y);
    else
      cells(g, &y, "四つ目の目標", "四つ目");
    double b2 = y - 2;
    if (report == 0)
      list_sections(g, &y);
    k2x_page *p2 = tu_page(2 * report + 2, g);
    hrule(p2, LEFT - 4, 530, 38);
    hrule(p2, LEFT - 4, 530, b1);
    if (report == 0)
      hrule(p2, LEFT - 4, 530, b2);
    pages[2 * report] = p1;
    pages[2 * report + 1] = p2;
  }
  run(f, pages, 4);

  const k2x_section *a = section(g_ptr_array_index(f->doc->reports, 0), 0);
  assert_int_equal(a->rows->len, 3);
  g_autofree char *goal = g_strconcat(goal_full, "を進める", NULL);
  assert_string_equal(cell(a, 1, 0), goal);
  g_autofree char *status = g_strconcat(status_full, "\n・交流会", NULL);
  assert_string_equal(cell(a, 1, 1), status);
  const k2x_row *joined = g_ptr_array_index(a->rows, 1);
  assert_int_equal(joined->page_first, 1);
  assert_int_equal(joined->page_last, 2);
  const k2x_section *b = section(g_ptr_array_index(f->doc->reports, 1), 0);
  assert_int_equal(b->rows->len, 3);
  assert_string_equal(cell(b, 2, 0), "三つ目の目標");
}

/* A first line set in right under its heading belongs to the section, however far from the
 * previous section's last line. */
static void test_segment_indented_line_under_heading(void **state) {
  fixture *f = *state;
  GArray *g = g_array_new(FALSE, FALSE, sizeof(k2x_glyph));
  double y = 40;
  header(g, &y, TRUE, "青森県");
  line(g, LEFT, &y, "２．支援事業の成果");
  line(g, LEFT, &y, "・一つ目");
  y += 200;
  line(g, LEFT, &y, "３．次年度に向けた課題等");
  line(g, 300, &y, "（別紙のとおり）");
  k2x_page *pages[] = {tu_page(1, g)};
  run(f, pages, 1);

  const k2x_report *r = g_ptr_array_index(f->doc->reports, 0);
  assert_int_equal(section(r, 1)->items->len, 1);
  assert_string_equal(item(section(r, 1), 0), "（別紙のとおり）");
  assert_false(has_warning(r, "text_unassigned"));
}

/* k2x_columns_place: a two-column table from text that lost its layout, each row written as
 * its goal lines, then its status lines. Expected placements come from reading the text:
 * wrapped goal lines are 20 wide characters, status lines 25. */
typedef struct {
  const char *text;
  gboolean marker;
  guint column;
  gboolean new_row, new_paragraph;
  const char *split_before; /* the line splits at the space right after this text, or NULL */
} placed_line;

static void check_places(const placed_line *want, guint n, gsize text_width) {
  g_autofree const char **texts = g_new(const char *, n);
  g_autofree gboolean *markers = g_new(gboolean, n);
  g_autofree k2x_line_place *got = g_new0(k2x_line_place, n);
  for (guint i = 0; i < n; i++) {
    texts[i] = want[i].text;
    markers[i] = want[i].marker;
  }
  k2x_columns_place(texts, markers, n, text_width, got);
  for (guint i = 0; i < n; i++) {
    gsize split = 0;
    if (want[i].split_before) {
      const char *at = strstr(want[i].text, want[i].split_before);
      assert_non_null(at);
      split = (gsize)(at - want[i].text) + strlen(want[i].split_before);
      assert_int_equal(want[i].text[split], ' ');
    }
    if (got[i].column != want[i].column || got[i].new_row != want[i].new_row ||
        got[i].new_paragraph != want[i].new_paragraph || got[i].split != split)
      fail_msg("line %u \"%s\": column %u, new_row %d, new_paragraph %d, split %zu; expected "
               "column %u, new_row %d, new_paragraph %d, split %zu",
               i, want[i].text, got[i].column, got[i].new_row, got[i].new_paragraph,
               (size_t)got[i].split, want[i].column, want[i].new_row, want[i].new_paragraph,
               (size_t)split);
  }
}

static void test_segment_columns_interleaved_rows(void **state) {
  const placed_line lines[] = {
      {"地域移行に関わる支援関係者が事例を共有し", FALSE, 0, TRUE, TRUE, NULL},
      {"ながら理解を深める", FALSE, 0, FALSE, FALSE, NULL},
      {"病院の看護部長にチーム会議の協議内容を伝え、取組を", FALSE, 1, FALSE, TRUE, NULL},
      {"理解してもらうことができた。", FALSE, 1, FALSE, FALSE, NULL},
      {"長期入院患者のデータを分析し、入院患者の", FALSE, 0, TRUE, TRUE, NULL},
      {"現状を知る", FALSE, 0, FALSE, FALSE, NULL},
      {"県保健医療計画及び県障害福祉計画改定で見直す予定の", FALSE, 1, FALSE, TRUE, NULL},
      {"関連指標の数値等を情報提供した。", FALSE, 1, FALSE, FALSE, NULL},
      {"市町村の自立支援協議会で地域移行部会の設", FALSE, 0, TRUE, TRUE, NULL},
      {"置に関する意見交換をする", FALSE, 0, FALSE, FALSE, NULL},
      {"弘前市自立支援協議会が管内市町村参加を了承した。", FALSE, 1, FALSE, TRUE, NULL},
  };
  check_places(lines, G_N_ELEMENTS(lines), 0);
  /* The page's body width, which both columns share, changes nothing here. */
  check_places(lines, G_N_ELEMENTS(lines), 96);
}

/* A short goal and the start of its status on one line, parted by a space; the goal itself
 * holds a space ("（1 件）"), and so does the status. (The table of 群馬県・太田圏域 as the
 * real bundle's text has it.) */
static void test_segment_columns_shared_line_split(void **state) {
  const placed_line lines[] = {
      {"共同の場の設置及び課題解決への提言（1 件） 群馬県のモデル地域選定を受けて協議の場を設"
       "置。今後は",
       FALSE, 0, TRUE, TRUE, "（1 件）"},
      {"ボトムアップ方式による課題提案を行う。", FALSE, 1, FALSE, FALSE, NULL},
      {"連携に基づいた困難ケースへの対応（10 件） 第 1 回協議で 1 件困難ケースへの対応方法に"
       "ついてストレ",
       FALSE, 0, TRUE, TRUE, "（10 件）"},
      {"ングスモデルに基づくグループスーパービジョンを実施し", FALSE, 1, FALSE, FALSE, NULL},
      {"た。この取組は来年度以降も実施予定。", FALSE, 1, FALSE, FALSE, NULL},
      {"高齢者家族への支援実施（5 件） 令和 3 年度移行に連携を行う支援機関から事例提供等によ",
       FALSE, 0, TRUE, TRUE, "（5 件）"},
      {"って実態を把握し、適切な助言を実施する。", FALSE, 1, FALSE, FALSE, NULL},
  };
  check_places(lines, G_N_ELEMENTS(lines), 0);
}

/* A status of two ・ paragraphs: the second opens a paragraph in the same cell, not a row.
 * (栃木県・県南圏域: narrow goals of 15 characters, statuses of 32.) */
static void test_segment_columns_status_paragraphs(void **state) {
  const placed_line lines[] = {
      {"・各市町における地域包括ケアシ", TRUE, 0, TRUE, TRUE, NULL},
      {"ステム構築推進のための協議が", FALSE, 0, FALSE, FALSE, NULL},
      {"管内全市町（６市町）にて実施さ", FALSE, 0, FALSE, FALSE, NULL},
      {"れる", FALSE, 0, FALSE, FALSE, NULL},
      {"・各市町の保健師をメンバーとした県南圏域連絡会を１回実施。システ", TRUE, 1, FALSE, TRUE,
       NULL},
      {"ム構築に向けた取組や、精神保健福祉業務の困り感等について共有。", FALSE, 1, FALSE, FALSE,
       NULL},
      {"・各市町の協議の場の運営方法等について助言等を行う。協議の場は全", TRUE, 1, FALSE, TRUE,
       NULL},
      {"市町で設置されたが、２町では具体的な協議に至っていない。今後、１", FALSE, 1, FALSE,
       FALSE, NULL},
      {"町では来年度の協議の進め方等について打ち合わせを実施する予定。", FALSE, 1, FALSE, FALSE,
       NULL},
      {"②地域移行支援に関するピアサ", TRUE, 0, TRUE, TRUE, NULL},
      {"ポーター活動の実績として、実際", FALSE, 0, FALSE, FALSE, NULL},
      {"の退院支援に関わり、相互の意欲", FALSE, 0, FALSE, FALSE, NULL},
      {"喚起につなげる", FALSE, 0, FALSE, FALSE, NULL},
      {"・ピアサポーターと相談支援専門員による同行訪問の実績はあるもの", TRUE, 1, FALSE, TRUE,
       NULL},
      {"の、実際の退院支援への関与はなし。", FALSE, 1, FALSE, FALSE, NULL},
  };
  check_places(lines, G_N_ELEMENTS(lines), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_segment_items_split_by_marker_and_paragraph_end,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_rows_from_paragraph_ends, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_rows_from_gaps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_glyph_order_does_not_matter, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_segment_label_after_body_and_before, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_segment_two_reports_on_one_page, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_labels_in_heads_on_one_page, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_region_inferred_or_missing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_segment_row_continues_across_pages, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_segment_every_line_accounted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_title_not_inherited, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_rows_from_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_grid_spanning_cell, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_rows_from_spacing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_table_page_edge_rules, setup, teardown),
      cmocka_unit_test_setup_teardown(test_segment_indented_line_under_heading, setup,
                                      teardown),
      cmocka_unit_test(test_segment_columns_interleaved_rows),
      cmocka_unit_test(test_segment_columns_shared_line_split),
      cmocka_unit_test(test_segment_columns_status_paragraphs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
