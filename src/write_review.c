/* write_review: the review PDF — a summary, then every source page with what was found drawn
 * over it. */
#include <errno.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <poppler.h>

#include "writer.h"

/* The fallback keeps the review legible where the IPAex fonts are not installed. */
#define FONT "IPAexGothic,Sans"
#define A4_WIDTH 595.28
#define A4_HEIGHT 841.89
/* Right of every source page: room for its warnings and the legend. */
#define MARGIN 200.0
/* Left and top edge of the summary and of the text pages. */
#define EDGE 40.0
#define LINE 13.0
#define FILL_ALPHA 0.22

typedef struct {
  double r, g, b;
} rgb;

#define GREY {0.45, 0.45, 0.45}
#define BLUE {0.1, 0.3, 0.95}
#define PURPLE {0.55, 0.15, 0.8}
#define TEAL {0.0, 0.5, 0.5}
#define ORANGE {1.0, 0.5, 0.0}
#define RED {0.9, 0.0, 0.0}
#define DARK_RED {0.6, 0.0, 0.0}
#define INK {0.0, 0.0, 0.0}
#define COLUMN_1 {0.2, 0.75, 0.2}
#define COLUMN_2 {1.0, 0.8, 0.0}
#define CYAN {0.0, 0.7, 0.95}
#define MAGENTA {0.85, 0.0, 0.65}

static const rgb blue = BLUE, teal = TEAL, orange = ORANGE, dark_red = DARK_RED;
/* Cells are shaded by column, so that a cell taken into the wrong column shows. */
static const rgb columns[] = {COLUMN_1, COLUMN_2, {1.0, 0.35, 0.65}, {0.55, 0.35, 0.15}};

/* How each kind of mark (a line kept in doc->marks) is drawn; NULL caption: never a mark. */
typedef struct {
  k2x_drawn_kind kind;
  rgb colour;
  const char *caption;
} mark_style;

static const mark_style mark_styles[K2X_ROLE_COUNT] = {
    [K2X_ROLE_TITLE] = {K2X_DRAWN_FURNITURE, GREY, "タイトル"},
    [K2X_ROLE_LABEL] = {K2X_DRAWN_FURNITURE, GREY, "ラベル"},
    [K2X_ROLE_PAGE_NUMBER] = {K2X_DRAWN_FURNITURE, GREY, "ページ番号"},
    [K2X_ROLE_REPEATED] = {K2X_DRAWN_FURNITURE, GREY, "繰り返し"},
    [K2X_ROLE_TABLE_HEADER] = {K2X_DRAWN_TABLE_HEADER, PURPLE, "表の見出し"},
    [K2X_ROLE_UNASSIGNED] = {K2X_DRAWN_UNASSIGNED, RED, "未割当"},
    [K2X_ROLE_RULE] = {K2X_DRAWN_RULE, CYAN, "罫線"},
};

/* How a legend entry shows its colour: as the page shows it. */
typedef enum { SWATCH_SHADED, SWATCH_OUTLINE, SWATCH_LINE } swatch;

typedef struct {
  rgb colour;
  swatch swatch;
  const char *text;
} legend_entry;

static const legend_entry legend[] = {
    {GREY, SWATCH_SHADED, "タイトル・ラベル・ページ番号・繰り返し"},
    {BLUE, SWATCH_SHADED, "節の見出し（§節番号）"},
    {PURPLE, SWATCH_SHADED, "表の見出し行（右上に行の区切り方）"},
    {TEAL, SWATCH_OUTLINE, "表の行（R行番号、続き＝前ページから）"},
    {COLUMN_1, SWATCH_SHADED, "セル 1列目（列ごとに色が変わる）"},
    {COLUMN_2, SWATCH_SHADED, "セル 2列目"},
    {ORANGE, SWATCH_SHADED, "項目（I節番号.項目番号）"},
    {RED, SWATCH_SHADED, "どこにも属さない文字（未割当）"},
    {CYAN, SWATCH_LINE, "罫線（PDF が描く線）"},
    {MAGENTA, SWATCH_OUTLINE, "OCR で読んだ行（網が濃いほど不確か）"},
    {DARK_RED, SWATCH_OUTLINE, "警告（線の先が該当箇所）"},
};

typedef struct {
  double size;  /* font size, pt */
  double width; /* wraps (or with one_line, cuts with "…") at this width; 0: no limit */
  gboolean one_line;
  rgb colour;
} style;

