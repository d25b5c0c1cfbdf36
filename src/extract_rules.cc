// extract: a PDF page's text and the straight lines it paints, in one pass of poppler's core
// API over its content stream (poppler-glib has no path API, and a second pass for the paths
// alone would cost 0.8x pdftotext). The one C++ file of the program; rules.h is its C
// interface.
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include <Gfx.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <OutputDev.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>

#include "rules.h"

namespace {

// A segment is axis-parallel when it drifts less than this across its length (about half a
// degree): a table border, not a slanted stroke.
constexpr double SLOPE = 0.01;
// Paint this close to white (or this transparent) does not show on the paper: Chromium fills
// the page white before drawing it, and cells are often filled white.
constexpr double INVISIBLE = 0.02;

// Records the straight axis-parallel pieces of what a page strokes and fills.
class PathRecorder {
public:
  explicit PathRecorder(GArray *out) : pieces(out) {}

  // What a soft mask's group paints is a mask, never seen.
  void begin_group(bool for_soft_mask) {
    groups.push_back(for_soft_mask);
    masks += for_soft_mask;
  }
  void end_group() {
    if (!groups.empty()) {
      masks -= groups.back();
      groups.pop_back();
    }
  }

  void stroke(GfxState *state) {
    GfxRGB rgb;
    state->getStrokeRGB(&rgb);
    if (pieces && !masks && visible(rgb, state->getStrokeOpacity(), state->getStrokeColorSpace()))
      add_path(state, state->getTransformedLineWidth(), false);
  }
  void fill(GfxState *state) {
    GfxRGB rgb;
    state->getFillRGB(&rgb);
    if (pieces && !masks && visible(rgb, state->getFillOpacity(), state->getFillColorSpace()))
      add_path(state, 0, true);
  }

private:
  GArray *pieces;           // NULL: nothing is recorded
  std::vector<bool> groups; // open transparency groups: for a soft mask or not
  int masks = 0;            // how many of them are for a soft mask

  static bool visible(const GfxRGB &rgb, double opacity, GfxColorSpace *space) {
    if (opacity < INVISIBLE || (space && space->getMode() == csPattern))
      return false;
    double darkest = std::fmin(colToDbl(rgb.r), std::fmin(colToDbl(rgb.g), colToDbl(rgb.b)));
    return 1 - darkest >= INVISIBLE;
  }

  // Each straight segment of the path that runs along an axis, in device space. A filled
  // subpath closes by itself, so its closing edge counts even when the path left it open.
  void add_path(GfxState *state, double width, bool filled) {
    const GfxPath *path = state->getPath();
    double cx0, cy0, cx1, cy1;
    state->getClipBBox(&cx0, &cy0, &cx1, &cy1);
    for (int s = 0; s < path->getNumSubpaths(); s++) {
      const GfxSubpath *sub = path->getSubpath(s);
      int n = sub->getNumPoints();
      if (filled && n < 3)
        continue; // no area: nothing shows
      for (int i = 1; i < n; i++)
        // A point flagged curve is a control point: segments touching one are curves.
        if (!sub->getCurve(i) && !sub->getCurve(i - 1))
          add_segment(state, sub->getX(i - 1), sub->getY(i - 1), sub->getX(i), sub->getY(i), width,
                      cx0, cy0, cx1, cy1);
      if (filled && !sub->isClosed() && !sub->getCurve(n - 1))
        add_segment(state, sub->getX(n - 1), sub->getY(n - 1), sub->getX(0), sub->getY(0), width,
                    cx0, cy0, cx1, cy1);
    }
  }

  void add_segment(GfxState *state, double ux0, double uy0, double ux1, double uy1, double width,
                   double cx0, double cy0, double cx1, double cy1) {
    double x0, y0, x1, y1;
    state->transform(ux0, uy0, &x0, &y0);
    state->transform(ux1, uy1, &x1, &y1);
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1) ||
        !std::isfinite(width))
      return;
    double dx = std::fabs(x1 - x0), dy = std::fabs(y1 - y0);
    k2x_rule r;
    if (dy <= SLOPE * dx) {
      double y = (y0 + y1) / 2;
      if (y < cy0 || y > cy1)
        return;
      r = {K2X_RULE_HORIZONTAL,
           std::fmax(std::fmin(x0, x1), cx0),
           y,
           std::fmin(std::fmax(x0, x1), cx1),
           y,
           width};
      if (r.x1 <= r.x0)
        return;
    } else if (dx <= SLOPE * dy) {
      double x = (x0 + x1) / 2;
      if (x < cx0 || x > cx1)
        return;
      r = {K2X_RULE_VERTICAL,
           x,
           std::fmax(std::fmin(y0, y1), cy0),
           x,
           std::fmin(std::fmax(y0, y1), cy1),
           width};
      if (r.y1 <= r.y0)
        return;
    } else {
      return; // a diagonal
    }
    g_array_append_val(pieces, r);
  }
};

// poppler-glib's text device, exactly as poppler-glib makes it, that also records the paths:
// one pass over the content stream gives the text and the rules.
class TextRuleDev : public TextOutputDev {
public:
  explicit TextRuleDev(GArray *pieces)
      : TextOutputDev(nullptr, true, 0, false, false), paths(pieces) {}

