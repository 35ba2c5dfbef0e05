<?xml version="1.0" encoding="UTF-8"?>
<!--
  treatytei: the print edition. TEI -> one HTML document for CSS Paged Media, made into
  a PDF by WeasyPrint (`treatytei publish pdf`). Contents: title page, table of contents,
  each source, the collated treaty with its collation notes (校勘記) after each article,
  the registers and the index of dates. Page numbers in the contents and the registers
  are those the parts were typeset on ($pages). Uses the functions of ../html/common.xsl and the
  register lookups of ../html/entities.xsl.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../html/common.xsl"/>
  <xsl:import href="../html/entities.xsl"/>
  <xsl:import href="print-text.xsl"/>
  <xsl:import href="print-apparatus.xsl"/>
  <xsl:import href="print-registers.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no"/>

  <xsl:param name="edition-date" as="xs:string" select="'2026-11-21'"/>
  <xsl:param name="version" as="xs:string" select="''"/>

  <!-- The volume is typeset in parts (src/treatytei/publish_pdf.py), so that a change
       to one text typesets that text again and not the whole book:
         part=body   every text and every collation, each its own HTML document, each
                     after a comment <!- -tt-part NAME- -> (the pages numbered on from
                     the part before, by a page rule added when it is typeset);
         part=back   the registers and the index of dates;
         part=front  the title page and the contents, numbered i, ii, ...
       Page numbers across parts come from $pages (JSON: anchor -> page), links across
       parts are written tt-xref:ANCHOR and become links inside the PDF when the parts
       are put together. -->
  <xsl:param name="part" as="xs:string" select="'body'"/>
  <xsl:param name="pages" as="xs:string" select="'{}'"/>
  <xsl:variable name="page-of" as="map(*)" select="parse-json($pages)"/>
  <!-- names marked with lines (專名線 / 書名線, as Chinese editions do) or with colours -->
  <xsl:param name="name-marks" as="xs:string" select="'lines'"/>

  <xsl:template name="xsl:initial-template">
    <xsl:choose>
      <xsl:when test="$part = 'body'">
        <xsl:for-each select="tt:text-docs()">
          <xsl:comment>tt-part text-{tei:TEI/@xml:id}</xsl:comment>
          <xsl:call-template name="tt:part-doc">
            <xsl:with-param name="content"><xsl:call-template name="tt:print-text"/></xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <xsl:variable name="n" select="position()"/>
          <xsl:comment>tt-part collation-{$n}</xsl:comment>
          <xsl:call-template name="tt:part-doc">
            <xsl:with-param name="content">
              <xsl:call-template name="tt:print-collation"><xsl:with-param name="n" select="$n"/></xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="$part = 'back'">
        <xsl:call-template name="tt:part-doc">
          <xsl:with-param name="content"><xsl:call-template name="tt:print-registers"/></xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$part = 'front'">
        <xsl:call-template name="tt:part-doc">
          <xsl:with-param name="content"><xsl:call-template name="tt:front-matter"/></xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">print.xsl: unknown part '{$part}' (body, back or front)</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- one part: the head every part shares (the PDF's metadata comes from the front) -->
  <xsl:template name="tt:part-doc">
    <xsl:param name="content" as="node()*"/>
    <html lang="zh">
      <head>
        <meta charset="utf-8"/>
        <title>Qing–Russian Treaty Texts: a TEI Edition</title>
        <meta name="author" content="The treatytei project (editors); TEI encoding by the treatytei toolkit {$version}"/>
        <meta name="description" content="Print edition of the 1727 Treaty of Kyakhta in two Chinese texts (恰克圖界約, 喀尔喀会议通商定约) with their collation, and of the Chinese Wikipedia article on the 1864 Protocol of Chuguchak (中俄勘分西北界约记)."/>
        <meta name="keywords" content="Treaty of Kyakhta, 1727, Qing, Russia, TEI, critical apparatus, 恰克圖界約"/>
        <meta name="generator" content="treatytei {$version}"/>
        <meta name="dcterms.created" content="{$edition-date}T00:00:00Z"/>
        <meta name="dcterms.modified" content="{$edition-date}T00:00:00Z"/>
        <link rel="stylesheet" href="print.css"/>
      </head>
      <body class="part-{$part} names-{$name-marks}">
        <xsl:sequence select="$content"/>
      </body>
    </html>
  </xsl:template>

  <!-- a reference to an anchor in any part, with the page it is on -->
  <xsl:template name="tt:xref">
    <xsl:param name="anchor" as="xs:string"/>
    <xsl:param name="class" as="xs:string"/>
    <xsl:param name="content" as="node()*" select="()"/>
    <a class="{$class}" href="tt-xref:{$anchor}" data-page="{($page-of($anchor), '?')[1]}"><xsl:sequence select="$content"/></a>
  </xsl:template>

  <xsl:template name="tt:front-matter">
    <section class="titlepage" lang="en">
      <p class="series">treatytei</p>
      <h1 class="booktitle">Qing–Russian Treaty Texts</h1>
      <p class="subtitle">
        <span lang="zh-Hant">恰克圖界約</span> · <span lang="zh-Hans">喀尔喀会议通商定约</span> · <span lang="zh-Hans">中俄勘分西北界约记</span>
      </p>
      <p class="subtitle2">A TEI edition, with the collation of the witnesses of 1727</p>
      <p class="imprint">The treatytei project · edition of {$edition-date}<br/>
        Texts: public domain (treaties), CC BY-SA 4.0 (Wikipedia) · Encoding: CC BY-SA 4.0</p>
    </section>
    <nav class="toc" lang="en">
      <h1 class="unnumbered">Contents</h1>
      <ol>
        <xsl:if test="tt:app-docs()">
          <li><a class="toc-local" href="#fanli"><span lang="zh-Hant">凡例</span> Editorial principles</a></li>
        </xsl:if>
        <xsl:for-each select="tt:text-docs()">
          <li><xsl:call-template name="tt:xref">
            <xsl:with-param name="anchor" select="'text-' || tei:TEI/@xml:id"/>
            <xsl:with-param name="class" select="'toc-entry'"/>
            <xsl:with-param name="content"><span lang="{tt:lang(tei:TEI)}">{tt:title(.)}</span><xsl:if test="tt:siglum(.)"> (witness {tt:siglum(.)})</xsl:if></xsl:with-param>
          </xsl:call-template></li>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <li><xsl:call-template name="tt:xref">
            <xsl:with-param name="anchor" select="'collation-' || position()"/>
            <xsl:with-param name="class" select="'toc-entry'"/>
            <xsl:with-param name="content">The collated treaty <span lang="zh-Hant">（校勘記）</span></xsl:with-param>
          </xsl:call-template></li>
        </xsl:for-each>
        <xsl:for-each select="['reg-persons', 'Register of persons'], ['reg-places', 'Register of places'],
                              ['reg-orgs', 'Register of organisations, offices and treaties'], ['reg-dates', 'Index of dates']">
          <li><xsl:call-template name="tt:xref">
            <xsl:with-param name="anchor" select="?1"/>
            <xsl:with-param name="class" select="'toc-entry'"/>
            <xsl:with-param name="content"><xsl:value-of select="?2"/></xsl:with-param>
          </xsl:call-template></li>
        </xsl:for-each>
      </ol>
    </nav>
    <xsl:for-each select="tt:app-docs()">
      <xsl:call-template name="tt:fanli"/>
    </xsl:for-each>
  </xsl:template>

  <!-- 凡例: the editorial principles of a collation, made from its apparatus: the
       witnesses (sigla, sources, extents), the base text, what the notes record and
       what they do not (with counts), the formulae, punctuation, name lines, dates -->
  <xsl:template name="tt:fanli">
    <xsl:variable name="wits" select=".//tei:listWit/tei:witness"/>
    <xsl:variable name="apps" select=".//tei:body//tei:app"/>
    <xsl:variable name="classes" select="$apps ! tt:app-class(., $wits)"/>
    <xsl:variable name="count" select="function($c) { count($classes[. = $c]) }"/>
    <xsl:variable name="pairs" select="distinct-values($apps[@subtype = 'variant-character'] !
        string-join(tei:rdg ! tt:reading-text(., substring(tokenize(@wit)[1], 2)), '／'))"/>
    <xsl:variable name="silent" select="count(.//tei:rdg[@type = 'silent'])"/>
    <xsl:variable name="unpunct" select="distinct-values(.//tei:rdg[@type = 'silent']/@wit ! tokenize(.) ! substring(., 2))"/>
    <xsl:variable name="divs" select=".//tei:body/tei:div"/>
    <xsl:variable name="notes" select="tt:note-count(.)"/>
    <section class="fanli" id="fanli" lang="zh-Hant">
      <h1 class="unnumbered" data-bm="凡例 · Editorial principles">凡例 <span class="h-en" lang="en">Editorial principles</span></h1>
      <ol class="fanli-items">
        <li>一、本編校錄《{$wits[1]/tei:bibl/tei:title}》，所據文本{tt:cn(count($wits))}種，以字母爲其代號：
          <xsl:for-each select="$wits">
            <xsl:variable name="w" select="."/>
            <xsl:variable name="in" select="$divs[some $c in tokenize(@corresp) satisfies starts-with($c, $w/@corresp || '#')]"/>
            <span class="wit"><b>{tt:sig(.)}本</b>，<span lang="{@xml:lang}">{tei:bibl/tei:title}</span>（{tei:bibl/tei:ref}）：存{string-join($in ! tt:section-zh(.), '、')}<xsl:if test="contains(tei:bibl/tei:note, 'partial') or contains(tei:bibl/tei:note, 'only')">（<span lang="en">{tei:bibl/tei:note}</span>）</xsl:if>{if (position() = last()) then '。' else '；'}</span>
          </xsl:for-each></li>
        <li>二、以{tt:sig($wits[1])}本爲底本，以{string-join($wits[position() gt 1] ! (tt:sig(.) || '本'), '、')}爲校本。底本錄文所闕之處，據次一本錄文，並於校勘記中說明錄文所據之本及其起訖。</li>
        <li>三、校勘記附於每條之後。凡一句之內（至「，。；：！？」止）之異文，合爲一條，校碼<span class="keep">如〔一〕〔二〕</span>，標於句末、標點之前，與校勘記互相鏈接。所出者：脫文、衍文、異文、倒文，及人名、地名譯寫之不同，凡異文{tt:cn($count('noted'))}處，合爲校勘記{tt:cn($notes)}條；又各本起訖、底本所據之變更{tt:cn($count('statement'))}處。</li>
        <li>四、以下諸項不逐一出校，於此總計之：標點之異{tt:cn($count('punctuation'))}處<xsl:if test="exists($unpunct)">（其中{string-join($unpunct, '、')}本無標點，不出校者{tt:cn($silent)}處）</xsl:if>；繁體、簡體字形之異（悉不計）；異體字之異，及除字形、標點外別無不同之異文{tt:cn($count('script'))}處<xsl:if test="exists($pairs)">（異體字：{string-join($pairs, '、')}）</xsl:if>；各本條目序號之異{tt:cn($count('numbering'))}處。</li>
        <li>五、各本漢字後所用半角標點「, ; : ! ?」，今改爲全角「，；：！？」；此外標點悉依各本。</li>
        <li>六、校勘記用語：「甲」，B本作「乙」（異文）；B本無「甲」（脫文）；「甲」下，B本有「乙」（衍文；句首者作「甲」上）；「甲乙」二字，B本互乙（倒文）；數本同者，並稱「B、C本」。<xsl:if test="count($wits) = 2">校本只一種，稱「別本」。</xsl:if>校勘記引文各依其本之字形。</li>
        <li>七、人名、地名、國名及機構名加專名線（直線），書名、約名加書名線（波浪線）。</li>
        <li>八、日期悉依原文；其公曆日期（ISO 8601，前推格里曆），及所據曆法（清代時憲曆、儒略曆），見書末日期索引。</li>
      </ol>
    </section>
  </xsl:template>

  <xsl:function name="tt:section-zh" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="if ($div/@type = 'preamble') then '序' else if ($div/@n castable as xs:integer) then '第' || tt:cn(xs:integer($div/@n)) || '條' else string($div/@n)"/>
  </xsl:function>

  <!-- Chinese numerals for note numbers, correct beyond 99 (format-integer gives 百五
       for 105): 一 … 十 … 九十九, 一百, 一百零五, 一百一十 … -->
  <xsl:function name="tt:cn" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:variable name="d" select="('零', '一', '二', '三', '四', '五', '六', '七', '八', '九')"/>
    <xsl:sequence select="
      if ($n lt 10) then $d[$n + 1]
      else if ($n lt 20) then '十' || (if ($n mod 10 = 0) then '' else $d[$n mod 10 + 1])
      else if ($n lt 100) then $d[$n idiv 10 + 1] || '十' || (if ($n mod 10 = 0) then '' else $d[$n mod 10 + 1])
      else if ($n lt 1000) then $d[$n idiv 100 + 1] || '百' ||
        (if ($n mod 100 = 0) then ''
         else if ($n mod 100 lt 10) then '零' || $d[$n mod 10 + 1]
         else $d[($n mod 100) idiv 10 + 1] || '十' || (if ($n mod 10 = 0) then '' else $d[$n mod 10 + 1]))
      else $d[$n idiv 1000 + 1] || '千' || (if ($n mod 1000 = 0) then '' else (if ($n mod 1000 lt 100) then '零' else '') || tt:cn($n mod 1000))"/>
  </xsl:function>
</xsl:stylesheet>
