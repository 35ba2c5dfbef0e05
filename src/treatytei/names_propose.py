"""Step: names propose. Finds names the register does not know yet and writes them to a
review file for an editor (``treatytei names propose``; ``names accept`` applies it).

Signals, each a reason given in the review file:

* **links** to Wikipedia articles: the target title names a thing. Its kind (person,
  place, organisation, office, treaty, other) is read, first sure first, from the
  title's disambiguator (雅爾 (地名), 拉布敦 (清朝)), from ISO 3166's country names
  (pycountry: a country is a state), era names (sanmiao's table: other), the title's
  ending (…河 a river, …大臣 an office, …條約 a treaty, …族/…語 other), a short name
  after an office (將軍奕山: a person), the words around every mention and the names it
  is listed with, jieba's part of speech, and the article's own categories (for its
  subject). An anchor that differs from its target is proposed as another name of it.
* **titles** in 《》: treaties (by their ending) or other works.
* **names nobody linked**: before a place, organisation or title ending (…河, …嶺,
  …卡倫, …衙門, …公主), the words divided with jieba's frequencies; after a word that
  gives a name (稱為, 漢名); an emperor by his era (乾隆帝), an army by its state (清軍);
  the Eight Banners (蒙古正藍旗); countries; proper words of jieba's list that hold a
  register name (內蒙古); bare runs of the characters transliterated names are written
  in (learned from the register and jieba's list), where the words or names beside them
  say what they are; the unknown names of a list whose known names are of one kind.
* **treaties and archival texts**: the holder named after an office's title (都統花沙納為…),
  a state in the grand style (大清國, joining the register's state), the Qing boards by name
  (刑部), what a boundary runs along (以…為界), boundary points by number (…第五十八界點),
  names given to markers (即名…), a counted list (…四河), a name before 地方.
* **references**: authors, publishers and their cities, in Chinese and in letters.
* **spellings of one name**: a candidate that sounds like an entry of the register
  (the same syllables in pypinyin) or like another candidate is proposed as a name of
  that entry, never merged without the editor's word.

Known names (in the register), known words (its list of words that are not names) and
rejected candidates (its list of not-names) are never proposed again.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from .chinese import is_han, to_simplified
from .enrich import BLOCK, ENTRY_TAG, Gazetteer, blocks, flat, link_spans, match_key
from .lexicon import country_mentions
from .register import KINDS, Register, make_entry_id, pinyin_of
from .tei import NS, parse_file

WIKI = "/wiki/"

#: kind by the ending of a title, longest endings first; "other" is anything that is
#: not a person, place, organisation, office or treaty (peoples, languages, events,
#: books, goods)
ENDINGS: dict[str, tuple[str, ...]] = {
    "treaty": ("條約", "条约", "界約", "界约", "協約", "协约", "協定", "协定", "章程", "議定書", "议定书",
               "專條", "专条", "條款", "条款", "約", "约"),
    "other": ("之戰", "之战", "戰爭", "战争", "戰役", "战役", "起義", "起义", "革命", "事變", "事变", "獨立", "独立",
              "解體", "解体", "內戰", "内战", "會議", "会议", "運動", "运动", "大捷",
              "語族", "语族", "語", "语", "族", "人", "文", "字",
              "志", "稿", "典", "史", "集", "錄", "录", "傳", "传", "表", "鑑", "鉴", "刊", "譜", "谱", "法",
              "制", "學", "学", "教", "年", "時代", "时代", "代", "機場", "机场", "鐵路", "铁路", "公路", "危機", "危机",
              # a campaign, a reform, a border, relations between states (羅禪征伐, 清末新政, 中俄邊界)
              "征伐", "新政", "邊界", "边界", "關係", "关系",
              # a rank of the nine ranks (從一品, 正五品)
              "品",
              # books of the Qing court and compilations (平定羅剎方略, 東華錄, 欽定大清會典則例,
              # 籌辦夷務始末, 皇朝經世文續編)
              "方略", "紀略", "纪略", "本末", "始末", "則例", "则例", "全書", "全书", "文編", "文编",
              "續編", "续编"),
    "office": ("大臣", "總督", "总督", "將軍", "将军", "都統", "都统", "尚書", "尚书", "學士", "学士", "巡撫",
               "巡抚", "參贊", "参赞", "知府", "知縣", "知县", "台吉", "臺吉", "貝子", "贝子", "貝勒", "贝勒",
               "親王", "亲王", "郡王", "額駙", "额驸", "筆帖式", "笔帖式", "侍郎", "御史", "總兵", "总兵",
               "提督", "札薩克", "札萨克", "扎薩克", "扎萨克", "斷事官", "断事官", "總管", "总管", "領隊", "领队",
               "郎中", "員外郎", "员外郎", "主事"),
    "org": ("政府", "衙門", "衙门", "黨", "党", "公司", "院", "府", "處", "处", "局", "會", "会", "軍", "军",
            "銀行", "银行", "大學", "大学", "委員會", "委员会", "朝", "汗國", "汗国", "帝國", "帝国",
            "民國", "民国", "王國", "王国", "共和國", "共和国", "國", "国", "聯邦", "联邦", "部",
            # bureaus and institutes (三法司, 則例館, 蒙藏文化中心)
            "司", "館", "馆", "中心"),
    "place": ("山脈", "山脉", "山", "嶺", "岭", "河", "江", "湖", "海", "泊", "淖爾", "淖尔", "泉", "池",
              "卡倫", "卡伦", "鄂博", "城", "鎮", "镇", "村", "堡", "關", "关", "口", "島", "岛", "州", "省",
              "縣", "县", "盟", "旗", "區", "区", "市", "屯", "灣", "湾", "峽", "峡", "谷", "原", "漠",
              "牧場", "牧场", "地方", "管區", "管区", "行省", "站", "廳", "厅", "口岸", "驛", "驿", "庫倫", "库伦", "蘇木", "苏木",
              # Russian towns as Chinese writes them (…斯克, …茨克, …格勒)
              "斯克", "茨克", "格勒",
              # boundary markers named by a character (烏字牌, 土字界牌)
              "字牌", "界牌"),
}
#: words that make a link title a class of things, not a name (縣級市, 街道辦事處, 行政建制鎮)
CLASS_WORDS = ("級", "级", "建制", "辦事處", "办事处", "聯邦主體", "联邦主体")
#: a Wikipedia title's disambiguator in parentheses (雅爾 (地名), 拉布敦 (清朝)) says its kind
QUALIFIER_PLACE = ("地名", "地理", "城市", "河流", "湖泊", "山脈", "山脉", "古城", "城鎮", "城镇", "聚落")
QUALIFIER_PERSON = ("人物", "政治人物", "政治家", "將領", "将领", "官員", "官员", "皇帝", "學者", "学者", "作家",
                    "畫家", "画家", "軍事家", "军事家", "親王", "亲王", "公主")
QUALIFIER_OTHER = ("電視劇", "电视剧", "電影", "电影", "小說", "小说", "行政區劃", "行政区划", "消歧義", "消歧义")
#: endings of a person's name or title (康熙帝, 元太祖, 達延汗, 哲布尊丹巴呼圖克圖)
PERSON_ENDINGS = ("皇帝", "帝", "一世", "二世", "三世", "四世", "五世", "六世", "七世", "八世", "九世", "十世",
                  # Mongol personal names (…jab, …dorji)
                  "札布", "扎布", "紥布", "雜卜", "杂卜", "多爾濟", "多尔济", "太祖", "太宗", "高宗", "世祖", "聖祖", "圣祖", "玄宗", "可汗", "汗", "公主", "皇后",
                  "太后", "呼圖克圖", "呼图克图", "喇嘛",
                  # Russian surnames and patronymics as Chinese writes them (…諾夫, …斯基, …維奇)
                  "諾夫", "诺夫", "洛夫", "耶夫", "斯基", "維奇", "维奇")
#: offices named for the place they govern: 庫倫辦事大臣 names 庫倫 a place
REGIONAL_OFFICES = ("辦事大臣", "办事大臣", "分界大臣", "立界大臣", "勘界大臣", "定界大臣", "參贊大臣", "参赞大臣",
                    "領隊大臣", "领队大臣", "將軍", "将军", "都統", "都统", "總督", "总督", "巡撫", "巡抚", "大臣")
#: A 共和國 inside a federation, and a 部 of the Mongols (an aimag), are territories:
#: these longer endings decide before the organisation endings above.
PLACE_FIRST = ("自治共和國", "自治共和国", "汗部", "蒙古", "盟部", "地區", "地区", "新疆", "西藏")
#: words before or after a name that say what it names
PLACE_CUES_BEFORE = tuple("在于於至到往赴駐驻抵從从经經自")
PLACE_CUES_AFTER = ("城", "地區", "地区", "一帶", "一带", "附近", "境內", "境内", "以北", "以南", "以東", "以东",
                    "以西", "位於", "位于", "沿岸", "流域", "之間", "之间", "交界")
PERSON_CUES_AFTER = ("等人", "叛亂", "叛乱", "奏", "曰", "說", "说", "率", "字", "號", "号", "卒", "生於", "生于", "之子",
                     "之女", "之孫", "之孙", "任", "曾", "被", "與其", "与其", "先生", "認為", "认为", "派遣", "命其")
#: a kinsman named right after a name (碩壘第五子, 巴布子。, 烏默客從弟, 諾爾布孫): the name
#: is his father's or kinsman's, a person's (a genealogy's notes, a table of succession)
KIN_AFTER = re.compile(r"(?:(?:[長长次嗣庶幼]|第?[一二三四五六七八九十]{1,2})?子|孫|孙|從弟|从弟|從子|从子|之弟|之兄)"
                       r"(?=[。，,；;、）)]|$)")
#: a table's column headings that say what its cells name (a list of rulers: 世代 | 姓名 | 年份)
COLUMN_KINDS = {"姓名": "person", "人名": "person", "人物": "person", "名字": "person", "君主": "person",
                "在任者": "person", "任職者": "person", "任职者": "person",
                "地名": "place", "治所": "place", "駐地": "place", "驻地": "place", "首府": "place"}
PERSON_CATEGORIES = ("人", "人物", "家", "大臣", "總督", "总督", "將軍", "将军", "皇帝", "可汗", "汗", "官員", "官员",
                     "都統", "都统", "學士", "学士", "王", "公主", "出生", "逝世")
PLACE_CATEGORIES = ("城市", "河流", "山", "湖", "地理", "省", "城鎮", "城镇", "口岸", "地區", "地区", "行政區",
                    "行政区", "首府", "邊境", "边境")
TREATY_CATEGORIES = ("條約", "条约")
ORG_CATEGORIES = ("機構", "机构", "政府", "組織", "组织", "政黨", "政党")
#: endings that make a name of the words before them in text nobody linked (…河, …衙門):
#: the short, sure ones of ENDINGS
#: publishers, universities, academies, libraries: a state's or a city's name before the
#: ending is part of the name (中國方正出版社, 俄羅斯科學院, 北京大學)
INSTITUTIONS = ("出版社", "書局", "书局", "印書館", "印书馆", "大學", "大学", "研究所", "研究院", "科學院", "科学院",
                "圖書館", "图书馆", "博物館", "博物馆")
UNLINKED_ENDINGS = {
    "place": ("河", "江", "湖", "山", "嶺", "岭", "山脈", "山脉", "城", "省", "盟", "區", "区", "邊疆區", "边疆区",
              "自治區", "自治区", "州", "縣", "县",
              "草原", "卡倫", "卡伦", "淖爾", "淖尔", "鄂博", "島", "岛", "泉", "蘇木", "苏木", "斯克", "茨克", "格勒",
              "驛", "驿", "口岸", "直隸廳", "直隶厅", "直隸州", "直隶州", "汗部",
              # a mountain pass, the Mongol word (dabaa) as Qing documents write it (沙賓達巴哈)
              "達巴哈", "达巴哈", "達巴罕", "达巴罕", "達坂", "达坂", "達巴", "达巴"),
    "org": ("衙門", "衙门", "政府", "議會", "议会", "黨", "党", "公署", "清吏司") + INSTITUTIONS,
    # a treaty's title written without 《》 (阿巴該圖界約): a name before it is the title's part
    "treaty": ("條約", "条约", "界約", "界约"),
    # a person named by a title that ends so (和碩純愨公主, 聖祖仁皇帝)
    "person": ("公主", "皇帝", "皇后", "太后", "呼圖克圖", "呼图克图"),
    # an office holds the place or board it is named for (山西巡撫, 兵部尚書): found, it
    # keeps them from being tagged inside it
    "office": ("巡撫", "巡抚", "總督", "总督", "將軍", "将军", "都統", "都统", "尚書", "尚书", "侍郎", "大臣",
               "參贊", "参赞", "知府", "知縣", "知县"),
}
#: grammar words that end the words before a name even inside a word of the list (東至 in
#: 地東至拜山); not 和, 同, 其 …, which begin names (和碩, 同江)
CUT_CHARS = set("之的在于於即为為以与與及从從至到入经經由向往自被将將把对對所順顺沿循")
#: grammar words that Mongol names are spelt with too (和 "and" for ho-: 和碩 hošuu, 巴爾和屯 Bars Khot;
#: 該 "the said" for gai-: 阿巴該圖 Abagaitu), as match keys
SPELLING_GRAMMAR = set("和该")
#: words that give a name, after which a name may be short (老城稱為漢城, 名曰肇豐城)
NAMING_WORDS = ("稱為", "称为", "稱作", "称作", "名曰", "名為", "名为", "叫做", "改稱", "改称", "改名", "漢名", "汉名",
                "又稱", "又称", "俗稱", "俗称")
#: characters that end the words before a name (grammar words, demonstratives)
FUNCTION_CHARS = set("之的在于於即为為以与與和及或从從至到入经經是有由向往自被将將把对對此其该該今乃系係并並亦也又而且因同"
                     "称稱名署授")
#: parts of speech of proper names in jieba's word list (a word of another is common)
PROPER = {"ns", "nr", "nrt", "nrfg", "nt", "nz"}
#: a Han name, then its form in letters in parentheses
LATIN_AFTER = re.compile(r"([\u3400-\u9fff]{2,12})[（(]([A-ZА-ЯЁ][A-Za-zА-Яа-яЁё'’.\- ]{1,60})[）)]")
#: words of a form in letters that make it a place's (Reka Chernaya, Mount Kailash)
GEO_WORDS = {"Reka", "River", "Lake", "Mount", "Mountain", "Mountains", "Ozero", "Gora", "Khrebet", "Range",
             "Sea", "Bay", "Island", "Valley", "Pass", "Gol", "Nuur", "Uul", "City", "Oblast", "Krai"}
#: words that give another name of what the text is about: 又譯, 亦稱, 別名 …
ALIAS = re.compile(r"(?:晚號|晚号|(?<![年國国稱称番編编信旗記记口型])[號号]|又譯|又译|又稱|又称|亦稱|亦称|舊稱|旧称|別名|别名|別稱|别称|簡稱|简称|古稱|古称|俗稱|俗称"
                   r"|中文名稱|中文名称|漢名|汉名)[為为:：]?[“「『]?([\u3400-\u9fff]{2,10})")


@dataclass
class Candidate:
    surface: str
    kind: str
    entry: str = ""
    status: str = "new"         # new: a new entry; join: a name of an existing entry
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    votes: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> str:
        return "high" if self.score >= 3 else "medium" if self.score >= 1.5 else "low"

    def vote(self, kind: str, weight: float, why: str) -> None:
        self.votes[kind] = self.votes.get(kind, 0.0) + weight
        self.score += weight
        if why not in self.why:
            self.why.append(why)


def kind_by_ending(title: str) -> tuple[str | None, str]:
    """The kind a title's ending says, and the ending. An office's title alone (都統)
    is an office; any other ending alone (卡倫, 河) is a common word."""
    for end in PLACE_FIRST:
        if title.endswith(end) and len(title) > len(end):
            return "place", end
    if len(title) > 1 and any(title == e for kind, ends in ENDINGS.items() if kind != "office" for e in ends):
        return "other", title       # 汗國, 政府, 大學: an ending alone is a common word (not 國 of 汗國)
    best: tuple[str | None, str] = (None, "")
    for end in PERSON_ENDINGS:
        if title.endswith(end) and len(title) > len(end) and len(end) > len(best[1]):
            best = ("person", end)
    for kind, ends in ENDINGS.items():
        for end in ends:
            if title.endswith(end) and len(end) > len(best[1]) and (len(title) > len(end) or kind == "office"):
                best = (kind, end)
    if best[0] is None and any(title == e for ends in ENDINGS.values() for e in ends):
        return "other", title
    return best


#: the first character of a region named by its side of a place (外滿洲, 內蒙古, 南疆)
DIRECTIONS = set("內内外南北東东西上下")
#: a part of a river, lake or mountain named after its ending (河源, 河口, 湖畔, 山頂)
GEO_PARTS = set(match_key("源口岸畔邊边頂顶麓腳脚尾頭头坡側侧端"))
#: the one-character place endings that are common nouns too (山台干河: mountains, mounds and
#: rivers), and their pairs (山河: mountains and rivers)
PLAIN_ENDINGS = set(match_key("山河江湖嶺岭川"))
PLAIN_PAIRS = {"山河", "河山", "江河", "江湖", "河湖", "山川", "河川"}
#: ICTCLAS parts of speech of jieba's word list, as kinds
POS_KIND = {"ns": "place", "nt": "org", "nr": "person", "nrfg": "person"}


def kind_of_title(title: str, eras: set[str], words: bool = True) -> tuple[str | None, str]:
    """The kind a title says by itself: its form, era and country tables, its ending,
    then (``words``) jieba's part of speech for it."""
    from .lexicon import countries, part_of_speech

    if "·" in title or "・" in title:
        return "person", "a name with ·, the way foreign personal names are written"
    key = match_key(title)
    if key in eras:
        return "other", "an era name (sanmiao's era table)"
    if any(w in title for w in CLASS_WORDS):
        return "other", "a class of places or offices, not a name"
    if key in countries():
        return "org", "a country (ISO 3166, pycountry): a state"
    kind, end = kind_by_ending(title)
    if kind and kind != "treaty" and _starts_with_verb(title, 2) and \
            ((part_of_speech(key[2:]) or "") in PROPER or key[2:] in countries()
             or any(key[2:].endswith(match_key(x)) for x in PLACE_FIRST)):
        # 佔領外蒙古 (a verb, then a name), not 買賣城
        return "other", "a verb and a name: an event, not a name"
    if kind:
        return kind, f"ends in {end}"
    if len(title) >= 3 and title[0] in DIRECTIONS and word_kind(title[1:])[0] == "place":
        return "place", f"a direction and a place's name ({title[1:]})"
    return word_kind(title) if words else (None, "")