static const style caption_style = {7.5, 0, TRUE, INK};
static const style body_style = {8.5, A4_WIDTH - 2 * EDGE, FALSE, INK};
static const style summary_style = {8.5, A4_WIDTH - 2 * EDGE, TRUE, INK};
static const style title_style = {14, 0, TRUE, INK};
static const style warning_style = {7.5, MARGIN - 16, FALSE, DARK_RED};

/* One review page being drawn. */
typedef struct {
  cairo_t *cr;
  PangoLayout *layout; /* reused for every text of the review */
  GArray *drawn;       /* k2x_drawn, or NULL */
  int page;            /* source page, 0 for the summary */
  double width;        /* of the source page: its right margin starts here */
  double height;
} canvas;

/* A column of entries that stops when the page is full and counts what did not fit, so that
 * the review keeps one page per source page. */
typedef struct {
  canvas *cv;
  double y, bottom;
  guint skipped;
} cursor;

static void record(const canvas *cv, k2x_drawn d) {
  if (!cv->drawn || k2x_box_is_empty(d.box))
    return;
  d.page = cv->page;
  g_array_append_val(cv->drawn, d);
}

/* Lays text out in the shared layout; returns the box it takes when shown at x, y. */
static k2x_box layout_text(const canvas *cv, double x, double y, const style *st,
                           const char *text) {
  PangoFontDescription *fd = pango_font_description_from_string(FONT);
  pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
  pango_layout_set_font_description(cv->layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(cv->layout, st->width > 0 ? (int)(st->width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(cv->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize(cv->layout,
                             st->one_line ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_text(cv->layout, text, -1);
  PangoRectangle logical;
  pango_layout_get_extents(cv->layout, NULL, &logical);
  k2x_box b = {x, y, x + (double)logical.width / PANGO_SCALE,
               y + (double)logical.height / PANGO_SCALE};
  return b;
}

static void show_layout(const canvas *cv, double x, double y, rgb c) {
  cairo_set_source_rgb(cv->cr, c.r, c.g, c.b);
  cairo_move_to(cv->cr, x, y);
  pango_cairo_show_layout(cv->cr, cv->layout);
}

static k2x_box draw_text(const canvas *cv, double x, double y, const style *st,
                         const char *text) {
  k2x_box b = layout_text(cv, x, y, st, text);
  show_layout(cv, x, y, st->colour);
  return b;
}

static void draw_box(const canvas *cv, k2x_box b, rgb c, double alpha, gboolean outline) {
  cairo_t *cr = cv->cr;
  cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
  if (alpha > 0)
    cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
  cairo_set_line_width(cr, outline ? 1.0 : 0.4);
  cairo_stroke(cr);
}

/* A caption left of box, on white and darker than the box so that it reads over the page;
 * inside the box when the page edge leaves no room. */
static void draw_caption(const canvas *cv, k2x_box box, rgb c, const char *text) {
  const rgb dark = {c.r * 0.7, c.g * 0.7, c.b * 0.7};
  k2x_box b = layout_text(cv, 0, 0, &caption_style, text);
  double w = b.x1 - b.x0, h = b.y1 - b.y0;
  double x = box.x0 - w - 2 >= 0 ? box.x0 - w - 2 : box.x0 + 1;
  cairo_rectangle(cv->cr, x - 0.5, box.y0, w + 1, h);
  cairo_set_source_rgba(cv->cr, 1, 1, 1, 0.85);
  cairo_fill(cv->cr);
  show_layout(cv, x, box.y0, dark);
}

/* The union of the spans on page; empty when none lies there. */
static k2x_box spans_box(const GArray *spans, int page) {
  k2x_box u = {0};
  for (guint i = 0; i < spans->len; i++) {
    const k2x_span *s = &g_array_index(spans, k2x_span, i);
    if (s->page == page)
      u = k2x_box_union(u, s->box);
  }
  return u;
}

static k2x_box grow(k2x_box b, double d) {
  k2x_box g = {b.x0 - d, b.y0 - d, b.x1 + d, b.y1 + d};
  return g;
}

static gboolean cursor_take(cursor *cu, double height, double *y) {
  if (cu->skipped || cu->y + height > cu->bottom) {
    cu->skipped++;
    return FALSE;
  }
  *y = cu->y;
  cu->y += height;
  return TRUE;
}

/* Writes one entry at x; returns where it went, empty when it did not fit. */
static k2x_box cursor_write(cursor *cu, double x, const style *st, const char *text) {
  k2x_box b = layout_text(cu->cv, x, cu->y, st, text), none = {0};
  double y;
  if (!cursor_take(cu, b.y1 - b.y0 + 2, &y))
    return none;
  show_layout(cu->cv, x, y, st->colour);
  return b;
}

/* Closes the column with "…他 N 件" when entries were left out; the line is kept free below
 * bottom. */
static void cursor_finish(cursor *cu, double x, const style *st) {
  if (!cu->skipped)
    return;
  g_autofree char *more = g_strdup_printf("…他 %u 件", cu->skipped);
  draw_text(cu->cv, x, cu->y, st, more);
}

static const char *region_source_text(k2x_region_source source) {
  static const char *const texts[] = {
      [K2X_REGION_NONE] = "不明", [K2X_REGION_LABEL] = "ラベル", [K2X_REGION_BODY] = "本文から推定"};
  return (unsigned)source < G_N_ELEMENTS(texts) ? texts[source] : texts[K2X_REGION_NONE];
}

/* Left edges of the report table's columns, from EDGE; the last ends the text width. */
static const double summary_columns[] = {0,   40,  110, 220, 300,
                                         355, 410, 460, A4_WIDTH - 2 * EDGE};

static void summary_row(cursor *cu, const char *const cells[8]) {
  double y;
  if (!cursor_take(cu, LINE, &y))
    return;
  for (int i = 0; i < 8; i++) {
    style st = summary_style;
    st.width = summary_columns[i + 1] - summary_columns[i] - 4;
    draw_text(cu->cv, EDGE + summary_columns[i], y, &st, cells[i]);
  }
}

static void summary_warnings(cursor *cu, const GPtrArray *warnings) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    g_autofree char *line = g_strdup_printf("%s（p.%d）%s", w->code, w->page, w->message_ja);
    style st = summary_style;
    st.width -= 20;
    st.colour = dark_red;
    cursor_write(cu, EDGE + 20, &st, line);
  }
}

static void summary_report(cursor *cu, const k2x_report *r) {
  g_autofree char *index = g_strdup_printf("%d", r->index);
  g_autofree char *pages = g_strdup_printf("%d–%d", r->page_first, r->page_last);
  g_autofree char *rows = g_strdup_printf("%u", k2x_report_row_count(r));
  g_autofree char *items = g_strdup_printf("%u", k2x_report_item_count(r));
  g_autofree char *warnings = g_strdup_printf("%u", r->warnings->len);
  const char *prefecture = *r->region.prefecture ? r->region.prefecture : "—";
  const char *const cells[8] = {index, prefecture, r->region.area,
                                region_source_text(r->region.source), pages, rows, items,
                                warnings};
  summary_row(cu, cells);
  summary_warnings(cu, r->warnings);
}

static void draw_summary(canvas *cv, const k2x_doc *doc) {
  draw_text(cv, EDGE, EDGE, &title_style, "検出結果の確認（kaigi2xlsx）");
  cursor cu = {cv, EDGE + 30, A4_HEIGHT - EDGE - LINE, 0};
  g_autofree char *file = g_strdup_printf("元ファイル: %s", doc->file ? doc->file : "");
  g_autofree char *pages = g_strdup_printf("ページ数: %d", doc->pages);
  g_autofree char *profile =
      g_strdup_printf("プロファイル: %s", doc->profile ? doc->profile : "");
  g_autofree char *kind = g_strdup_printf("形式: %s", doc->kind ? doc->kind : "pdf");
  g_autofree char *counts = g_strdup_printf("報告 %u 件、警告 %u 件", doc->reports->len,
                                            k2x_doc_warning_count(doc));
  const char *const meta[] = {file, pages, profile, kind, counts};
  for (guint i = 0; i < G_N_ELEMENTS(meta); i++)
    cursor_write(&cu, EDGE, &summary_style, meta[i]);
  cursor_write(&cu, EDGE, &body_style,
               "2ページ目から: 元の各ページに、見つけた構造を色の枠で重ねています"
               "（凡例は各ページの右下）。");
  cu.y += LINE / 2;
  static const char *const head[8] = {"報告No", "都道府県", "圏域等", "地域の根拠",
                                      "ページ", "表の行数", "項目数", "警告数"};
  cairo_rectangle(cv->cr, EDGE - 2, cu.y - 1, A4_WIDTH - 2 * EDGE + 4, LINE);
  cairo_set_source_rgb(cv->cr, 0.9, 0.9, 0.9);
  cairo_fill(cv->cr);
  summary_row(&cu, head);
  for (guint i = 0; i < doc->reports->len; i++)
    summary_report(&cu, g_ptr_array_index(doc->reports, i));
  if (doc->warnings->len > 0) {
    cu.y += LINE / 2;
    cursor_write(&cu, EDGE, &summary_style, "文書全体の警告");
    summary_warnings(&cu, doc->warnings);
  }
  cursor_finish(&cu, EDGE, &summary_style);
}

/* How mark is drawn, or NULL when it is not drawn on page. */
static const mark_style *mark_style_on(const k2x_mark *m, int page) {
  const mark_style *ms = (unsigned)m->role < K2X_ROLE_COUNT ? &mark_styles[m->role] : NULL;
  return ms && ms->caption && m->span.page == page ? ms : NULL;
}

/* A thin line over the page's own, so that a rule the converter missed shows black. */
static void draw_rule(const canvas *cv, k2x_box line, rgb c) {
  cairo_move_to(cv->cr, line.x0, line.y0);
  cairo_line_to(cv->cr, line.x1, line.y1);
  cairo_set_source_rgba(cv->cr, c.r, c.g, c.b, 0.9);
  cairo_set_line_width(cv->cr, 0.8);
  cairo_stroke(cv->cr);
}

/* The table whose rows stand on page, or NULL. */
static const k2x_section *table_on_page(const k2x_doc *doc, int page, int *report) {
  for (guint i = 0; i < doc->reports->len; i++) {
    const k2x_report *r = g_ptr_array_index(doc->reports, i);
    for (guint j = 0; j < r->sections->len; j++) {
      const k2x_section *s = g_ptr_array_index(r->sections, j);
      for (guint k = 0; k < s->rows->len; k++) {
        const k2x_row *row = g_ptr_array_index(s->rows, k);
        if (row->page_first <= page && page <= row->page_last) {
          *report = r->index;
          return s;
        }
      }
    }
  }
  return NULL;
}

/* Says over the right end of the table's header how its rows were read (the JSON's layout),
 * so that staff know whether to check them against the rules or the spacing. */
static void draw_table_layout(const canvas *cv, const k2x_doc *doc, k2x_box header) {
  static const char *const reads[] = {
      [K2X_LAYOUT_TEXT] = "行の区切り: 文字の配置から（行間の罫線なし）",
      [K2X_LAYOUT_RULES] = "行の区切り: 横罫線から",
      [K2X_LAYOUT_GRID] = "行の区切り: 格子の罫線から",
  };
  int report = 0;
  const k2x_section *s = table_on_page(doc, cv->page, &report);
  if (!s || k2x_box_is_empty(header) || (unsigned)s->layout >= G_N_ELEMENTS(reads))
    return;
  const rgb c = PURPLE, dark = {c.r * 0.7, c.g * 0.7, c.b * 0.7};
  k2x_box b = layout_text(cv, 0, 0, &caption_style, reads[s->layout]);
  double w = b.x1 - b.x0, h = b.y1 - b.y0;
  double x = MAX(header.x1 - w, 0), y = MAX(header.y0 - h - 1, 0);
  cairo_rectangle(cv->cr, x - 0.5, y, w + 1, h);
  cairo_set_source_rgba(cv->cr, 1, 1, 1, 0.85);
  cairo_fill(cv->cr);
  show_layout(cv, x, y, dark);
  record(cv, (k2x_drawn){K2X_DRAWN_TABLE_LAYOUT, 0, report, s->number, (int)s->layout + 1, 0,
                         (k2x_box){x, y, x + w, y + h}});
}

static void draw_marks(const canvas *cv, const k2x_doc *doc) {
  k2x_box header = {0};
  for (guint i = 0; i < doc->marks->len; i++) {
    const k2x_mark *m = g_ptr_array_index(doc->marks, i);
    const mark_style *ms = mark_style_on(m, cv->page);
    if (!ms || k2x_box_is_empty(m->span.box))
      continue;
    if (m->role == K2X_ROLE_RULE) {
      draw_rule(cv, m->span.box, ms->colour);
    } else {
      draw_box(cv, m->span.box, ms->colour, FILL_ALPHA, FALSE);
      draw_caption(cv, m->span.box, ms->colour, ms->caption);
    }
    if (m->role == K2X_ROLE_TABLE_HEADER)
      header = k2x_box_union(header, m->span.box);
    record(cv, (k2x_drawn){ms->kind, 0, 0, 0, (int)i + 1, 0, m->span.box});
  }
  draw_table_layout(cv, doc, header);
}

static void draw_row(const canvas *cv, const k2x_report *r, const k2x_section *s, guint i) {
  const k2x_row *row = g_ptr_array_index(s->rows, i);
  if (cv->page < row->page_first || cv->page > row->page_last)
    return;
  k2x_box outline = {0};
  for (guint c = 0; c < row->cells->len; c++) {
    const k2x_cell *cell = g_ptr_array_index(row->cells, c);
    k2x_box b = spans_box(cell->spans, cv->page);
    if (k2x_box_is_empty(b))
      continue;
    draw_box(cv, b, columns[c % G_N_ELEMENTS(columns)], FILL_ALPHA, FALSE);
    record(cv, (k2x_drawn){K2X_DRAWN_CELL, 0, r->index, s->number, (int)i + 1, (int)c + 1, b});
    outline = k2x_box_union(outline, b);
  }
  if (k2x_box_is_empty(outline))
    return;
  outline = grow(outline, 1);
  draw_box(cv, outline, teal, 0, TRUE);
  g_autofree char *caption = g_strdup_printf(cv->page > row->page_first ? "R%u(続き)" : "R%u",
                                             i + 1);
  draw_caption(cv, outline, teal, caption);
  record(cv, (k2x_drawn){K2X_DRAWN_ROW, 0, r->index, s->number, (int)i + 1, 0, outline});
}

static void draw_item(const canvas *cv, const k2x_report *r, const k2x_section *s, guint i) {
  const k2x_item *it = g_ptr_array_index(s->items, i);
  k2x_box b = spans_box(it->spans, cv->page);
  if (k2x_box_is_empty(b))
    return;
  draw_box(cv, b, orange, FILL_ALPHA, FALSE);
  g_autofree char *caption = g_strdup_printf("I%d.%u", s->number, i + 1);
  draw_caption(cv, b, orange, caption);
  record(cv, (k2x_drawn){K2X_DRAWN_ITEM, 0, r->index, s->number, (int)i + 1, 0, b});
}

static void draw_section(const canvas *cv, const k2x_report *r, const k2x_section *s) {
  if (s->page == cv->page && !k2x_box_is_empty(s->box)) {
    draw_box(cv, s->box, blue, FILL_ALPHA, FALSE);
    g_autofree char *caption = g_strdup_printf("§%d", s->number);
    draw_caption(cv, s->box, blue, caption);
    record(cv, (k2x_drawn){K2X_DRAWN_HEADING, 0, r->index, s->number, 0, 0, s->box});
  }
  for (guint i = 0; i < s->rows->len; i++)
    draw_row(cv, r, s, i);
  for (guint i = 0; i < s->items->len; i++)
    draw_item(cv, r, s, i);
}

/* A warning of the page being drawn, with what record() needs to name it. */
typedef struct {
  const k2x_warning *w;
  int report, index;
} page_warning;

static void add_page_warnings(GArray *out, const GPtrArray *warnings, int page, int report) {
  for (guint i = 0; i < warnings->len; i++) {
    const k2x_warning *w = g_ptr_array_index(warnings, i);
    if (w->page != page)
      continue;
    page_warning pw = {w, report, (int)i + 1};
    g_array_append_val(out, pw);
  }
}

/* Warnings without a place go first; the others in the order of their place down the page,
 * so that leader lines do not cross. */
static int compare_warning_top(gconstpointer a, gconstpointer b) {
  const k2x_warning *x = ((const page_warning *)a)->w, *y = ((const page_warning *)b)->w;
  double ya = k2x_box_is_empty(x->box) ? -1 : x->box.y0;
  double yb = k2x_box_is_empty(y->box) ? -1 : y->box.y0;
  return ya < yb ? -1 : ya > yb;
}

static GArray *page_warnings_new(const k2x_doc *doc, int page) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(page_warning));
  add_page_warnings(out, doc->warnings, page, 0);
  for (guint i = 0; i < doc->reports->len; i++) {
    const k2x_report *r = g_ptr_array_index(doc->reports, i);
    add_page_warnings(out, r->warnings, page, r->index);
  }
  g_array_sort(out, compare_warning_top);
  return out;
}

static void draw_leader(const canvas *cv, k2x_box text, k2x_box target) {
  cairo_t *cr = cv->cr;
  double ty = (target.y0 + target.y1) / 2;
  cairo_set_source_rgba(cr, dark_red.r, dark_red.g, dark_red.b, 0.7);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, text.x0 - 2, text.y0 + 4);
  cairo_line_to(cr, target.x1 + 1, ty);
  cairo_stroke(cr);
  cairo_arc(cr, target.x1 + 1, ty, 1.5, 0, 2 * G_PI);
  cairo_fill(cr);
}

