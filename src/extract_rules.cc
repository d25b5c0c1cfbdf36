// extract: the straight lines a PDF page paints, from poppler's core API (poppler-glib has no
// path API). The one C++ file of the program; rules.h is its C interface.
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

#include "rules.h"

namespace {

// A segment is axis-parallel when it drifts less than this across its length (about half a
// degree): a table border, not a slanted stroke.
constexpr double SLOPE = 0.01;
// Paint this close to white (or this transparent) does not show on the paper: Chromium fills
// the page white before drawing it, and cells are often filled white.
constexpr double INVISIBLE = 0.02;

// Records the straight axis-parallel pieces of what the page strokes and fills.
class RuleDev : public OutputDev {
public:
  explicit RuleDev(GArray *out) : pieces(out) {}

  // The coordinates of poppler-glib's text: y grows downwards.
  bool upsideDown() override { return true; }
  bool useDrawChar() override { return false; }
  // A Type 3 glyph's procedure draws a character, not a rule.
  bool interpretType3Chars() override { return false; }
  // Pattern cells and gradients are paint, not rules; taking them here as done keeps poppler
  // from breaking them into thousands of small fills.
  bool useTilingPatternFill() override { return true; }
  bool tilingPatternFill(GfxState *, Gfx *, Catalog *, GfxTilingPattern *, const double *, int, int,
                         int, int, double, double) override {
    return true;
  }
  bool useShadedFills(int) override { return true; }
  bool functionShadedFill(GfxState *, GfxFunctionShading *) override { return true; }
  bool axialShadedFill(GfxState *, GfxAxialShading *, double, double) override { return true; }
  bool radialShadedFill(GfxState *, GfxRadialShading *, double, double) override { return true; }
  bool gouraudTriangleShadedFill(GfxState *, GfxGouraudTriangleShading *) override { return true; }
  bool patchMeshShadedFill(GfxState *, GfxPatchMeshShading *) override { return true; }

  // What a soft mask's group paints is a mask, never seen.
  void beginTransparencyGroup(GfxState *, const double *, GfxColorSpace *, bool, bool,
                              bool forSoftMask) override {
    groups.push_back(forSoftMask);
    masks += forSoftMask;
  }
  void endTransparencyGroup(GfxState *) override {
    if (!groups.empty()) {
      masks -= groups.back();
      groups.pop_back();
    }
  }

  void stroke(GfxState *state) override {
    GfxRGB rgb;
    state->getStrokeRGB(&rgb);
    if (masks || !visible(rgb, state->getStrokeOpacity(), state->getStrokeColorSpace()))
      return;
    add_path(state, state->getTransformedLineWidth(), false);
  }
  void fill(GfxState *state) override {
    GfxRGB rgb;
    state->getFillRGB(&rgb);
    if (masks || !visible(rgb, state->getFillOpacity(), state->getFillColorSpace()))
      return;
    add_path(state, 0, true);
  }
  void eoFill(GfxState *state) override { fill(state); }

private:
  GArray *pieces;
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

} // namespace

struct k2x_rule_reader {
  std::unique_ptr<PDFDoc> doc;
};

k2x_rule_reader *k2x_rule_reader_new(const char *data, gsize len, const char *password) {
  // poppler-glib sets the global parameters when it opens a document, which the source has
  // done by now; the check only keeps the reader usable on its own.
  if (!globalParams)
    globalParams = std::make_unique<GlobalParams>();
  std::optional<GooString> pw;
  if (password)
    pw = GooString(password);
  // As poppler-glib does, the one password is tried as owner and as user password.
  auto doc =
      std::make_unique<PDFDoc>(new MemStream(data, 0, (Goffset)len, Object(objNull)), pw, pw);
  if (!doc->isOk())
    return nullptr;
  return new k2x_rule_reader{std::move(doc)};
}

void k2x_rule_reader_free(k2x_rule_reader *reader) { delete reader; }

gboolean k2x_rule_reader_read_page(k2x_rule_reader *reader, int index, GArray *pieces) {
  if (index < 0 || index >= reader->doc->getNumPages())
    return FALSE;
  Page *page = reader->doc->getPage(index + 1);
  if (!page || !page->isOk())
    return FALSE;
  RuleDev dev(pieces);
  // Exactly as poppler-glib builds its text page (72 dpi, the crop box, the page's own
  // rotation, the content stream without annotations), so that rules and glyphs share their
  // coordinates.
  Gfx *gfx =
      page->createGfx(&dev, 72.0, 72.0, 0, false, true, -1, -1, -1, -1, false, nullptr, nullptr);
  page->display(gfx);
  delete gfx;
  return TRUE;
}