def word_kind(title: str) -> tuple[str | None, str]:
    """The kind jieba's word list gives a title (its part of speech), if any."""
    from .lexicon import part_of_speech

    pos = part_of_speech(match_key(title))
    if pos in POS_KIND:
        return POS_KIND[pos], f"a {POS_KIND[pos]}'s name in jieba's word list ({pos})"
    if pos and pos not in ("nz", "nrt"):     # nz, nrt: a proper name, transliterated or not
        return "other", f"a common word in jieba's word list ({pos})"
    return None, ""


def link_title(target: str) -> str | None:
    """The article a Wikipedia link points to, or None for other links."""
    if WIKI not in target:
        return None
    title = urllib.parse.unquote(target.split(WIKI, 1)[1]).split("#")[0].replace("_", " ").strip()
    if re.match(r"^(Category|File|Image|Template|Help|Wikipedia|Portal|Special|Talk|Category talk"
                r"|分類|分类|文件|檔案|模板|Wikipedia talk):", title, re.I):
        return None
    title = re.sub(r"^s:", "", title)               # a Wikisource page: its own title
    title = re.sub(r"\s*\(.*\)$", "", title).strip()   # 桂祥 (满洲正黄旗): a disambiguated title
    if not title or not any(is_han(c) for c in title):
        return None
    return title


def link_qualifier(target: str) -> str:
    """The disambiguator of a Wikipedia link's title: 地名 in 雅爾_(地名), or ""."""
    if WIKI not in target:
        return ""
    title = urllib.parse.unquote(target.split(WIKI, 1)[1]).split("#")[0].replace("\\", "")
    m = re.search(r"[_ ]\(([^()]+)\)$", title)
    return m.group(1).strip() if m else ""


def kind_of_qualifier(qualifier: str) -> str | None:
    """The kind a title's disambiguator says: a place (地名, 河流), a person (人物, or the
    dynasty or banner the person belonged to: 拉布敦 (清朝), 桂祥 (滿洲正黃旗)), other (電視劇)."""
    if not qualifier or not any(is_han(c) for c in qualifier):
        return None
    if qualifier.endswith(QUALIFIER_PLACE):
        return "place"
    if qualifier.endswith(QUALIFIER_OTHER):
        return "other"
    if (qualifier.endswith(QUALIFIER_PERSON) or qualifier.endswith(("朝", "代"))
            or (qualifier.endswith("旗") and qualifier.startswith(("滿洲", "满洲", "蒙古", "漢軍", "汉军")))):
        return "person"
    return None


#: the marks between the parts of a foreign personal name (名·父名·姓), and of a double surname
NAME_DOTS = "·・•‧"
NAME_HYPHENS = "-－‐"


def _plain_name(text: str) -> bool:
    """A string that could be a name: Han characters (and ·), not a phrase. A foreign name with
    middle dots may be longer and join a double surname with a hyphen (萨瓦·弗拉季斯拉维奇-卢古辛斯基)."""
    dotted = any(c in NAME_DOTS for c in text)
    return (2 <= len(text) <= (24 if dotted else 12)
            and all(is_han(c) or c in NAME_DOTS or (dotted and c in NAME_HYPHENS) for c in text)
            and is_han(text[0]) and is_han(text[-1])
            and not any(c in text for c in "的了是在和與与及或之於于為为"))


def _starts_with_verb(text: str, length: int = 1) -> bool:
    """Whether words start with a verb of ``length`` characters (滅準噶爾: "destroyed the
    Dzungars"; 佔領外蒙古: "the occupation of Outer Mongolia")."""
    from .lexicon import part_of_speech, segment

    first = segment(match_key(text))[0] if text else ""
    return len(first) == length and (part_of_speech(first) or "")[:1] == "v"


def _holds_verb(text: str) -> bool:
    """Whether a verb of two characters or more stands among the words (吉林城补充鸦片, 朝鲜两国隔开:
    a clause the link's words ran into, not another form of a name)."""
    from .lexicon import part_of_speech, segment

    return any(len(w) > 1 and (part_of_speech(w) or "x")[0] == "v" for w in segment(match_key(text)))


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (text[max(0, start - width):start] + "【" + text[start:end] + "】" + text[end:end + width]).replace("\n", " ")


#: words just before a name that make it a person's: a ruler's or official's title,
#: a kinship word (大汗蒙哥, 使節薩瓦, 祖父丹律, 長子成袞札布)
PERSON_CUES_BEFORE = ("汗", "大汗", "可汗", "皇帝", "大臣", "使節", "使节", "將軍", "将军", "都統", "都统", "總督", "总督",
                      "參贊", "参赞", "台吉", "臺吉", "祖父", "父親", "父亲", "長子", "长子", "次子", "三子", "之子",
                      "其子", "之孫", "之孙", "世孫", "世孙", "岳母", "岳父", "妻子", "丈夫", "學者", "学者", "正使",
                      "副使", "特使", "使臣", "公使", "大使", "督軍", "督军",
                      # a calling (德國地理學家拉文施泰因, 遠東考察家涅維爾斯科伊)
                      "學家", "学家", "考察家", "探險家", "探险家", "旅行家", "外交家", "軍事家", "军事家", "政治家")
#: words just before a name that make it a place's (今哈薩克斯坦的… : 今 and a modern place)
PLACE_WORDS_BEFORE = ("今", "里之", "里處", "里处", "位於", "位于", "駐兵", "驻兵", "屯兵", "駐守", "驻守", "進駐", "进驻", "前往", "遷至", "迁至", "以西", "以東",
                      "以东", "以南", "以北")
#: titles written after the land they are of (喀爾喀台吉, 喀爾喀郡王, 黑龍江將軍): a name
#: right before one is a place's
OFFICES_OF_A_PLACE = ("台吉", "臺吉", "郡王", "親王", "亲王", "札薩克", "札萨克", "扎薩克", "扎萨克", "將軍", "将军",
                      "都統", "都统", "總督", "总督", "巡撫", "巡抚", "辦事大臣", "办事大臣", "參贊大臣", "参赞大臣")
#: words right after a name that make it a polity's, a state or khanate at war or
#: treating (準噶爾兵, 準噶爾叛軍, 準噶爾汗國): the edition counts states as organisations
POLITY_CUES_AFTER = ("兵", "叛軍", "叛军", "軍隊", "军队", "大軍", "大军", "政權", "政权", "政府", "朝廷", "汗國", "汗国",
                     "使臣", "使者", "使團", "使团", "入侵", "進犯", "进犯", "來犯", "来犯")
#: words right before a name that make it a polity's, a state conquered or fought (滅準噶爾,
#: 征準噶爾)
POLITY_CUES_BEFORE = ("滅", "灭", "征", "討伐", "讨伐", "吞併", "吞并")
#: what sits between two names of a list or between a name and its other form
JOINERS = "、與与和及（(）)"
#: ENTRY_TAG's tags, as kinds
TAG_KIND = {tag: kind for kind, tag in ENTRY_TAG.items()}


def _neighbours(key: str, at: int, end: int, known: dict[str, str]) -> list[str]:
    """The kinds that the known names next to key[at:end] give it: a name of a list or a
    name's other form takes the kind of the name across the joiner (額爾齊斯河與科布多,
    布倫托海（烏倫古湖）); a name written right after a state's name is a place in it
    (哈薩克斯坦烏爾扎爾)."""
    kinds = []
    joined = at > 0 and key[at - 1] in JOINERS
    left = at - 1 if joined else at
    for n in range(min(12, left), 1, -1):
        k = known.get(key[left - n:left])
        if k:
            if k == "org" and not joined:
                # a name after a state's is a place in it (哈薩克斯坦烏爾扎爾), unless it is a
                # person's, or the state a dynasty, whose name stands before its rulers' (清朝皇太極)
                dynasty = key[left - n:left].endswith(("朝", "王朝"))
                k = "place" if not dynasty and word_kind(key[at:end])[0] != "person" else ""
            kinds.append(k)
            break
    if end < len(key) and key[end] in JOINERS:
        for n in range(min(12, len(key) - end - 1), 1, -1):
            k = known.get(key[end + 1:end + 1 + n])
            if k:
                kinds.append(k)
                break
    return [k for k in kinds if k in ("person", "place")]


