/* fuzz_profile: bytes as a profile .ini → the profile loader, then, when it loads, a small
 * fixed text converted with it. */
#include "fuzz.h"

#include <string.h>

/* The first page of the empty-section fixture as pdftotext -layout writes it. */
static const char text[] =
    "令和２年度 精神障害にも対応した地域包括ケアシステム構築支援事業 AD合同会議「事前課\n"
    "                    題」\n"
    "                                石川県・能登中部圏域\n"
    "\n"
    "１．令和２年度の達成目標・取組状況\n"
    "    令和２年度の達成目標               取組状況\n"
    "・精神障害者にも対応した地域包括ケ   ・市町の設置に向けた検討会に県、圏域 AD と\n"
    "アシステムにおける協議の場の設置    ともに参加したり助言する。\n"
    "\n"
    "２．支援事業の成果\n"
    "・\n"
    "\n"
    "３．次年度に向けた課題等\n"
    "・精神障害者の地域生活支援の受け皿づくり\n"
    "・コロナ禍でピアサポーター活動の場がない\n"
    "\n"
    "４．課題の解決に向けた 令和３年度の取組方針\n"
    "・関係機関と連携して個別のケース支援\n"
    "・市町の体制整備にかかわり地域との連携を図る\n"
    "\n"
    "                       1\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Written once: every run converts the same text. */
  static char *input;
  if (!input)
    input = fuzz_write_input("input.txt", (const uint8_t *)text, strlen(text));

  g_autofree char *path = fuzz_write_input("profile.ini", data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(k2x_profile) profile = k2x_profile_new_from_file(path, &error);
  /* Sheet names that Excel refuses are the writer's to clean, so the xlsx too must work. */
  if (profile)
    fuzz_convert(input, profile);
  return 0;
}