/* Says over an image-only page why nothing is drawn on it. */
static void draw_no_text_note(const canvas *cv) {
  static const style note = {12, 0, TRUE, DARK_RED};
  const char *text = "no_text_layer: 文字情報のないページ（画像のみ）";
  k2x_box b = layout_text(cv, 0, 0, &note, text);
  double x = (cv->width - (b.x1 - b.x0)) / 2, y = cv->height / 3;
  k2x_box frame = grow((k2x_box){x, y, x + b.x1 - b.x0, y + b.y1 - b.y0}, 6);
  cairo_rectangle(cv->cr, frame.x0, frame.y0, frame.x1 - frame.x0, frame.y1 - frame.y0);
  cairo_set_source_rgba(cv->cr, 1, 1, 1, 0.9);
  cairo_fill(cv->cr);
  draw_box(cv, frame, dark_red, 0, TRUE);
  show_layout(cv, x, y, note.colour);
  record(cv, (k2x_drawn){K2X_DRAWN_NOTE, 0, 0, 0, 0, 0, frame});
}

/* Each warning next to the height of its place, below the one before, down to bottom; an
 * image-only page also gets its note. */
static void draw_warnings(canvas *cv, const k2x_doc *doc, double bottom) {
  g_autoptr(GArray) warnings = page_warnings_new(doc, cv->page);
  double x = cv->width + 8;
  cursor cu = {cv, 12, bottom - LINE, 0};
  for (guint i = 0; i < warnings->len; i++) {
    const page_warning *pw = &g_array_index(warnings, page_warning, i);
    const k2x_warning *w = pw->w;
    gboolean placed = !k2x_box_is_empty(w->box);
    /* Near the foot of the page the text may stand above its place rather than be cut. */
    if (placed && !cu.skipped)
      cu.y = MAX(cu.y, MIN(w->box.y0, bottom - 4 * LINE));
    g_autofree char *text = g_strdup_printf("%s: %s", w->code, w->message_ja);
    k2x_box b = cursor_write(&cu, x, &warning_style, text);
    if (placed && !k2x_box_is_empty(b))
      draw_leader(cv, b, w->box);
    record(cv, (k2x_drawn){K2X_DRAWN_WARNING, 0, pw->report, 0, pw->index, 0, b});
    if (g_strcmp0(w->code, "no_text_layer") == 0)
      draw_no_text_note(cv);
  }
  cursor_finish(&cu, x, &warning_style);
}