def _surname(title: str) -> str:
    """The surname of a full name written with a middle dot (a Russian or Western name:
    名·父名·姓, its double surname joined by a hyphen: the first part), or ""."""
    parts = re.split(f"[{NAME_DOTS}]", title)
    if len(parts) < 2:
        return ""
    last = re.split(f"[{NAME_HYPHENS}]", parts[-1])[0].strip()
    return last if len(last) >= 2 and _plain_name(last) else ""


def _alone(key: str, word: str) -> bool:
    """Whether ``word`` stands in ``key`` at least once outside a full name written with
    middle dots and hyphens (弗拉季斯拉維奇 alone, not in 薩瓦·弗拉季斯拉維奇-拉古津斯基)."""
    marks = NAME_DOTS + NAME_HYPHENS
    return any((m.start() == 0 or key[m.start() - 1] not in marks) and key[m.end():m.end() + 1] not in set(marks)
               for m in re.finditer(re.escape(word), key))


def _linked_title_at(block, text: str, at: int) -> bool:
    """Whether the words at ``at`` of a block's text are its first link, to a page outside
    the encyclopedia (a reference's linked title: 張丹卉，[清初雅克薩戰役之始末](http://…))."""
    ref = block.find(f".//{{{NS['tei']}}}ref")
    if ref is None or link_title(ref.get("target") or "") is not None:
        return False
    words = flat(ref)
    return bool(words) and text.startswith(words, at)


def _titled_person(key: str, name: str) -> bool:
    """Whether ``name`` stands right after an office or title at least once in ``key`` (a
    match-keyed text): 大臣綽勒多, 將軍奕山."""
    word = match_key(name)
    befores = [key[max(0, m.start() - 4):m.start()] for m in re.finditer(re.escape(word), key)]
    return any(b.endswith(match_key(c)) for b in befores for c in PERSON_CUES_BEFORE + ("將軍", "将军"))


def _cues(key: str, words, known: dict[str, str] | None = None) -> str | None:
    """person, place or org, by the words around every occurrence of ``words`` (one
    string or several: a link's title and its anchor) in ``key`` (a match-keyed text),
    and by the names next to it."""
    votes = {"person": 0, "place": 0, "org": 0}
    for word in {match_key(w) for w in ([words] if isinstance(words, str) else words) if w}:
        at = key.find(word)
        while at >= 0:
            end = at + len(word)
            before, after = key[max(0, at - 4):at], key[end:end + 4]
            if any(after.startswith(match_key(c)) for c in PERSON_CUES_AFTER) or \
                    any(before.endswith(match_key(c)) for c in PERSON_CUES_BEFORE) or KIN_AFTER.match(key, end):
                votes["person"] += 1
            elif any(after.startswith(match_key(c)) for c in POLITY_CUES_AFTER) or \
                    any(before.endswith(match_key(c)) for c in POLITY_CUES_BEFORE):
                votes["org"] += 1
            elif before[-1:] in PLACE_CUES_BEFORE or any(after.startswith(match_key(c)) for c in PLACE_CUES_AFTER) \
                    or any(before.endswith(match_key(c)) for c in PLACE_WORDS_BEFORE) \
                    or any(after.startswith(match_key(c)) for c in OFFICES_OF_A_PLACE):
                votes["place"] += 1
            for k in _neighbours(key, at, end, known or {}):
                votes[k] += 1
            at = key.find(word, end)
    best = max(votes.values())
    winners = [k for k, v in votes.items() if v == best]
    return winners[0] if best and len(winners) == 1 else None


def _subject(root) -> tuple[str | None, str | None]:
    """The article's subject (its title) and the kind its categories say."""
    title = root.xpath("string(//tei:titleStmt/tei:title[@type='main'][1])", namespaces=NS).strip()
    cats = root.xpath("//tei:textClass/tei:keywords/tei:term/text()", namespaces=NS)
    if not title or not cats:
        return None, None
    votes: dict[str, int] = {}
    for cat in cats:
        for kind, ends in (("treaty", TREATY_CATEGORIES), ("org", ORG_CATEGORIES), ("place", PLACE_CATEGORIES),
                           ("person", PERSON_CATEGORIES)):
            if any(cat.endswith(e) for e in ends):
                votes[kind] = votes.get(kind, 0) + 1
                break
    if not votes:
        return title, None
    return title, max(sorted(votes), key=lambda k: votes[k])


_ENDING_RX = re.compile("(?=(" + "|".join(sorted((re.escape(match_key(e)) for ends in UNLINKED_ENDINGS.values()
                                                  for e in ends), key=lambda e: (-len(e), e))) + "))")
_ENDING_KIND = {match_key(e): k for k, ends in UNLINKED_ENDINGS.items() for e in ends}
_INSTITUTION_KEYS = {match_key(e) for e in INSTITUTIONS}


def name_start(key: str, start: int, part_end: int, gaz: Gazetteer, whole_word: bool = False,
               translit: frozenset[str] | set[str] = frozenset(), place: bool = False,
               institution: bool = False, organ: bool = False) -> int:
    """Where a name whose ending starts at ``part_end`` begins, going left no further than
    ``start``: the run is divided into words (lexicon.segment); the word just before the
    ending is part of the name (買賣 in 買賣城, 邊疆 in 外貝加爾邊疆區), then every proper name
    and single character, up to a common word, a grammar word, a date (…日), or a name of
    the register when the name holds another proper name (內蒙古自治區呼倫貝爾盟):
    他認為上格爾必齊河 -> 上格爾必齊河, 地理學家拉文施泰因 -> 拉文施泰因. ``whole_word``: the name
    has no ending, and the word before ``part_end`` may not be a common one. A verb or
    preposition of one character that is not one of ``translit`` (the characters of
    transliterated names, here or in jieba's list) ends the words before the name too
    (駐綏靖城, 東至拜山, 御賜城), unless a transliterated name goes on before it (哈拉毕拉河).
    ``place``: the name is a place's, and a state's name before it is the state's (中國瑷琿城).
    ``institution``: the name is a publisher's, a university's…, and a known name before it
    is part of it (中國方正出版社). A province, prefecture, county, town or district (省, 州, 縣,
    城, 區) standing alone among the words ends a place's or an office's (省 | 布倫托海辦事大臣:
    "abolished"; 黑龍江省 | …), not an ``organ``'s, which a county may have (塔城縣人民政府)."""
    from .lexicon import countries, part_of_speech, segment, transliteration_chars

    translit = set(translit) | transliteration_chars()
    words = segment(key[start:part_end])
    s = part_end
    proper = False          # whether the name so far holds a proper name of two characters or more

    def after_grammar(k: int) -> bool:
        """words[k] is 所, which makes the verb after it one (所立沙濱達巴哈: 立, though
        transliterations use it); after a preposition a transliteration may begin so (由加古慶衙門)."""
        return k >= 0 and words[k] == "所"

    def spelt(k: int) -> bool:
        """words[k] is a transliterated name or a piece the word list takes for a name's
        (哈拉 in 哈拉毕拉河, 萨 in 萨留格穆斯克山岭); not a common word (人 in 逃人送原卡伦)."""
        return k >= 0 and part_of_speech(words[k]) in ("nr", "nrt")
    def inside_spelling(k: int) -> bool:
        """words[k], a grammar word that transliterations use too (和 in 克魯倫巴爾和屯盟), stands
        between a piece of a transliterated name and a single character of the name."""
        return (words[k] in translit | SPELLING_GRAMMAR and 0 < k < len(words) - 1 and len(words[k + 1]) == 1
                and words[k + 1] not in FUNCTION_CHARS and part_of_speech(words[k - 1]) in PROPER
                and words[k - 1] not in gaz.names)
    def known_before(at: int) -> bool:
        """A name of the register ends at ``at``, whatever words jieba cuts it into (塔爾巴哈 | 台)."""
        return any(gaz.names.get(key[at - n:at]) is not None and gaz.names[key[at - n:at]].id
                   for n in range(2, min(12, at - start) + 1))
    for i, w in enumerate(reversed(words)):
        pos = part_of_speech(w)
        common = pos is not None and pos not in PROPER
        if i and not institution and part_end - s >= 2 and w not in gaz.names and known_before(s):
            break           # 塔爾巴哈台 | 烏占卡倫: the register's name before another name
        state = w in countries() or (gaz.names.get(w) is not None and gaz.names[w].tag == "orgName")
        if i and not institution and (proper or (place and state and part_end - s >= 2)) and (
                w in gaz.names or w in countries() or (w[-1:] == "国" and w[:-1] in countries())):
            break           # 內蒙古自治區 | 呼倫貝爾盟, 蒙古國 | 色楞格省, 中國 | 瑷琿城: a known name before another name
        # the name so far holds a proper name (or a name of the register: 色楞格)
        proper = proper or (len(w) > 1 and (pos in PROPER or bool(gaz.names.get(w) and gaz.names[w].id)))
        if i == 0:
            if ((len(w) == 1 and w in FUNCTION_CHARS) or (pos and pos[0] in "mqrpcudf")
                    or (len(w) > 1 and pos and pos[0] in "va" and not (institution and pos == "vn"))
                    or (whole_word and common)):
                return s        # 一個城, 這條河, 設立鄂博: a numeral, pronoun, verb… before the ending
        elif (len(w) > 1 and common and not (institution and (pos[0] not in "vadt" or pos == "vn"))) or (
                w in FUNCTION_CHARS and not inside_spelling(len(words) - 1 - i)) or (
                len(w) == 1 and pos and pos[0] in "vp" and (w not in translit or after_grammar(len(words) - 2 - i))
                and not spelt(len(words) - 2 - i)) or (
                w in ("了", "着")) or (len(w) == 1 and w in "省州县城区" and part_end - s >= 2 and not organ) or any(
                w.endswith(e) and len(w) > len(e) for e in PERSON_ENDINGS[:2]) or (
                w in "年月日" and s >= 2 and (key[s - 2].isdigit() or key[s - 2] in "一二三四五六七八九十廿卅〇")):
            break
        s -= len(w)
    return s


#: a banner's people after its colour (鑲藍旗漢軍): one unit
BANNER_PEOPLE = ("汉军", "满洲", "蒙古")


def _office_start(key: str, s: int, p: int, gaz: Gazetteer) -> int:
    """Where an office's title begins, the words before its ending (at ``p``) found from
    ``s``: a state before the title is the state the holder serves, not part of it (俄國 |
    分界大臣, 滿洲國 | 大臣, 兩國 | 封疆大臣); a banner before it is (鑲藍旗漢軍都統)."""
    from .lexicon import countries, segment

    for m in BANNER.finditer(key, max(0, s - 8), p):
        end = m.end()
        for people in BANNER_PEOPLE:
            if key.startswith(people, end):
                end += len(people)
        if m.start() < s <= end:
            return m.start()
    at = s
    for w in segment(key[s:p]):
        at += len(w)
        known = gaz.names.get(w)
        state = (len(w) >= 2 and w.endswith("国")) or (known is not None and known.tag == "orgName" and known.id) or (
            w in countries() and (known is None or known.tag != "placeName"))    # 蒙古辦事大臣: a place's office
        numbered = w in ("国", "省") and at - 1 > s and key[at - 2] in NUMERALS    # 三省 | 將軍
        if state or numbered:
            s = at
    return s


def _unpunctuated(key: str) -> bool:
    """A block without marks (a witness printed unpunctuated), where names run into each other."""
    return len(key) >= 40 and not re.search(r"[，,。；;、：:！？!?]", key)