  // Gradients hold no text, and broken into small fills they would draw no rule either.
  bool useShadedFills(int) override { return true; }
  bool functionShadedFill(GfxState *, GfxFunctionShading *) override { return true; }
  bool axialShadedFill(GfxState *, GfxAxialShading *, double, double) override { return true; }
  bool radialShadedFill(GfxState *, GfxRadialShading *, double, double) override { return true; }
  bool gouraudTriangleShadedFill(GfxState *, GfxGouraudTriangleShading *) override { return true; }
  bool patchMeshShadedFill(GfxState *, GfxPatchMeshShading *) override { return true; }
  void beginTransparencyGroup(GfxState *, const double *, GfxColorSpace *, bool, bool,
                              bool for_soft_mask) override {
    paths.begin_group(for_soft_mask);
  }
  void endTransparencyGroup(GfxState *) override { paths.end_group(); }
  void stroke(GfxState *state) override {
    paths.stroke(state);
    TextOutputDev::stroke(state);
  }
  void fill(GfxState *state) override {
    paths.fill(state);
    TextOutputDev::fill(state);
  }
  void eoFill(GfxState *state) override {
    paths.fill(state);
    TextOutputDev::eoFill(state);
  }

private:
  PathRecorder paths;
};

} // namespace

struct k2x_page_reader {
  std::unique_ptr<PDFDoc> doc;
};

static std::unique_ptr<PDFDoc> open_doc(const char *data, gsize len,
                                        const std::optional<GooString> &password) {
  // The one password is tried as owner and as user password.
  return std::make_unique<PDFDoc>(new MemStream(data, 0, (Goffset)len, Object(objNull)), password,
                                  password);
}

k2x_page_reader *k2x_page_reader_new(const char *data, gsize len, const char *password) {
  // poppler-glib sets the global parameters when it opens a document, which the source has
  // done by now; the check only keeps the reader usable on its own.
  if (!globalParams)
    globalParams = std::make_unique<GlobalParams>();
  std::optional<GooString> none;
  if (!password) {
    auto doc = open_doc(data, len, none);
    return doc->isOk() ? new k2x_page_reader{std::move(doc)} : nullptr;
  }
  // As poppler-glib: the password in Latin-1 (PDF's own encoding of it), then as given.
  g_autofree char *latin1 =
      g_convert(password, -1, "ISO-8859-1", "UTF-8", nullptr, nullptr, nullptr);
  std::unique_ptr<PDFDoc> doc;
  if (latin1)
    doc = open_doc(data, len, GooString(latin1));
  if (!doc || !doc->isOk())
    doc = open_doc(data, len, GooString(password));
  return doc->isOk() ? new k2x_page_reader{std::move(doc)} : nullptr;
}

void k2x_page_reader_free(k2x_page_reader *reader) { delete reader; }

gboolean k2x_page_reader_read(k2x_page_reader *reader, int index, double width, double height,
                              char **text, GArray *boxes, GArray *pieces) {
  *text = nullptr;
  if (index < 0 || index >= reader->doc->getNumPages())
    return FALSE;
  Page *page = reader->doc->getPage(index + 1);
  if (!page || !page->isOk())
    return FALSE;
  TextRuleDev dev(pieces);
  if (!dev.isOk())
    return FALSE;
  // Exactly as poppler-glib builds its text page (72 dpi, the crop box, the page's own
  // rotation, the content stream without annotations), so that the text is poppler-glib's to
  // the bit and rules share its coordinates.
  Gfx *gfx =
      page->createGfx(&dev, 72.0, 72.0, 0, false, true, -1, -1, -1, -1, false, nullptr, nullptr);
  page->display(gfx);
  dev.endPage();
  TextPage *tp = dev.takeText();
  delete gfx;

  // What poppler_page_get_text, _get_text_layout and _get_text_attributes give for the whole
  // page: the text of a glyph selection, and a box per character of it (a space between two
  // words spans the gap, a line end is a point), each with its word's font size.
  PDFRectangle all(0, 0, width, height);
  GooString *selected = tp->getSelectionText(&all, selectionStyleGlyph);
  *text = g_strdup(selected->c_str());
  delete selected;
  int n_lines = 0;
  std::vector<TextWordSelection *> **lines =
      tp->getSelectionWords(&all, selectionStyleGlyph, &n_lines);
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0, size = 0;
  guint start = boxes->len;
  for (int i = 0; lines && i < n_lines; i++) {
    std::vector<TextWordSelection *> *words = lines[i];
    for (std::size_t j = 0; j < words->size(); j++) {
      TextWordSelection *sel = (*words)[j];
      const TextWord *word = sel->getWord();
      for (int k = sel->getBegin(); k < sel->getEnd(); k++) {
        // A space or line end takes the size of the character before it.
        size = word->getFontSize();
        k2x_char_box b;
        word->getCharBBox(k, &b.x1, &b.y1, &b.x2, &b.y2);
        b.size = size;
        g_array_append_val(boxes, b);
      }
      word->getBBox(&x1, &y1, &x2, &y2);
      if (word->hasSpaceAfter() && j + 1 < words->size()) {
        double nx1, ny1, nx2, ny2;
        (*words)[j + 1]->getWord()->getBBox(&nx1, &ny1, &nx2, &ny2);
        k2x_char_box space = {x2, y1, nx1, y2, size};
        g_array_append_val(boxes, space);
      }
      delete sel;
    }
    if (i < n_lines - 1 && boxes->len > start) {
      k2x_char_box end = {x2, y2, x2, y2, size};
      g_array_append_val(boxes, end);
    }
    delete words;
  }
  gfree(lines);
  tp->decRefCnt();
  return TRUE;
}