/* The legend at the foot of the margin; returns its top. */
static double draw_legend(const canvas *cv) {
  const double pitch = 11;
  double x = cv->width + 8;
  double top = cv->height - 12 - pitch * (G_N_ELEMENTS(legend) + 1);
  draw_text(cv, x, top, &caption_style, "凡例");
  for (guint i = 0; i < G_N_ELEMENTS(legend); i++) {
    const legend_entry *e = &legend[i];
    double y = top + pitch * (i + 1);
    k2x_box box = {x, y + 1.5, x + 12, y + 9.5};
    if (e->swatch == SWATCH_LINE)
      draw_rule(cv, (k2x_box){x, y + 5.5, x + 12, y + 5.5}, e->colour);
    else
      draw_box(cv, box, e->colour, e->swatch == SWATCH_SHADED ? 0.35 : 0,
               e->swatch == SWATCH_OUTLINE);
    draw_text(cv, x + 16, y, &caption_style, e->text);
  }
  return top;
}

static void draw_margin(canvas *cv, const k2x_doc *doc) {
  cairo_rectangle(cv->cr, cv->width, 0, MARGIN, cv->height);
  cairo_set_source_rgb(cv->cr, 0.96, 0.96, 0.96);
  cairo_fill(cv->cr);
  double legend_top = draw_legend(cv);
  draw_warnings(cv, doc, legend_top - 6);
}