def unlinked_names(text: str, gaz: Gazetteer, translit: set[str]) -> list[tuple[int, int, str, str, float]]:
    """Names ending in a place, organisation or person's title ending in ``text`` (a block's
    flat text, links blanked): (start, end, kind, why, weight)."""
    from .lexicon import countries, part_of_speech, segment, transliteration_chars

    key = match_key(text)
    tl = set(translit) | transliteration_chars()      # the register's and jieba's
    unpunctuated = _unpunctuated(key)
    out = []
    for m in _ENDING_RX.finditer(key):
        p, ending = m.start(), m.group(1)
        e = p + len(ending)
        following = part_of_speech(key[p:e + 1]) if e < len(key) else None
        if following and following not in PROPER and following not in ("s", "f") and key[e] not in GEO_PARTS:
            continue            # 湖水 is not …湖 and 水; 嶺上, 河源 are …嶺 and 上, …河 and 源
        if following == "ns" and key[e] not in GEO_PARTS and not (
                key[e] in DIRECTIONS and key[e + 1:e + 2] in GEO_PARTS):
            continue            # 陝甘山西: the ending begins another place's name (山西, 河北); not 河口, 山西麓
        if any((part_of_speech(key[p:p + k]) or "") in ("nr", "nrfg") for k in (2, 3, 4)
               if p + k <= len(key) and k != len(ending)):
            continue            # 主席江澤民: a personal name begins there (清吏司, jieba's "name", is the ending)
        r = p
        while r > 0 and p - r < 10 and is_han(text[r - 1]):
            r -= 1
        s = name_start(key, r, p, gaz, translit=translit, place=_ENDING_KIND[ending] == "place",
                       institution=ending in _INSTITUTION_KEYS, organ=_ENDING_KIND[ending] == "org")
        if _ENDING_KIND[ending] == "place":
            # a place of the word list with this ending (興凱湖), where the words cut it (興 a verb)
            listed = next((k for k in range(min(6, e - r), len(ending) + 1, -1)
                           if part_of_speech(key[e - k:e]) == "ns" and not any(c in CUT_CHARS for c in key[e - k:p])), 0)
            s = min(s, e - listed) if listed else s
        toward = key.rfind("迤", s, p - 1)
        if toward >= 0 and key[toward + 1] in DIRECTIONS:
            s = toward + 2      # 迤西初哩查河: 迤西 ("westwards") and what is before it are no part of the name
        # after a word that gives a name (漢名“買賣城”, 稱為買賣城), the words up to the ending
        # are the name, whatever they are as words (買賣 is one)
        given = max((key.rfind(match_key(v), r - 4 if r >= 4 else 0, p) + len(v) for v in NAMING_WORDS
                     if key.rfind(match_key(v), r - 4 if r >= 4 else 0, p) >= 0), default=-1)
        if 0 <= given < p and p - given <= 6 and key[given:given + 1] in "“「『\"":
            given += 1
        is_given = 0 <= given < s and p - given <= 6 and not any(c in CUT_CHARS for c in key[given:p])
        if is_given:
            s = given
        cut = max((i + 1 for i in range(s, p) if key[i] in CUT_CHARS and key[i] not in translit), default=s)
        s = max(s, cut)             # 地東至拜山: a grammar word inside a word of the list ends the words before
        # places named one after another without punctuation (貢贊山胡塔海圖山): a place's
        # ending with two characters or more on each side ends the name before
        for inner in _ENDING_RX.finditer(key, s, p - 2):
            after = inner.start() + len(inner.group(1))
            if p - after >= 2 and (inner.start() - s >= 2 or inner.start() == s) \
                    and _ENDING_KIND[ending] == _ENDING_KIND[inner.group(1)] == "place":
                s = after
        if _ENDING_KIND[ending] == "office":
            s = _office_start(key, s, p, gaz)
        department = ending == match_key("清吏司") and p >= 2 and all(
            is_han(c) and c not in FUNCTION_CHARS for c in key[p - 2:p])
        if department:
            # the departments of the Qing boards were named by two characters (柔遠清吏司,
            # 理刑清吏司), whatever words they make
            s = p - 2
        if key[s:p].lstrip("一二三四五六七八九十两兩") in _ENDING_KIND:
            continue                # 卡倫鄂博, 四卡倫鄂博: an ending before an ending names nothing
        if _ENDING_KIND[ending] == "place" and (
                key[p - 1:e] in PLAIN_PAIRS or key[s:s + 1] in PLAIN_ENDINGS) and part_of_speech(key[s:e]) not in PROPER:
            continue                # 橫斷山河, 山台干河: mountains and rivers, not a name
        if unpunctuated and p - s > 5:
            continue                # 柯本查克博木沙毕纳依岭: in text without marks, two names run together
        # a name of one character and the ending, where a word gives it (老城稱為漢城) or a
        # boundary runs to it (東至拜山)
        named = any(key[:s].endswith(match_key(v)) for v in NAMING_WORDS) or (
            s >= 2 and key[s - 1] == "至" and key[s - 2] in "东西南北")
        if p - s < (1 if named else 2) or (key[s:e] in gaz.names and gaz.names[key[s:e]].id):
            continue
        pos = part_of_speech(key[s:e])
        if pos and pos not in PROPER:
            continue
        part = key[s:p]
        if any((w := part_of_speech(key[p - k:e])) and w not in PROPER for k in (1, 2)):
            continue            # 如無山河, 兩地區: the ending is the end of a common word
        ruler = key[s:p].removesuffix("大").removeprefix("大")
        if _ENDING_KIND[ending] == "person" and (ruler in gaz.names or ruler in countries()
                                                  or key[s:p][-1:] in "的之" or ruler[-1:] == "国"
                                                  or (len(ruler) == 1 and ruler in ORG_INITIALS)):
            continue                # 中國皇帝, 大清國大皇帝: the ruler of a state, not a name
        if _ENDING_RX.match(key, e):
            continue                # 中文大學 in 中文大學出版社: the name goes on
        short = named and p - s == 1
        spelt = sum(c in tl for c in part) >= max(2, (len(part) + 1) // 2)     # 土謝圖: a transliteration
        words = segment(part)
        if not short and not spelt and not is_given and not department and pos not in ("ns", "nt") and all(
                (w := part_of_speech(t)) and w not in PROPER and not w.endswith("g")
                and not (gaz.names.get(t) and gaz.names[t].id) for t in words) \
                and (len(part) < 3 or any(len(t) > 1 or (part_of_speech(t) or "")[:1] in "urcpmqj" for t in words)):
            continue            # 設立鄂博, 常設卡倫: common words before the ending, not a name (three
            #                     characters or more that make no word together and have no grammar
            #                     word among them are one: 初哩查河)
        weight, why = 1.5, f"a name before the ending {text[p:e]}"
        if short:
            why += ", after words that give a name (稱為, 名曰, 東至)"
        if sum(c in translit for c in part) * 2 >= len(part):
            weight, why = 2.5, why + ", written in the characters of transliterated names"
        out.append((s, e, _ENDING_KIND[ending], why, weight))
    # 復旦大學 in 復旦大學歷史地理研究所: a part of an institution's name
    whole = [(s, e) for s, e, kind, _, _ in out if kind == "org" and any(key.endswith(i, s, e) for i in _INSTITUTION_KEYS)]
    return [o for o in out if not (o[2] == "org" and any(a <= o[0] and o[1] < b for a, b in whole))]


#: a reference that starts with its author: a Han name, 等 (et al.), then a separator and
#: the work's title or year
REFERENCE_AUTHOR = re.compile(r"^\s*([\u3400-\u9fff]{2,4}?)(?:等人|等)?(?:著|撰|編|编|纂|輯|辑|主編|主编)?\s*"
                              r"(?:[：:，,.．]\s*|(?=《))")
#: what makes a block's head an author's name: a title, a year (or, in the caller, a link)
REFERENCE_TITLE = re.compile(r"[《〈『「]|\d{4}")
#: names credited in a reference (岡洋樹 著，烏雲格日勒、佟雙喜 譯)
CREDITS = re.compile(r"(?:^|(?<=[，,。.；;：:\s]))((?:[\u3400-\u9fff]{2,5}、)*[\u3400-\u9fff]{2,5})\s*(?:等)?\s*"
                     r"(?:主編|主编|編著|编著|編|编|著|譯|译|撰|校注|校點|校点|點校|点校|改定|整理|輯|辑)"
                     r"(?=[，,：:\s。.；;]|$)")
#: the Eight Banners (八旗) of the Qing, with the people a banner belongs to: a unit, an
#: organisation (蒙古正藍旗 is the Mongol Plain Blue Banner)
BANNER = re.compile("(?:满洲|蒙古|汉军|察哈尔)?[正镶][黄白红蓝]旗")
#: a publisher's city: 北京：中國地圖出版社
IMPRINT = re.compile(r"(?:^|[，,。.；;\s])([\u3400-\u9fff]{2,4})[：:]\s*[\u3400-\u9fff]{2,12}(?:出版社|书局|印书馆)")
#: an army named for its state (清軍), an emperor for his era (乾隆帝)
ARMY_ENDINGS = ("軍", "军")
EMPEROR_ENDINGS = ("皇帝", "帝")


#: how Russian surnames end in Chinese transliteration (-ov, -ev; -vich; -sky, -skoy; the
#: feminine -ova): a run of transliterated characters ending so is a person's name
RUSSIAN_SURNAME_ENDINGS = ("夫", "維奇", "维奇", "斯基", "斯奇", "斯科伊", "娃")
_RUSSIAN_KEYS = tuple(match_key(x) for x in RUSSIAN_SURNAME_ENDINGS)


def bare_names(key: str, gaz: Gazetteer, translit: set[str], known: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Names without an ending or a link: runs of three or more characters (two after a
    title or a kinship word) that only
    transliterated names are written in (the register's and jieba's), that no word of the
    list explains, and whose kind the words or names next to them give (內大臣斯格 … ;
    駐守阿爾泰). ``key``: match-keyed text. (start, end, kind, why)."""
    from .lexicon import part_of_speech, transliteration_chars

    chars = (set(translit) | transliteration_chars()) - _COMMON_CHARS - FUNCTION_CHARS
    masked = list(key)              # known names and words are no part of a run (哈薩克斯坦|烏爾扎爾)
    i = 0
    while i < len(key):
        n = len(gaz.match_at(key, i) or "") or next(
            (n for n in range(min(12, len(key) - i), 1, -1) if key[i:i + n] in known), 0)
        masked[i:i + n] = "\x01" * n
        i += n or 1
    out = []
    for m in re.finditer("[" + re.escape("".join(sorted(chars))) + "]{2,8}", "".join(masked)):
        s, e = m.span()
        if e - s == 2 and not any(key.endswith(match_key(w), 0, s) for w in PERSON_CUES_BEFORE):
            continue                    # two characters: a name only after a title or kin word (內大臣斯格)
        if (pos := part_of_speech(key[s:e])) and pos not in PROPER:
            continue
        if any(key.startswith(match_key(end), e) for ends in ENDINGS.values() for end in ends) or \
                any(key.startswith(match_key(end), e) for end in PERSON_ENDINGS):
            continue                    # 額爾古納 in 額爾古納河: part of a longer name
        if any(match_key(x) in key[s:e] for ends in UNLINKED_ENDINGS.values() for x in ends if len(x) > 1):
            continue                    # 卡倫鄂博: endings, not a name
        edges = _edge(key, s, before=True, known=known) and _edge(key, e, before=False, known=known)
        kind = _cues(key, key[s:e], known) if edges else None
        if kind:
            out.append((s, e, kind, f"a run of the characters of transliterated names; the words and names "
                                    f"around it suggest a {kind}"))
        elif (p := _russian_surname_end(key, s, e, edges)):
            out.append((s, p, "person", "a run of the characters of transliterated names, ending as a "
                                        "Russian surname does (-ov, -ev, -vich, -sky)"))
        # else 塔爾巴 in 塔爾巴干達呼: the run does not end where a word does, or nothing says what it is
    return out


def _russian_surname_end(key: str, s: int, e: int, edges: bool) -> int:
    """Where a Russian surname ends in the run key[s:e] of transliterating characters (four
    of them at least): at the run's end when its edges are a word's, or before a word of
    the list the run ran on into (伊格納切夫|利用); 0 if it does not end as one."""
    from .lexicon import part_of_speech

    for p in range(e, s + 3, -1):
        if key[s:p].endswith(_RUSSIAN_KEYS) and ((p == e and edges) or (p < e and part_of_speech(key[p:p + 2]))):
            return p
    return 0


def _edge(key: str, at: int, before: bool, known: dict[str, str]) -> bool:
    """Whether a name may begin (``before``) or end at ``at``: the text's edge, punctuation,
    a grammar word, a word that says what the name is, or a known name next to it."""
    if at <= 0 or at >= len(key):
        return True
    c = key[at - 1] if before else key[at]
    if not is_han(c) or c in FUNCTION_CHARS or (before and c in PLACE_CUES_BEFORE):
        return True
    if before:
        return any(key.endswith(match_key(w), 0, at) for w in PERSON_CUES_BEFORE + PLACE_WORDS_BEFORE) or \
            any(key[at - n:at] in known for n in range(2, min(12, at) + 1))
    return any(key.startswith(match_key(w), at) for w in PERSON_CUES_AFTER + PLACE_CUES_AFTER + ("等", "旧", "舊")) \
        or bool(KIN_AFTER.match(key, at)) or any(key[at:at + n] in known for n in range(2, min(12, len(key) - at) + 1))


def column_cells(root) -> dict:
    """The cells of tables' columns whose heading says what they name (姓名, 地名, 治所…):
    cell element -> (kind, heading). A table whose heading row spans columns is left alone:
    its cells cannot be put under their headings by position."""
    tei = NS["tei"]
    out = {}
    for table in root.iter(f"{{{tei}}}table"):
        rows = table.findall(f"{{{tei}}}row")
        heads = [r for r in rows if r.get("role") == "label"]
        if len(heads) != 1:
            continue
        labels = ["".join(c.itertext()).strip() for c in heads[0].findall(f"{{{tei}}}cell")]
        columns = {i: COLUMN_KINDS[label] for i, label in enumerate(labels) if label in COLUMN_KINDS}
        if not columns or any(c.get("cols") for c in heads[0]):
            continue
        for row in rows:
            cells = row.findall(f"{{{tei}}}cell")
            if row is heads[0] or any(c.get("cols") for c in cells):
                continue
            for i, cell in enumerate(cells):
                if i in columns:
                    out[cell] = (columns[i], labels[i])
    return out


_CAP = r"(?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.)"
#: Surname, Given (…) at the head of a reference
LATIN_AUTHOR_INVERTED = re.compile(rf"^\s*([A-Z][a-zà-ÿ'’\-]+, {_CAP}(?: {_CAP}){{0,2}})(?=[ .(])")
#: Given X. Surname. at the head of a reference
LATIN_AUTHOR = re.compile(rf"^\s*({_CAP}(?: {_CAP}){{1,3}})\.\s")
#: City, ST: Publisher, 2005
LATIN_IMPRINT = re.compile(r"(?:^|[.,;*] )([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:, [A-Z][A-Za-z.]{1,5})?: "
                           r"([A-Z][^,:;()]{2,80}?), (?:1[5-9]|20)\d\d\b")
#: first words of a title, not of a name
TITLE_WORDS = {"The", "A", "An", "On", "In", "Of", "To", "From", "History", "Notes"}


def latin_reference(text: str) -> list[tuple[str, str, str, int, int]]:
    """Names in a reference written in letters: the author at its head (Peter C. Perdue.
    …; Widmer, Eric. …), and the city and publisher of its imprint (Cambridge, MA: Belknap
    Press, 2005). (name, kind, why, start, end)."""
    out = []
    m = LATIN_AUTHOR_INVERTED.match(text) or LATIN_AUTHOR.match(text)
    if m and m.group(1).split()[0].strip(",") not in TITLE_WORDS and not m.group(1).isupper():
        out.append((m.group(1), "person", "the author at the head of a reference", m.start(1), m.end(1)))
    for m in LATIN_IMPRINT.finditer(text):
        out.append((m.group(1), "place", "the city of a publisher", m.start(1), m.end(1)))
        out.append((m.group(2).strip(), "org", "the publisher of a reference", m.start(2), m.end(2)))
    return out


def titled_names(key: str, eras: set[str], known: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Names made of a known name and a word: an era name and 帝 or 皇帝 (the emperor of that
    era: 乾隆帝), a state's name and 軍 (its army: 清軍, 蘇軍). ``key``: match-keyed text."""
    from .lexicon import part_of_speech

    out = []
    for i in range(1, len(key)):
        for ends, kind in ((EMPEROR_ENDINGS, "person"), (ARMY_ENDINGS, "org")):
            end = next((e for e in ends if key.startswith(match_key(e), i)), None)
            if end is None:
                continue
            e = i + len(end)
            for n in range(min(6, i), 0, -1):
                head = key[i - n:i]
                if kind == "person" and n >= 2 and head in eras:
                    out.append((i - n, e, kind, f"an era name and {end}: the emperor of {head}"))
                    break
                if kind == "org" and (known.get(head) == "org" if n >= 2 else head in ORG_INITIALS):
                    if e < len(key) and part_of_speech(key[i:e + 1]):
                        break       # 軍事, 軍隊: 軍 begins another word
                    out.append((i - n, e, kind, f"a state's name and {end}: its army"))
                    break
    return out


#: the central organs of the Qing government, by the names the documents use (the Six Boards,
#: the Grand Council, the Grand Secretariat, the Censorate, the Imperial Household …; a
#: matter of Qing institutional history). Not found by an ending (部, 處, 院 end many words).
QING_ORGANS = ("吏部", "戶部", "户部", "禮部", "礼部", "兵部", "刑部", "工部", "軍機處", "军机处", "內閣", "内阁",
               "都察院", "翰林院", "宗人府", "內務府", "内务府", "理藩院", "總理衙門", "总理衙门",
               "總理各國事務衙門", "总理各国事务衙门", "大理寺", "太常寺", "光祿寺", "光禄寺", "鴻臚寺", "鸿胪寺",
               "國子監", "国子监", "欽天監", "钦天监", "通政使司")
#: words after which a document gives a thing's name, without an ending (即名柏郭蘇克)
GIVEN_NAME_WORDS = ("即名", "名曰", "名為", "名为", "稱為", "称为", "稱作", "称作", "叫做", "號為", "号为")
#: what a name so given may be in a boundary document: a marker, a post, a place
GIVEN_PLACE_WORDS = ("界牌", "牌博", "卡倫", "卡伦", "鄂博", "界碑", "城", "驛", "驿", "站", "山", "嶺", "岭", "河")
#: a list of names counted by what they are (莫多圖、扎拉都倫、烏爾圖、查罕扎克喀圖四河)
COUNTED_LIST = re.compile(r"((?:[\u3400-\u9fff]{2,8}、)+[\u3400-\u9fff]{2,8}?)[二三四五六七八九十两兩]+"
                          r"(河|山|嶺|岭|城|湖|泉|卡倫|卡伦|處|处|台|臺|省)")


#: a boundary point, marker or post named by its number (塔爾巴干達呼第五十八界點, 甲、察罕敖拉,第五十九界點)
NUMBERED_POINT = re.compile(r"(?:^|(?<=[\x00、，,。；;：:\s起至由自從从到]))([\u3400-\u9fff]{2,8}?)[，,]?第[一二三四五六七八九十百零〇0-9]+"
                            r"(?:界點|界点|界牌|界碑|界樁|界桩|號界|号界|卡倫|卡伦)")


def numbered_points(key: str) -> list[tuple[int, int, str, str]]:
    """The names of boundary points, markers and posts given with their number (…第五十八界點):
    places. ``key``: match-keyed text. (start, end, kind, why)."""
    from .lexicon import part_of_speech

    out = []
    for m in NUMBERED_POINT.finditer(key):
        name = m.group(1)
        lead = _lead_verb(name)
        pos = part_of_speech(name[lead:])
        if len(name) - lead >= 2 and name[lead] not in FUNCTION_CHARS and name[-1] not in FUNCTION_CHARS \
                and (pos is None or pos in PROPER):          # 設為第二界牌: words; 阿巴該圖: 該 a sound here
            out.append((m.start(1) + lead, m.end(1), "place", "a boundary point named with its number"))
    return out


def dotted_names(key: str, gaz: Gazetteer) -> list[tuple[int, int, str, str]]:
    """Foreign personal names written with middle dots in running text (派遣萨瓦·弗拉季斯拉维奇-卢古辛斯基为,
    主阿利克桑得爾·尼逗拉業斐齊之): a person. The first part begins after the last common word
    within six characters before the dot; the last part ends at a grammar word,
    a mark or a common word. Each part two characters at least; not in a 《title》; names the
    register knows are left to it. ``key``: match-keyed text. (start, end, kind, why)."""
    from .lexicon import part_of_speech, segment

    out = []
    for m in re.finditer(f"[{NAME_DOTS}]", key):
        d = m.start()
        if out and d < out[-1][1]:
            continue                    # a later dot of a name already taken
        s = d
        while s > 0 and d - s < 6 and is_han(key[s - 1]) and key[s - 1] not in FUNCTION_CHARS:
            s -= 1
        # the first part begins after the last common word before the dot (派遣 | 萨瓦, 漢學家 |
        # 阿爾喬姆), and after a verb, preposition or particle of one character before it
        words = segment(key[s:d])
        cut = max((k + 1 for k, w in enumerate(words) if len(w) > 1 and (part_of_speech(w) or "nr") not in PROPER
                   and part_of_speech(w) != "x"), default=0)
        while cut < len(words) - 1 and len(words[cut]) == 1 and (part_of_speech(words[cut]) or "x")[0] in "vpcdrumqf":
            cut += 1
        s += sum(len(w) for w in words[:cut])
        e, part = d, d + 1
        while e < len(key) and key[e] in NAME_DOTS + NAME_HYPHENS and d - s >= 2:
            part = e + 1
            q = part
            while q < len(key) and q - part < 10 and is_han(key[q]) and key[q] not in FUNCTION_CHARS:
                q += 1
            # the part ends before a common word the text goes on with (…耶夫抵達北京)
            at = part
            for w in segment(key[part:q]):
                pos = part_of_speech(w)
                if at > part + 1 and len(w) > 1 and pos is not None and pos not in PROPER:
                    break
                at += len(w)
            q = min(q, at)
            if q - part < 2:
                break
            e = q
        if e <= d + 2 or d - s < 2:
            continue
        opened = key.rfind("《", 0, s)
        if opened >= 0 and key.find("》", opened, s) < 0:
            continue                    # a title's words
        if key[s:e] in gaz.names:
            continue
        out.append((s, e, "person", "a foreign personal name, its parts joined by middle dots"))
    return out


#: a monarch named with the number of his reign, then a verb or a mark (彼得第一遣使, 女帝加他鄰第一立:
#: Peter I, Catherine I)
REGNAL = re.compile(r"第[一二三四五六七八九十]{1,3}(?=[立崩遣即在時时之與与派率，,。、；;：:\s]|$)")


def regnal_names(key: str) -> list[tuple[int, int, str, str]]:
    """Monarchs with their ordinal (…第一): the name is the proper name of the word list before
    it (彼得, 尼古拉), or the characters of no word after a title (女帝 | 加他鄰); a common word
    (世界第一) is none. ``key``: match-keyed text. (start, end, kind, why)."""
    from .lexicon import part_of_speech, segment

    titles = _HOLDER_TITLE_KEYS + ("皇",)
    out = []
    for m in REGNAL.finditer(key):
        p = m.start()
        words = segment(key[max(0, p - 8):p])
        if not words:
            continue
        last = words[-1]
        if len(last) > 1:
            pos = part_of_speech(last)
            if pos is not None and pos not in PROPER:
                continue
            s = p - len(last)
        else:
            s = p
            for w in reversed(words):
                if len(w) > 1 or not is_han(w) or w in FUNCTION_CHARS or p - s >= 4:
                    break
                s -= 1
            s = max([s] + [j for j in range(s, p - 1) if any(key.endswith(t, 0, j) for t in titles)])
        if p - s >= 2 and not any(c in FUNCTION_CHARS for c in key[s:p]):
            out.append((s, m.end(), "person", "a name with the number of a reign (…第一): a monarch"))
    return out


#: a Mongol banner's place in its league or aimag: wing and position (左翼中旗, 中末次旗, 右翼前旗)
BANNER_POSITION = re.compile(r"(?:[左右]翼)?[中前后左右末下次上]{1,3}旗")


def banner_units(key: str, gaz: Gazetteer, known: dict[str, str]) -> list[tuple[int, int, str, str]]:
    """Mongol banners named by their aimag or league and their position in it (車臣汗部左翼中旗,
    昭烏達盟巴林右旗): a place, the banner's land, a name of its own; the aimag's name before the
    position is one of the register or of the text's links, or ends as an aimag's or a league's
    (…汗部, …盟). ``key``: match-keyed text. (start, end, kind, why)."""
    out = []
    for m in BANNER_POSITION.finditer(key):
        p = m.start()
        n = next((n for n in range(min(12, p), 1, -1)
                  if known.get(key[p - n:p]) in ("place", "org") or
                  (gaz.names.get(key[p - n:p]) is not None and gaz.names[key[p - n:p]].id) or
                  (key.endswith(("汗部", "盟"), 0, p) and all(is_han(c) and c not in FUNCTION_CHARS
                                                              for c in key[p - n:p]) and n <= 8
                   and key[p - n - 1:p - n] in ("", *"、，,。；;：:（(）)\n \x00"))), 0)
        if n:
            out.append((p - n, m.end(), "place", "a Mongol banner: its aimag or league and its position in it"))
    return out


#: the treaty formula of a boundary: 以X為界 ("X is the boundary": 以楚庫河爲界, 以博木沙畢鼐爲界)
BOUNDARY_FORMULA = re.compile(r"以([\u3400-\u9fff]{2,10}?)[為为爲]界")


def _one_name(name: str, spelt: int = 99) -> bool:
    """Whether a stretch a formula frames (以…為界, 往…地方) is one name: no grammar word, not a
    common word, no common word of two characters or more in it, not single common
    characters only (unless ``spelt`` of them or more: a transliteration, 察罕齊老圖)."""
    from .lexicon import part_of_speech, segment

    pos = part_of_speech(name)
    words = segment(name)
    return not (any(c in FUNCTION_CHARS for c in name) or (pos and pos not in PROPER)
                or any(len(w) > 1 and (part_of_speech(w) or "nr") not in PROPER for w in words)
                or (all(len(w) == 1 and (part_of_speech(w) or "x") not in PROPER for w in words)
                    and len(name) < spelt))


def boundary_names(key: str) -> list[tuple[int, int, str, str]]:
    """What a boundary runs along in the formula 以X為界: a place, when X is one name (no
    grammar word, no common word, not single common characters: 以山河為界, 以此梁為界 name
    nothing), a side of it (…西北) left out. ``key``: match-keyed text. (start, end, kind, why)."""
    from .lexicon import part_of_speech

    out = []
    for m in BOUNDARY_FORMULA.finditer(key):
        s, e = m.start(1), m.end(1)
        while e - s > 2 and key[e - 1] in DIRECTIONS:
            e -= 1                      # 以烏里雅蘇台西北為界
        name = key[s:e]
        if all(c in _ENDING_KIND for c in name) or (name[0] in PLAIN_ENDINGS and part_of_speech(name) not in PROPER) \
                or not _one_name(name):
            continue                    # 以此梁為界, 以山河為界, 以山台干河為界: no name
        out.append((s, e, "place", "what a boundary runs along (以…為界)"))
    return out


#: a land's extent, by the places at its edges (其地東至額爾德尼陀羅海與…為鄰，南至塔爾袞柴達木，北至…)
EXTENT = re.compile(r"(?:其地|[，,；;])[东西南北]至([\u3400-\u9fff]{2,8}?)(?=[与和及，,。；;、]|为邻|接壤|$)")


def extent_names(key: str) -> list[tuple[int, int, str, str]]:
    """The places at the edges of a land as a description gives them, clause by clause (其地東至A與
    B為鄰，西至C…): one name each, no grammar word or common word. ``key``: match-keyed text."""
    from .lexicon import part_of_speech

    out = []
    for m in EXTENT.finditer(key):
        s, e = m.start(1), m.end(1)
        name = key[s:e]
        if not _one_name(name, spelt=4) or (part_of_speech(name) or "ns") not in PROPER:
            continue
        out.append((s, e, "place", "a place at an edge of a land (東至…, 南至…)"))
    return out


#: a name before 地方 ("the area of"), after a word of going or being (往楚庫拜姓地方, 在伊犁地方)
AREA = re.compile(r"(?<=[往赴至到在於于抵駐驻蒞莅])([\u3400-\u9fff]{2,6}?)地方")


def area_names(key: str) -> list[tuple[int, int, str, str]]:
    """The name before 地方 where a word of going or being comes before it: a place, when it is
    one name (no grammar word, no common word: 在此地方, 至交界地方 name nothing). ``key``:
    match-keyed text. (start, end, kind, why)."""
    return [(m.start(1), m.end(1), "place", "a name before 地方, the area it names")
            for m in AREA.finditer(key) if _one_name(m.group(1))]


def _longest_first(words) -> tuple[str, ...]:
    """The match keys of ``words``, longest first (then in code-point order)."""
    return tuple(sorted({match_key(w) for w in words}, key=lambda k: (-len(k), k)))


_ORGAN_KEYS = _longest_first(QING_ORGANS)
_OFFICE_KEYS = _longest_first(ENDINGS["office"])


def organs(key: str) -> list[tuple[int, int, str, str]]:
    """The Qing government's central organs (刑部, 軍機處); one followed by an office's title
    is part of that office (吏部尚書). ``key``: match-keyed text. (start, end, kind, why)."""
    out = []
    taken: set[int] = set()
    for name in _ORGAN_KEYS:
        at = key.find(name)
        while at >= 0:
            e = at + len(name)
            if at not in taken and not (at and key[at - 1] in NUMERALS | set("余多")):
                # (十萬餘戶部眾: households counted, the 部眾 "people" of a tribe; no board 戶部)
                taken.update(range(at, e))
                title = next((o for o in _OFFICE_KEYS if key.startswith(o, e)), None)
                if title:
                    out.append((at, e + len(title), "office", f"a title of the board {name}"))
                else:
                    out.append((at, e, "org", "a central organ of the Qing government"))
            at = key.find(name, e)
    return sorted(out)


def given_names(key: str) -> list[tuple[int, int, str, str]]:
    """Names given by a word that gives one (即名…, 名曰…), up to the next mark, where what is
    named is a boundary marker, post or place (the words before say so) or the name's own
    ending says what it is. ``key``: match-keyed text. (start, end, kind, why)."""
    out = []
    for word in GIVEN_NAME_WORDS:
        w = match_key(word)
        at = key.find(w)
        while at >= 0:
            s = e = at + len(w)
            while e < len(key) and is_han(key[e]) and e - s < 9:
                e += 1
            name = key[s:e]
            if 2 <= len(name) <= 8 and (e == len(key) or not is_han(key[e])) and not any(
                    c in FUNCTION_CHARS for c in name):
                kind, _ = kind_by_ending(name)
                if kind is None and any(match_key(p) in key[max(0, at - 24):at] for p in GIVEN_PLACE_WORDS):
                    kind = "place"
                if kind in ("place", "org", "person"):
                    out.append((s, e, kind, f"a name given after {word}"))
            at = key.find(w, s)
    return out


def _lead_verb(name: str) -> int:
    """1 if a list's first member begins with the verb or grammar word before the list (逾 in
    逾莫多圖、…: "crossing"), not with a word of the name (開封府); else 0."""
    from .lexicon import part_of_speech

    if len(name) > 2 and (name[0] in CUT_CHARS or (part_of_speech(name[0]) or "")[:1] == "v") \
            and part_of_speech(name[:2]) is None:
        return 1
    return 0


def counted_lists(key: str) -> list[tuple[int, int, str, str]]:
    """The names of a list counted by what they are (A、B、C、D四河: four rivers): places.
    ``key``: match-keyed text. (start, end, kind, why)."""
    out = []
    for m in COUNTED_LIST.finditer(key):
        at = m.start(1)
        members = m.group(1).split("、")
        if any(c in FUNCTION_CHARS for name in members for c in name):
            continue
        lead = _lead_verb(members[0])
        members[0], at = members[0][lead:], at + lead
        for name in members:
            out.append((at, at + len(name), "place", f"named in a list counted as {m.group(2)}"))
            at += len(name) + 1
    return out


#: the states that a treaty names in the grand style, with 大 before them (大清國, 大俄羅斯國): the
#: dynasties named by one character alone (大清, 大明)
GRAND_DYNASTIES = set("清明")
#: what may follow a dynasty's grand name (大清之…, 大清國, 大清皇帝): not another word (大清早, 大明白)
GRAND_AFTER = set(match_key("之國国大皇、，,。；;與与和及的所"))


def grand_states(key: str, gaz: Gazetteer) -> list[tuple[int, int, str, str]]:
    """A state named in the grand style of treaties: 大 and a state's name in the register
    (大俄羅斯國, 大俄羅斯), 大 and the one character of a state and 國 (大清國), or 大 and a
    dynasty's character (大清之…). (start, end, the register name it is another name of, or
    "", why). ``key``: match-keyed text."""
    orgs = {k: e.id for k, e in gaz.names.items() if e.tag == "orgName" and e.id}
    by_initial: dict[str, set[str]] = {}
    for k, ident in orgs.items():
        by_initial.setdefault(k[0], set()).add(ident)
    first_name = {}
    for k in sorted(orgs, key=lambda k: (len(k), k)):
        first_name.setdefault(orgs[k], k)
    out = []
    at = key.find("大")
    while at >= 0:
        s = at + 1
        name = gaz.match_at(key, s)
        if name in orgs:
            e = s + len(name)
            if key[e:e + 1] in ("国",) and not name.endswith("国"):
                e += 1
            out.append((at, e, name, f"大 and {name}, a state of the register: its name in the grand style"))
        elif s < len(key) and key[s] in ORG_INITIALS:
            c = key[s]
            ids = by_initial.get(c, set())
            title = first_name[next(iter(ids))] if len(ids) == 1 else ""
            if key[s + 1:s + 2] == "国":
                out.append((at, s + 2, title, f"大, {c} and 国: a state named in the grand style"))
            elif c in GRAND_DYNASTIES and (s + 1 == len(key) or key[s + 1] in GRAND_AFTER):
                out.append((at, s + 1, title, f"大 and {c}: a dynasty named in the grand style"))
        at = key.find("大", s)
    return out


#: titles a document writes right before its holder's name (黑龍江巡撫周樹模, 俄國代表菩提羅夫):
#: the offices' endings, and the words for a state's envoys
HOLDER_TITLES = ENDINGS["office"] + ("代表", "全權", "全权", "欽差", "钦差", "公使", "大使", "特使", "使臣",
                                      # a charge held beside the office (總理刑部事務桂良)
                                      "事務", "事务", "統領", "统领",
                                      # a ruler's title before the name (女帝安那宜萬)
                                      "女帝", "女皇", "沙皇",
                                      # a governor of a town or a province (雅克薩督軍)
                                      "督軍", "督军",
                                      # "sent as envoy" (遣使拉克青斯奇來)
                                      "遣使")
#: a rank of nobility between a title and the name (御前大臣公普提雅廷)
NOBLE_RANKS = set("公侯伯")
#: the ranks of princes and nobles, one character each: a "name" of them only (王公, 公侯)
#: is the ranks themselves
RANK_CHARS = NOBLE_RANKS | set("王子男")
#: characters that begin what follows a title but not a name (等官, 可參, 各員, 使團)
NOT_FIRST = set(match_key("等可兼各諸每其該此本原前後新舊團員們"))
#: numerals: a count (三人), not a name
NUMERALS = set("一二三四五六七八九十百千萬万兩两零〇")
#: what may follow a holder's name: a list's or a sentence's mark, a word joining two names,
#: a verb of what the holder is or does (花沙納為全權大臣, 榮全遵照…, 奕山會同…, 奕山奏)
HOLDER_AFTER = set("、，,。；;：:（( 與与及和暨為为遵奏率會会等往赴出來来在並并")
#: the words of them that no name holds
HOLDER_VERBS = set("為为遵奏率會会等往赴出來来在")
#: what joins two holders of one title (使臣義斯麻伊兒及蘭給)
HOLDER_JOINERS = set("及與与暨")
#: verbs a title's holder does to another man, written right before that man's name (納木扎勒台吉攜烏默客)
LEADING_VERBS = set(match_key("攜偕率領命遣召隨"))
#: endings of Mongol personal names (遜都布多爾濟, 車登札布)
MONGOL_NAME_ENDINGS = ("多爾濟", "多尔济", "札布", "扎布", "紥布", "扎卜", "札卜")
_MONGOL_KEYS = tuple(match_key(x) for x in MONGOL_NAME_ENDINGS)
_HOLDER_TITLE_KEYS = _longest_first(HOLDER_TITLES)


def _holder_at(key: str, s: int, gaz: Gazetteer, translit: set[str], run_on: bool = False) -> int | None:
    """Where a holder's name that begins at ``s`` ends (see office_holders), or None.
    ``run_on``: the block has no marks, so that four characters may be two names of two
    (松筠普福): taken only when they end as a Russian surname."""
    from .lexicon import part_of_speech

    mongol, russian = _MONGOL_KEYS, _RUSSIAN_KEYS
    for n in (7, 6, 5, 4, 3, 2):
        e = s + n
        name = key[s:e]
        if e > len(key) or not all(is_han(c) for c in name) or any(c in FUNCTION_CHARS for c in name):
            continue
        if any(c in HOLDER_VERBS for c in name[1:]):
            continue            # 隆科多等: the name ends before 等
        if n >= 5 and not (name.endswith(mongol) or (n == 5 and sum(c in translit for c in name) >= 4)):
            continue            # five characters and more: a Mongol name (遜都布多爾濟), a transliteration
        if n == 4 and (sum(c in translit for c in name) < 2 or part_of_speech(name[:2]) in ("nr", "nrfg")
                       or part_of_speech(name[:3]) in ("nr", "nrfg") or (run_on and not name.endswith(russian))):
            continue            # four characters: a transliterated name only (普提雅廷), not two (松筠普福)
        if n == 2 and all(part_of_speech(c) == "v" for c in name):
            continue            # 定立 (為界): two verbs, not a name
        if e < len(key) and key[e] not in HOLDER_AFTER and not key.startswith("办理", e):
            continue            # (辦理: "to handle"; not 辦 alone, 庫倫辦事大臣)
        if gaz.match_at(key, s) or (part_of_speech(name) or "nr") not in ("nr", "nrfg", "nrt"):
            continue
        spelt = n >= 4 and (name.endswith(russian + mongol)
                            or sum(c in translit for c in name) >= n - 1)
        if name[0] in NOT_FIRST or any(c in NUMERALS for c in name) or (not spelt and any(
                (part_of_speech(name[i:j]) or "nr") not in PROPER
                for i in range(n - 1) for j in range(i + 2, n + 1) if (i, j) != (0, n))):
            continue            # 三人, 旗一, 王公; 團歸國 (歸國, a verb): words, not a name (菩提 in
            #                     菩提羅夫, a Russian surname, is no word of it)
        if name.startswith(_HOLDER_TITLE_KEYS) or name.endswith(_HOLDER_TITLE_KEYS):
            continue            # 大臣將軍: titles one after another
        if all(c in RANK_CHARS for c in name):
            continue            # 扎薩克王公: the princes, ranks and no name
        if name[0] in LEADING_VERBS:
            continue            # 台吉攜烏默客: a verb ("to take along") before the name
        return e
    return None


def office_holders(key: str, gaz: Gazetteer, text: str = "", translit: set[str] | frozenset[str] = frozenset()
                   ) -> list[tuple[int, int, str, str]]:
    """Names of two or three characters (four, half of them in ``translit`` or jieba's
    characters of transliterated names; up to seven, a Mongol name by its ending) right after
    a title, or a title and a rank (大臣公…), and right before a mark, a joining word or a
    verb (黑龍江巡撫周樹模、…; 將軍奕山與…; 都統花沙納為…): the holder of that office, a person;
    and a second name joined to it (使臣A及B). Not a name the register or the word list
    already knows otherwise. ``key``: match-keyed text (``text``: the text itself, whose words the reason
    quotes). (start, end, kind, why)."""
    from .lexicon import transliteration_chars as jieba_translit

    translit = set(translit) | jieba_translit()
    run_on = _unpunctuated(key)
    titles = _HOLDER_TITLE_KEYS
    spans = [(m.start(), m.start() + len(t)) for t in titles for m in re.finditer(f"(?={re.escape(t)})", key)]
    # a title that runs into another ending after it is no title of its own (遣使 in 遣使臣)
    shadowed = {(a, b) for a, b in spans if any(a2 < b and a < b2 and b2 > b for a2, b2 in spans)}
    out = []
    for t in titles:
        at = key.find(t)
        while at >= 0:
            s = at + len(t)
            if (at, s) in shadowed:
                at = key.find(t, s)
                continue
            starts = [s + 1, s] if key[s:s + 1] in NOBLE_RANKS else [s]     # 大臣公普提雅廷; 大臣伯四格
            why = f"a name right after the title {(text or key)[at:s]}: its holder"
            for s in starts:
                e = _holder_at(key, s, gaz, translit, run_on)
                if e is None:
                    continue
                out.append((s, e, "person", why))
                # a second holder joined by 及, 與 (使臣義斯麻伊兒及蘭給)
                if key[e:e + 1] in HOLDER_JOINERS:
                    e2 = _holder_at(key, e + 1, gaz, translit, run_on)
                    if e2 is not None:
                        out.append((e + 1, e2, "person", why + ", and the name joined to it"))
                break
            at = key.find(t, at + len(t))
    return sorted(out)


#: one-character names of states that name their armies (清軍, 蘇軍, 俄軍)
ORG_INITIALS = set("清蘇苏俄日英法德美明元")


def _begins_with_era(key: str, eras: set[str]) -> bool:
    """Whether ``key`` begins with an era's name (嘉慶重修: "revised in the Jiaqing era")."""
    return any(key[:k] in eras for k in range(1, len(key) + 1))


def scan_file(path: Path, rel: str, eras: set[str], gaz: Gazetteer, translit: set[str]) -> list[tuple]:
    """What one file gives: (surface, kind or None, weight, why, context, target title)
    for every signal. ``translit``: the characters transliterated names are written in."""
    from .lexicon import part_of_speech
    from .lexicon import transliteration_chars as jieba_translit

    root = parse_file(path).getroot()
    found: list[tuple] = []
    whole = "\n".join("".join(b.itertext()) for b in blocks(root))
    doc_key = match_key(whole)
    subject, subject_kind = _subject(root)
    own = kind_of_title(subject, eras)[0] if subject else None
    if subject and (own or subject_kind) and _plain_name(subject):
        found.append((subject, own or subject_kind, 3.0,
                            "the article's subject (" + ("its ending)" if own else "its categories)"),
                            f"{rel}: title", subject))
    # the kinds of the names next to which a name may stand: the register's, and those
    # this file's links give by their titles alone
    known = {k: TAG_KIND[e.tag] for k, e in gaz.names.items() if e.tag in TAG_KIND}
    for ref in root.iter(f"{{{NS['tei']}}}ref"):
        title = link_title(ref.get("target") or "")
        if title is None:
            continue
        kind = kind_of_title(title, eras, words=False)[0] or kind_of_qualifier(link_qualifier(ref.get("target")))
        if kind in ("person", "place", "org"):
            known.setdefault(match_key(title), kind)
    columns = column_cells(root)
    holder_chars = set(translit) | jieba_translit()
    n_block = -1
    for block in blocks(root):
        if block.xpath("ancestor::tei:fw | ancestor::tei:note[@type='manifest']", namespaces=NS):
            continue
        n_block += 1
        line = block.sourceline or 0
        text = "".join(block.itertext())
        # links
        for ref in block.iter(f"{{{NS['tei']}}}ref"):
            title = link_title(ref.get("target") or "")
            if title is None or ref.xpath("ancestor::tei:fw", namespaces=NS):
                continue
            anchor = "".join(ref.itertext()).strip()
            at = text.find(anchor) if anchor else -1
            ctx = f"{rel}:{line}: " + (_context(text, at, at + len(anchor)) if at >= 0 else anchor)
            qualifier = link_qualifier(ref.get("target") or "")
            kind = kind_of_qualifier(qualifier)     # the title's own word on it first (喬家大院 (電視劇))
            why = f"its title's disambiguator ({qualifier}) says so" if kind else ""
            if kind is None:
                kind, why = kind_of_title(title, eras, words=False)
            weight = 2.0
            if kind == "person" and match_key(title).endswith("汗") and match_key(title) + "部" in doc_key:
                # 車臣汗, the khan of 車臣汗部: a title, its holders named after it (車臣汗諾爾布)
                kind, why = "office", f"a khan's title: the text names his aimag ({title}部) for it"
            if kind == "place" and len(title) <= 3 and _titled_person(doc_key, title):
                # 黑龍江將軍奕山: a short name after an office is a person's, whatever it ends in
                kind, why = "person", "a short name after an office or title: a person's"
            if kind is None and re.search(re.escape(match_key(title)) + r"[*_]*氏", doc_key) and \
                    not re.search(re.escape(match_key(title)) + r"(?![*_]*氏)", doc_key):
                kind, why = "other", "a clan's name: the text writes it with 氏"
            if kind is None:
                kind = _cues(doc_key, [title] + ([anchor] if _plain_name(anchor) else []), known)
                why = f"the words and names around it suggest a {kind}" if kind else ""
                if kind != "person" and word_kind(title)[0] == "other":
                    # a common word of the list (外藩 "the outer vassals", 茶葉): a place's or a
                    # state's cues around it (在外藩) do not make it a name; a person's
                    # (三多奏) do, a man's name may be a word (三多)
                    kind, why = word_kind(title)
            if kind is None:
                kind, why = word_kind(title)
            after = (anchor[len(title):] if anchor.startswith(title) else "") or (ref.tail or "")
            if kind is None and re.match(r"等?[人族部](?!民)", after):
                # [禿巴思人](…禿巴思), [都播等部…](…都播): a people's name, no one's (the reader
                # links the title's words only: the rest of the anchor follows the link)
                kind, why = "other", "a people: its link's words go on with 人, 族 or 部"
            if kind is None:
                # a bare name, in no word list, without an ending or a cue: a person's
                # when short (Han, Manchu and Mongol personal names are written in two or
                # three characters), else a place's
                if part_of_speech(match_key(title)) == "nz":
                    kind, why, weight = "other", "a proper noun of jieba's word list, no person's, place's or " \
                                                 "organisation's (nz), and no cue", 0.8
                elif len(title) <= 3:
                    kind, why, weight = "person", "a bare name of two or three characters (no ending, no cue): " \
                                                  "taken for a person", 0.8
                else:
                    kind, why, weight = "place", "a bare name of four characters or more (no ending, no cue): " \
                                                 "taken for a place", 0.8
            if _plain_name(title):
                found.append((title, kind, weight + 1.0, f"a link to the article {title} ({why})", ctx, title))
            tail = ref.tail or ""
            if kind == "office" and (e := _holder_at(match_key(tail), 0, gaz, holder_chars)):
                # [土謝圖汗](…)袞布: the name right after a linked title is its holder's
                found.append((tail[:e], "person", 2.0, f"a name right after the title {anchor or title}: its holder",
                              f"{rel}:{line}: {anchor}{tail[:e + 6]}", ""))
            surname = _surname(title) if kind == "person" else ""
            if surname and _alone(doc_key, match_key(surname)):
                # 穆拉維約夫 for 尼古拉·尼古拉耶維奇·穆拉維約夫-阿穆爾斯基: the text names him so
                found.append((surname, "person", weight, f"the surname of {title}, linked by the full name",
                              ctx, title))
            if anchor and anchor != title and match_key(anchor) != match_key(title) and _plain_name(anchor) \
                    and len(anchor) <= 8:
                own, own_why = kind_of_title(anchor, eras, words=False)
                by_list = own is None
                if by_list:
                    own, own_why = word_kind(anchor)
                named = ("person", "place", "org")
                if by_list and own in named and kind in named and own != kind:
                    # jieba's tag for the words (唐古特, nr) against the article's kind (藏区, a
                    # place): the words name what the article is about, a thing of its kind
                    found.append((anchor, kind, 2.0, f"the words of a link to {title}, a {kind} (jieba's "
                                  f"word list has them for a {own})", ctx, ""))
                elif own is not None and own != kind:
                    # the words name something else (欽差庫倫辦事大臣 linking to its holder)
                    found.append((anchor, own, 2.0, f"the words of a link ({own_why})", ctx, ""))
                elif match_key(title) not in match_key(anchor) and set(match_key(anchor)) & set(match_key(title)) \
                        and not _starts_with_verb(anchor) and not _holds_verb(anchor):
                    # another spelling or form of the title's name (喇薩 for 拉薩); words
                    # around the title (佔領外蒙古) are not a name
                    found.append((anchor, kind, weight, f"the words of a link to {title}", ctx, title))
        # a cell under a heading that says what it names (姓名: a person's)
        if block in columns and _plain_name(text.strip()) and word_kind(text.strip())[0] != "other":
            kind, heading = columns[block]
            found.append((text.strip(), kind, 2.5, f"a cell of a table's column {heading}: a {kind}'s name",
                          f"{rel}:{line}: {text.strip()}", ""))
        # 《titles》
        for m in re.finditer(r"《([^《》]{2,30})》", text):
            title = m.group(1)
            kind, _ = kind_by_ending(title)
            ctx = f"{rel}:{line}: " + _context(text, m.start(), m.end())
            if kind == "treaty":
                found.append((title, "treaty", 2.5, "a title in 《》 ending like a treaty", ctx, title))
            elif _plain_name(title):
                found.append((title, "other", 2.0, "a title in 《》 (a work): a word, not a name", ctx, title))
        # names nobody linked, known by their ending (…河, …衙門)
        flat_text = flat(block)
        for a, b, _, _ in link_spans(block):
            flat_text = flat_text[:a] + BLOCK * (b - a) + flat_text[b:]
        for start, end, kind, why, weight in unlinked_names(flat_text, gaz, translit):
            ctx = f"{rel}:{line}: " + _context(flat_text.replace(BLOCK, "…"), start, end)
            found.append((flat_text[start:end], kind, weight, why, ctx, ""))
        # a name followed by its form in letters: 拉文施泰因（Ernst Georg Ravenstein）
        for m in LATIN_AFTER.finditer(flat_text):
            key = match_key(flat_text)
            start = name_start(key, m.start(1), m.end(1), gaz, whole_word=True)
            name, latin = flat_text[start:m.end(1)], m.group(2).strip()
            if len(name) < 2:
                continue
            kind, why = kind_of_title(name, eras)
            if kind is None and len(latin.split()) >= 2 and not any(w in latin.split() for w in GEO_WORDS):
                kind, why = "person", "a name followed by a personal name in letters"
            if kind is None and match_key(name) in gaz.names and gaz.names[match_key(name)].id:
                kind = next((k for k, t in ENTRY_TAG.items() if t == gaz.names[match_key(name)].tag), None)
            if kind is None:
                kind, why = _cues(doc_key, name, known), "the words and names around it"
            if kind in (None, "other"):
                continue
            ctx = f"{rel}:{line}: " + _context(flat_text.replace(BLOCK, "…"), start, m.end())
            if match_key(name) not in gaz.names:
                found.append((name, kind, 2.0, f"a name given with its form in letters ({why})", ctx, ""))
            found.append((latin, kind, 2.0, f"the form in letters of {name}", ctx, name))
        # holders of offices; an emperor named by his era (乾隆帝, 康熙皇帝), a state's army
        # (清軍, 蘇軍); the formulas of treaties and boundary records
        flat_key = match_key(flat_text)
        shown = flat_text.replace(BLOCK, "…")
        for start, end, kind, why in (office_holders(flat_key, gaz, flat_text, translit)
                                      + titled_names(flat_key, eras, known)
                                      + organs(flat_key) + given_names(flat_key) + counted_lists(flat_key)
                                      + numbered_points(flat_key) + boundary_names(flat_key) + area_names(flat_key)
                                      + regnal_names(flat_key) + banner_units(flat_key, gaz, known)
                                      + extent_names(flat_key) + dotted_names(flat_key, gaz)):
            ctx = f"{rel}:{line}: " + _context(shown, start, end)
            found.append((flat_text[start:end], kind, 2.0, why, ctx, ""))
        for start, end, title, why in grand_states(flat_key, gaz):
            ctx = f"{rel}:{line}: " + _context(shown, start, end)
            found.append((flat_text[start:end], "org", 2.5, why, ctx, title))
        # a banner of the Eight Banners, with its people (蒙古正藍旗, 察哈爾鑲黃旗), links or not
        block_flat = flat(block)
        block_key = match_key(block_flat)
        block_shown = block_flat.replace(BLOCK, "…")
        for m in BANNER.finditer(block_key):
            ctx = f"{rel}:{line}: " + _context(block_shown, m.start(), m.end())
            found.append((block_flat[m.start():m.end()], "org", 2.5, "a banner of the Eight Banners", ctx, ""))
        # a city before a publisher (香港：中文大學出版社): a place, whatever else it is
        for m in IMPRINT.finditer(block_key):
            ctx = f"{rel}:{line}: " + _context(block_shown, m.start(1), m.end(1))
            found.append((block_flat[m.start(1):m.end(1)], "place", 2.5, "the city of a publisher", ctx, ""))
        # a reference in letters: its author, its publisher and the publisher's city
        if block.tag == f"{{{NS['tei']}}}item":
            for latin, kind, why, a, b in latin_reference(flat_text):
                ctx = f"{rel}:{line}: " + _context(flat_text, a, b, 30)
                found.append((latin, kind, 2.0, why, ctx, ""))
        # the author at the head of a reference (譚其驤等，1974，《…》; 胡祥雨：〈…〉; 侯楊方《…》;
        # 張丹卉，[a linked title]), and the names it credits (岡洋樹 著，烏雲格日勒、佟雙喜 譯)
        if block.tag == f"{{{NS['tei']}}}item":
            m = REFERENCE_AUTHOR.match(flat_text)
            if m and word_kind(m.group(1))[0] in (None, "person") and not _begins_with_era(match_key(m.group(1)), eras) and \
                    (REFERENCE_TITLE.search(flat_text.split("\n")[0]) or _linked_title_at(block, flat_text, m.end())):
                ctx = f"{rel}:{line}: " + _context(flat_text, m.start(1), m.end(1))
                found.append((m.group(1), "person", 2.0, "the author at the head of a reference", ctx, ""))
            for m in CREDITS.finditer(flat_text):
                at = m.start(1)
                for name in m.group(1).split("、"):
                    if word_kind(name)[0] in (None, "person") and not any(c in FUNCTION_CHARS for c in name):
                        ctx = f"{rel}:{line}: " + _context(flat_text, at, at + len(name))
                        found.append((name, "person", 2.0, "a name a reference credits (著, 編, 譯)", ctx, ""))
                    at += len(name) + 1
        # a proper name of jieba's list that holds a register name (內蒙古 holds 蒙古, 中國地圖出版社
        # holds 中國): the longer name is the mention, and a name of its own
        i = 0
        while i < len(flat_key):
            m = gaz.match_at(flat_key, i) if flat_key[i] != BLOCK else None
            if m and not gaz.names[m].id:
                kind, why = word_kind(m)
                if kind in ("person", "place", "org"):
                    ctx = f"{rel}:{line}: " + _context(flat_text.replace(BLOCK, "…"), i, i + len(m))
                    found.append((flat_text[i:i + len(m)], kind, 2.0, why + ", holding a name of the register",
                                  ctx, ""))
            i += len(m) if m else 1
        # bare transliterated names nobody linked, where the words around them tell their kind
        for start, end, kind, why in bare_names(flat_key, gaz, translit, known):
            ctx = f"{rel}:{line}: " + _context(flat_text.replace(BLOCK, "…"), start, end)
            found.append((flat_text[start:end], kind, 1.5, why, ctx, ""))
        # countries nobody linked
        for start, end in country_mentions(match_key(flat_text)):
            ctx = f"{rel}:{line}: " + _context(flat_text.replace(BLOCK, "…"), start, end)
            found.append((flat_text[start:end], "org", 2.0, "a country (ISO 3166, pycountry): a state", ctx, ""))
        # another name of the article's subject: 又譯…, 亦稱…, 別名…
        if subject and (own or subject_kind) and n_block < 3:
            for m in ALIAS.finditer(text):
                alias = m.group(1)
                if match_key(alias) != match_key(subject):
                    ctx = f"{rel}:{line}: " + _context(text, m.start(1), m.end(1))
                    found.append((alias, own or subject_kind, 2.5, f"another name of {subject}, the article's subject",
                                  ctx, subject))
    # the names of lists whose known names are all of one kind (乾隆朝：諾木琿、福德、…、松筠),
    # the kinds known from the register and from what this file gave (twice: a name found
    # in one list makes another list's kind known)
    kinds = dict(known)
    sure = set(known)       # names whose kind a signal says, not a guess (a bare name's default)
    for surface, kind, weight, _why, _ctx, _title in sorted(found, key=lambda f: -f[2]):
        if kind in ("person", "place", "org", "office", "other"):      # the surest signal of a name first
            kinds.setdefault(match_key(surface), kind)
            if weight >= 2.0:
                sure.add(match_key(surface))
    for _ in range(2):
        for block in blocks(root):
            if block.xpath("ancestor::tei:fw | ancestor::tei:note[@type='manifest']", namespaces=NS):
                continue
            text = flat(block)
            for start, end, kind in listed_names(text, kinds, sure):
                kinds[match_key(text[start:end])] = kind
                found.append((text[start:end], kind, 2.0, f"in a list with names of {kind}s",
                              f"{rel}:{block.sourceline or 0}: " + _context(text, start, end), ""))
    return found


def listed_names(text: str, kinds: dict[str, str], sure: set[str] | None = None) -> list[tuple[int, int, str]]:
    """The unknown members of a list of three or more names joined by 、 (each two to five Han
    characters, no grammar word) where the known members are all persons, all places or all
    offices: (start, end, kind). ``kinds``: match key -> kind (``other``: a word, not a name); ``sure``:
    the keys whose kind a signal gave, not a guess: when a list has such members, they decide."""
    key = match_key(text)
    out = []
    for m in re.finditer(r"(?<![\u3400-\u9fff])[\u3400-\u9fff]{2,5}(?:、[\u3400-\u9fff]{2,5}){2,}(?![\u3400-\u9fff])", key):
        # (a list the pattern begins inside, after a 、, has no verb before its first member)
        lead = _lead_verb(m.group().split("、")[0]) if key[m.start() - 1:m.start()] != "、" else 0
        members, at = [], m.start() + lead
        for part in m.group()[lead:].split("、"):
            name = part[:-1] if part.endswith(("等", "诸")) and len(part) > 2 else part     # 昂可剌等: "and others"
            members.append((at, at + len(name), name))
            at += len(part) + 1
        kinded = [p for _, _, p in members if kinds.get(p) in ("person", "place", "org", "office")]
        surely = [p for p in kinded if sure is not None and p in sure]
        named = {kinds[p] for p in (surely or kinded)}
        words = sum(kinds.get(p) == "other" for _, _, p in members)
        if len(named) != 1 or named == {"org"} or words >= 2:
            continue            # kinds that disagree; states; a list of words (毛皮、紡織品、成衣: goods)
        kind = named.pop()
        for s, e, part in members:
            if (part not in kinds or (surely and part not in surely and kinds[part] != kind)) and \
                    not any(c in FUNCTION_CHARS for c in part) and \
                    kind_by_ending(part)[0] in (None, kind, "place"):
                # 蒙古學 in a list of places is a school; 福海 in a list of persons a person
                out.append((s, e, kind))
    return out


_COMMON_CHARS = set(match_key("之的一不了是在有人這这上大中國国為为以年月日於于與与及其而也等所者地方天下"
                              "此彼各兩两三四五六七八九十百千萬万東东西南北前後后左右內内外二世王帝聖圣文日山島岛"))


def transliteration_chars(reg: Register) -> set[str]:
    """The characters transliterated names are written in: those of the register's
    names of persons and places (three characters or more), less the common words'
    characters and the endings; learned from the register, so the set grows with it."""
    chars: dict[str, int] = {}
    for ent in reg.entries.values():
        if ent.kind not in ("person", "place"):
            continue
        for name in ent.names:
            if len(name) < 3:
                continue
            core = name
            for end in UNLINKED_ENDINGS["place"]:
                if core.endswith(end):
                    core = core[: -len(end)]
                    break
            for c in set(match_key(core)):
                chars[c] = chars.get(c, 0) + 1
    return {c for c, n in chars.items() if n >= 2 and c not in _COMMON_CHARS}


def propose(project, files: list[Path] = ()) -> list[Candidate]:
    from .dates import eras as era_table

    reg = Register.load(project.register)
    gaz = Gazetteer(reg)
    paths = [Path(f) for f in files] if files else [p for p in project.tei_files()
                                                    if p.name != "register.xml" and ".apparatus." not in p.name]
    eras = {match_key(e) for e in era_table()}
    translit = transliteration_chars(reg)
    cands: dict[str, Candidate] = {}
    title_entry: dict[str, str] = {}     # a link title's key -> the key of its candidate
    aliases: list[tuple[str, str]] = []   # (alias key, title key)
    for path in paths:
        rel = path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else str(path)
        for surface, kind, weight, why, ctx, title in scan_file(path, rel, eras, gaz, translit):
            key = match_key(surface)
            # a word of jieba's list that holds a register name (哈薩克斯坦) may be a name
            # itself, given a sure signal (a link, a country's name)
            if (key in gaz.names and (gaz.names[key].id or weight < 2.0)) or key in reg.words \
                    or key in reg.rejected:
                continue
            c = cands.get(key)
            if c is None:
                c = cands[key] = Candidate(surface, kind or "other")
            c.vote(kind or "other", weight, why)
            if len(c.contexts) < 3 and ctx not in c.contexts:
                c.contexts.append(ctx)
            if title:
                tkey = match_key(title)
                if tkey == key:
                    title_entry[tkey] = key
                else:
                    aliases.append((key, tkey))
    # an office named for a place says that the place is one (科布多 in 科布多參贊大臣)
    offices = [c.surface for c in cands.values() if max(c.votes, key=lambda k: c.votes[k]) == "office"]
    offices += [n for e in reg.entries.values() if e.kind == "office" for n in e.names]
    from .lexicon import part_of_speech
    office_contexts = {match_key(c.surface): c.contexts for c in cands.values()}
    for office in offices:
        for end in REGIONAL_OFFICES:
            if office.endswith(end) and len(office) > len(end) + 1:
                head = office[: -len(end)].removesuffix("副")       # 塔爾巴哈臺副都統
                c = cands.get(match_key(head))
                if c is None and match_key(head) not in gaz.names and (
                        part_of_speech(match_key(head)) == "ns"
                        or sum(ch in translit for ch in match_key(head)) * 2 >= len(head) + 1):
                    # 黑龍江 of 黑龍江將軍: a place's name (the word list's, or a transliteration)
                    c = cands[match_key(head)] = Candidate(head, "place")
                    c.contexts = list(office_contexts.get(match_key(office), []))[:3]
                if c is not None:
                    c.vote("place", 1.5, f"{office} is an office named for it")
                break
    for c in cands.values():
        c.kind = max(sorted(c.votes), key=lambda k: c.votes[k])
    _assign_entries(cands, reg, gaz, aliases)
    return sorted(cands.values(), key=lambda c: (KINDS.index(c.kind), c.entry, pinyin_of(c.surface), c.surface))


def _assign_entries(cands: dict[str, Candidate], reg: Register, gaz: Gazetteer, aliases) -> None:
    """Entry ids: a link's other words join its title's entry; a candidate that sounds
    like a register entry of its kind joins it (proposed, with the reason); candidates
    that sound alike share one new entry."""
    taken = set(reg.ids)
    by_sound: dict[tuple[str, str], str] = {}
    for ent in reg.entries.values():
        for name in ent.names:
            by_sound.setdefault((ent.kind, pinyin_of(name)), ent.id)
    for key, c in sorted(cands.items(), key=lambda kv: (-kv[1].score, pinyin_of(kv[1].surface), kv[0])):
        if c.kind == "other":
            c.entry, c.status = "", "word"
            continue
        sound = pinyin_of(c.surface)
        known = by_sound.get((c.kind, sound))
        if known and known in reg.entries:
            c.entry, c.status = known, "join"
            c.why.append(f"sounds like {reg.entries[known].names[0]} ({sound}), an entry of the register")
            continue
        if known:                        # a candidate of this run already took the sound
            c.entry = known
            c.why.append(f"sounds like another candidate ({sound})")
            continue
        c.entry = make_entry_id(c.kind, to_simplified(c.surface), taken)
        taken.add(c.entry)
        by_sound[(c.kind, sound)] = c.entry
    for alias, title in aliases:
        a, t = cands.get(alias), cands.get(title)
        if a is None or a.status == "join":
            continue
        if t is not None and t.entry and a.kind == t.kind:
            a.entry, a.status = t.entry, t.status
            a.why.append(f"the words of a link to {t.surface}: another name of it")
        elif t is None and title in gaz.names and gaz.names[title].id and gaz.names[title].id in reg.entries \
                and reg.entries[gaz.names[title].id].kind == a.kind:
            a.entry, a.status = gaz.names[title].id, "join"
            a.why.append(f"another name of {title}, an entry of the register")


COLUMNS = ("decision", "surface", "type", "entry", "status", "pinyin", "confidence", "why", "contexts")


def review_tsv(cands: list[Candidate]) -> str:
    """The review file: one candidate a line. The editor writes yes or no in the first
    column (and may change the type or the entry: an existing id merges the name into
    that entry)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for c in cands:
        w.writerow(("?", c.surface, c.kind, c.entry, c.status, pinyin_of(c.surface), c.confidence,
                    "; ".join(c.why), " | ".join(c.contexts)))
    return out.getvalue()