/* Lines read by OCR, outlined in their own colour and shaded the less OCR was sure of them,
 * so that staff see what to check against the page image. */
static void draw_ocr_lines(const canvas *cv, const k2x_doc *doc) {
  static const rgb magenta = MAGENTA;
  for (guint i = 0; i < doc->ocr_lines->len; i++) {
    const k2x_ocr_line *l = &g_array_index(doc->ocr_lines, k2x_ocr_line, i);
    if (l->span.page != cv->page || k2x_box_is_empty(l->span.box))
      continue;
    k2x_box b = grow(l->span.box, 0.5);
    draw_box(cv, b, magenta, CLAMP(0.6 * (1 - l->confidence), 0.03, 0.6), FALSE);
    record(cv, (k2x_drawn){K2X_DRAWN_OCR_LINE, 0, 0, 0, (int)i + 1, 0, b});
  }
}

static void draw_source_page(canvas *cv, PopplerPage *pp, const k2x_doc *doc) {
  cairo_save(cv->cr);
  poppler_page_render(pp, cv->cr);
  cairo_restore(cv->cr);
  draw_ocr_lines(cv, doc);
  draw_marks(cv, doc);
  for (guint i = 0; i < doc->reports->len; i++) {
    const k2x_report *r = g_ptr_array_index(doc->reports, i);
    for (guint s = 0; s < r->sections->len; s++)
      draw_section(cv, r, g_ptr_array_index(r->sections, s));
  }
  draw_margin(cv, doc);
}

static gboolean draw_pdf_pages(canvas *cv, cairo_surface_t *surface, const k2x_doc *doc,
                               const char *source_path, const char *password, GError **error) {
  /* poppler takes a URI, and a URI needs an absolute path. */
  g_autofree char *absolute = g_canonicalize_filename(source_path, NULL);
  g_autofree char *uri = g_filename_to_uri(absolute, NULL, error);
  PopplerDocument *pd = uri ? poppler_document_new_from_file(uri, password, error) : NULL;
  if (!pd) {
    g_prefix_error(error, "cannot open %s again: ", source_path);
    return FALSE;
  }
  int n = poppler_document_get_n_pages(pd);
  gboolean ok = n == doc->pages;
  if (!ok)
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "%s has %d pages, the conversion read %d",
                source_path, n, doc->pages);
  for (int i = 0; ok && i < n; i++) {
    PopplerPage *pp = poppler_document_get_page(pd, i);
    if (!pp) {
      g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "%s: page %d cannot be read", source_path,
                  i + 1);
      ok = FALSE;
      break;
    }
    poppler_page_get_size(pp, &cv->width, &cv->height);
    cairo_pdf_surface_set_size(surface, cv->width + MARGIN, cv->height);
    cv->page = i + 1;
    draw_source_page(cv, pp, doc);
    cairo_show_page(cv->cr);
    g_object_unref(pp);
  }
  g_object_unref(pd);
  return ok;
}

static gboolean item_on_page(const k2x_item *it, int page) {
  for (guint i = 0; i < it->spans->len; i++)
    if (g_array_index(it->spans, k2x_span, i).page == page)
      return TRUE;
  return it->spans->len == 0 && it->page == page;
}

static char *row_text(const k2x_row *row, guint i, int page) {
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, page > row->page_first ? "R%u(続き) " : "R%u ", i + 1);
  for (guint c = 0; c < row->cells->len; c++)
    g_string_append_printf(s, "%s%s", c ? " ｜ " : "",
                           ((const k2x_cell *)g_ptr_array_index(row->cells, c))->text);
  return g_string_free(s, FALSE);
}

static void write_section(cursor *cu, const k2x_report *r, const k2x_section *s) {
  int page = cu->cv->page;
  if (s->page == page) {
    g_autofree char *text = g_strdup_printf("§%d %s", s->number, s->heading);
    k2x_box b = cursor_write(cu, EDGE, &body_style, text);
    record(cu->cv, (k2x_drawn){K2X_DRAWN_HEADING, 0, r->index, s->number, 0, 0, b});
  }
  style indented = body_style;
  indented.width -= 12;
  for (guint i = 0; i < s->rows->len; i++) {
    const k2x_row *row = g_ptr_array_index(s->rows, i);
    if (page < row->page_first || page > row->page_last)
      continue;
    g_autofree char *text = row_text(row, i, page);
    k2x_box b = cursor_write(cu, EDGE + 12, &indented, text);
    record(cu->cv, (k2x_drawn){K2X_DRAWN_ROW, 0, r->index, s->number, (int)i + 1, 0, b});
  }
  for (guint i = 0; i < s->items->len; i++) {
    const k2x_item *it = g_ptr_array_index(s->items, i);
    if (!item_on_page(it, page))
      continue;
    g_autofree char *text = g_strdup_printf("I%d.%u %s", s->number, i + 1, it->text);
    k2x_box b = cursor_write(cu, EDGE + 12, &indented, text);
    record(cu->cv, (k2x_drawn){K2X_DRAWN_ITEM, 0, r->index, s->number, (int)i + 1, 0, b});
  }
}

static void write_marks(cursor *cu, const k2x_doc *doc) {
  for (guint i = 0; i < doc->marks->len; i++) {
    const k2x_mark *m = g_ptr_array_index(doc->marks, i);
    const mark_style *ms = mark_style_on(m, cu->cv->page);
    if (!ms)
      continue;
    g_autofree char *text = g_strdup_printf("%s: %s", ms->caption, m->text);
    k2x_box b = cursor_write(cu, EDGE, &body_style, text);
    record(cu->cv, (k2x_drawn){ms->kind, 0, 0, 0, (int)i + 1, 0, b});
  }
}

static void write_text_page(canvas *cv, const k2x_doc *doc) {
  g_autofree char *title =
      g_strdup_printf("ページ %d（テキスト入力: 位置の情報なし）", cv->page);
  draw_text(cv, EDGE, EDGE, &title_style, title);
  cursor cu = {cv, EDGE + 30, A4_HEIGHT - EDGE - LINE, 0};
  write_marks(&cu, doc);
  for (guint i = 0; i < doc->reports->len; i++) {
    const k2x_report *r = g_ptr_array_index(doc->reports, i);
    for (guint s = 0; s < r->sections->len; s++)
      write_section(&cu, r, g_ptr_array_index(r->sections, s));
  }
  g_autoptr(GArray) warnings = page_warnings_new(doc, cv->page);
  style st = body_style;
  st.colour = dark_red;
  for (guint i = 0; i < warnings->len; i++) {
    const page_warning *pw = &g_array_index(warnings, page_warning, i);
    g_autofree char *text = g_strdup_printf("警告 %s: %s", pw->w->code, pw->w->message_ja);
    k2x_box b = cursor_write(&cu, EDGE, &st, text);
    record(cv, (k2x_drawn){K2X_DRAWN_WARNING, 0, pw->report, 0, pw->index, 0, b});
  }
  cursor_finish(&cu, EDGE, &body_style);
}

static void write_text_pages(canvas *cv, const k2x_doc *doc) {
  for (int p = 1; p <= doc->pages; p++) {
    cv->page = p;
    write_text_page(cv, doc);
    cairo_show_page(cv->cr);
  }
}

/* Draws the whole review into file; the surface reports write errors only when finished. */
static gboolean render(const k2x_doc *doc, const char *source_path, const char *password,
                       const char *file, GArray *drawn, GError **error) {
  cairo_surface_t *surface = cairo_pdf_surface_create(file, A4_WIDTH, A4_HEIGHT);
  cairo_t *cr = cairo_create(surface);
  canvas cv = {cr, pango_cairo_create_layout(cr), drawn, 0, A4_WIDTH, A4_HEIGHT};
  draw_summary(&cv, doc);
  cairo_show_page(cr);
  gboolean ok = TRUE;
  if (g_strcmp0(doc->kind, "text") == 0)
    write_text_pages(&cv, doc);
  else
    ok = draw_pdf_pages(&cv, surface, doc, source_path, password, error);
  g_object_unref(cv.layout);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (ok && status != CAIRO_STATUS_SUCCESS) {
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "%s", cairo_status_to_string(status));
    ok = FALSE;
  }
  return ok;
}

k2x_error k2x_write_review(const k2x_doc *doc, const char *source_path, const char *password,
                           const char *path, GArray *drawn, GError **error) {
  char *tmp = k2x_writer_temp_path(path, error);
  if (!tmp)
    return K2X_ERR_WRITE;
  guint drawn_before = drawn ? drawn->len : 0;
  GError *err = NULL;
  gboolean ok = render(doc, source_path, password, tmp, drawn, &err);
  if (ok && g_rename(tmp, path) != 0) {
    int saved = errno;
    g_set_error(&err, K2X_ERROR, K2X_ERR_WRITE, "%s", g_strerror(saved));
    ok = FALSE;
  }
  if (!ok) {
    g_unlink(tmp);
    if (drawn)
      g_array_set_size(drawn, drawn_before);
    g_set_error(error, K2X_ERROR, K2X_ERR_WRITE, "%s: %s", path, err->message);
    g_error_free(err);
  }
  g_free(tmp);
  return ok ? K2X_OK : K2X_ERR_WRITE;
}
