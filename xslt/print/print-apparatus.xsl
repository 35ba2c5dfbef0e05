<?xml version="1.0" encoding="UTF-8"?>
<!-- print-apparatus: the collated treaty as a Chinese critical edition prints it.

     The base text (底本) is the first witness (A, the received text) wherever it is extant,
     the next witness where it is in lacuna. The variants of one clause (the text up to the
     next ，。；：！？) make one collation note (校勘記), and one number 〔一〕 stands at the
     end of that clause, before its punctuation and kept on the line with the character
     before it; the notes follow each article, each linked to its number and back.

     Not noted one by one (the 凡例 says so and counts them): differences of punctuation,
     of script (traditional / simplified) and of variant characters (異體字, data/variants.tsv),
     and the article numerals. A reading is compared with the base through tt:fold, which
     drops punctuation and maps every character to its normal form ($fold-map, made by
     publish_pdf from OpenCC and data/variants.tsv).

     Formulae (for n witnesses; with two, the other witness is 別本):
       「甲」，B本作「乙」          「甲」，B本作「乙」，C本作「丙」
       B、C本無「甲」              「甲」下，B本有「乙」
       「甲乙」二字，B本互乙
     and a statement wherever the base text's witness changes or a witness begins or
     breaks off. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../html/apparatus.xsl"/>

  <!-- characters to their normal form for comparing readings: JSON {char: normal} -->
  <xsl:param name="fold" as="xs:string" select="'{}'"/>
  <xsl:variable name="fold-map" as="map(*)" select="parse-json($fold)"/>

  <!-- the marks that end a clause (after ASCII punctuation is made full-width) -->
  <xsl:variable name="clause-end" select="'[，。；：！？]'"/>
  <xsl:variable name="punct-run" select="'^([，。；：！？、」』）]+)'"/>

  <xsl:key name="app-by-id" match="tei:app" use="@xml:id"/>

  <xsl:template name="tt:print-collation">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:variable name="wits" select=".//tei:listWit/tei:witness"/>
    <xsl:variable name="doc" select="."/>
    <section class="part collation" id="collation-{$n}" lang="zh-Hant">
      <h1 class="chapter" lang="en" data-bm="校勘 · The collated treaty">The collated treaty <span lang="zh-Hant">（校勘）</span></h1>
      <div class="collation-intro" lang="en">
        <p>Base text (底本): witness <b>{tt:sig($wits[1])}</b>, <span lang="{$wits[1]/@xml:lang}">{$wits[1]/tei:bibl/tei:title}</span>;
          collated with (校本) <xsl:for-each select="$wits[position() gt 1]"><xsl:if test="position() gt 1">, </xsl:if>witness <b>{tt:sig(.)}</b>, <span lang="{@xml:lang}">{tei:bibl/tei:title}</span></xsl:for-each>.
          Where the base text breaks off, the next witness is printed and a note says so.
          What the notes record and what they do not is set out in the editorial principles (<span lang="zh-Hant">凡例</span>) at the front of the volume.</p>
      </div>
      <xsl:for-each select=".//tei:body/tei:div">
        <xsl:variable name="key" select="if (@type = 'preamble') then 'preamble' else 'art' || @n"/>
        <xsl:variable name="zh" select="tt:section-zh(.)"/>
        <xsl:variable name="en" select="if (@type = 'preamble') then 'Preamble' else 'Article ' || @n"/>
        <xsl:variable name="draft" select="tt:draft(., $wits)"/>
        <xsl:variable name="notes" select="$draft//tt:n"/>
        <section class="div cdiv" id="c{$n}-{$key}">
          <xsl:apply-templates select="$draft" mode="number">
            <xsl:with-param name="notes" select="$notes" tunnel="yes"/>
            <xsl:with-param name="key" select="'c' || $n || '-' || $key" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:if test="$notes">
            <div class="jiaokan" lang="zh-Hant">
              <p class="jk-head" data-run="{$zh}">校勘記</p>
              <ol>
                <xsl:for-each select="$notes">
                  <li id="jk-c{$n}-{$key}-{position()}"><a class="jk-no" href="#jkr-c{$n}-{$key}-{position()}">〔{tt:cn(position())}〕</a><xsl:call-template name="tt:note-text">
                    <xsl:with-param name="apps" select="tokenize(@apps) ! key('app-by-id', ., $doc)"/>
                    <xsl:with-param name="wits" select="$wits"/>
                  </xsl:call-template></li>
                </xsl:for-each>
              </ol>
            </div>
          </xsl:if>
        </section>
      </xsl:for-each>
    </section>
  </xsl:template>

  <!-- a section of the collated text with tt:n (a note: the apps it is about) where the
       collation numbers go -->
  <xsl:function name="tt:draft" as="document-node()">
    <xsl:param name="div" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:for-each select="$div">
      <xsl:variable name="zh" select="tt:section-zh(.)"/>
      <xsl:variable name="en" select="if (@type = 'preamble') then 'Preamble' else 'Article ' || @n"/>
      <xsl:document>
          <h2 data-bm="{$zh} · {$en}" data-run="{$zh}"><span lang="zh-Hant">{$zh}</span>
            <xsl:variable name="opening" select=".//tei:app[tt:opens-section(., $wits)]"/>
            <xsl:if test="$opening"><tt:n apps="{$opening/@xml:id}"/></xsl:if>
            <span class="h-en" lang="en">{$en}</span></h2>
          <xsl:for-each select="tei:note[@type = 'revision']"><p class="ed-note" lang="en">{.}</p></xsl:for-each>
          <xsl:for-each select="tei:p">
            <xsl:variable name="flat">
              <xsl:apply-templates mode="flat"><xsl:with-param name="wits" select="$wits" tunnel="yes"/></xsl:apply-templates>
            </xsl:variable>
            <p lang="{$wits[@xml:id = tt:reader(current(), $wits)]/@xml:lang}">
              <xsl:call-template name="tt:clauses"><xsl:with-param name="items" select="$flat/node()"/></xsl:call-template>
            </p>
          </xsl:for-each>
        </xsl:document>
    </xsl:for-each>
  </xsl:function>

  <!-- how many collation notes an apparatus gets in print -->
  <xsl:function name="tt:note-count" as="xs:integer">
    <xsl:param name="doc" as="document-node()"/>
    <xsl:variable name="wits" select="$doc//tei:listWit/tei:witness"/>
    <xsl:sequence select="sum($doc//tei:body/tei:div ! count(tt:draft(., $wits)//tt:n))"/>
  </xsl:function>

  <xsl:function name="tt:sig" as="xs:string">
    <xsl:param name="wit" as="element()"/>
    <xsl:sequence select="string(($wit/@n, $wit/@xml:id)[1])"/>
  </xsl:function>

  <!-- the witness printed at a point: the first not in lacuna there -->
  <xsl:function name="tt:reader" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="out" select="$node/accumulator-before('lacunose')"/>
    <xsl:sequence select="($wits/@xml:id[not(. = $out)])[1] ! string(.)"/>
  </xsl:function>

  <!-- a reading compared with another: no punctuation, every character in its normal form -->
  <xsl:function name="tt:fold" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="string-join(for $c in string-to-codepoints(replace($s, '[\p{P}\p{S}\s]', '')) ! codepoints-to-string(.)
                                      return ($fold-map($c), $c)[1], '')"/>
  </xsl:function>

  <!-- the readings of an app that differ from the printed one in more than punctuation,
       script or variant characters -->
  <xsl:function name="tt:differing" as="element()*">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="r" select="tt:reader($app, $wits)"/>
    <xsl:variable name="base" select="tt:fold(tt:reading-text($app/tei:rdg[tt:cites(., $r)], $r))"/>
    <xsl:sequence select="$app/tei:rdg[not(tt:cites(., $r))][not(@type = ('lac', 'silent'))]
                          [let $w := substring(tokenize(@wit)[1], 2) return tt:fold(tt:reading-text(., $w)) != $base]"/>
  </xsl:function>

  <!-- what becomes of an app in the print: noted (a variant), statement (a witness
       begins, breaks off or comes back), or not noted: closing (a lacuna that ends with
       the text), punctuation (an unpunctuated witness's silence included), script
       (variant characters, or every reading the same but for script and punctuation),
       numbering, elsewhere (the printed witness has no reading in the app) -->
  <xsl:function name="tt:app-class" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:sequence select="
      if ($app/@type = 'lacuna' and empty($app/following::text()[normalize-space()][ancestor::tei:body])) then 'closing'
      else if ($app/@type = 'lacuna') then 'statement'
      else if ($app/@type = 'numbering') then 'numbering'
      else if ($app/@type = 'punctuation' or $app/@subtype = 'punctuation') then 'punctuation'
      else if ($app/@subtype = 'variant-character') then 'script'
      else if (empty($app/tei:rdg[tt:cites(., tt:reader($app, $wits))])) then 'elsewhere'
      else if (exists(tt:differing($app, $wits))) then 'noted'
      else 'script'"/>
  </xsl:function>

  <!-- a statement at the opening of a section (before any of its text) is noted at the
       section's heading, not at the end of its first clause -->
  <xsl:function name="tt:opens-section" as="xs:boolean">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="p" select="$app/parent::tei:p"/>
    <xsl:sequence select="$app/@type = 'lacuna' and exists($p) and empty($p/preceding-sibling::tei:p)
      and (every $n in $app/preceding-sibling::node() satisfies
             ($n/self::tei:app[@type = ('lacuna', 'numbering')] or $n/self::tei:label or ($n/self::text() and normalize-space($n) = '')))"/>
  </xsl:function>

  <!-- ===== pass 1: a paragraph as a flat run of text, name spans and tt:m (an app to
       note), in the printed witness's characters, ASCII punctuation made full-width ===== -->
  <xsl:template match="text()" mode="flat">
    <xsl:value-of select="tt:full-width(.)"/>
  </xsl:template>
  <xsl:template match="tei:app" mode="flat">
    <xsl:param name="wits" tunnel="yes"/>
    <xsl:param name="inside" select="false()" tunnel="yes"/>
    <xsl:variable name="reader" select="tt:reader(., $wits)"/>
    <!-- the number goes to the clause the reading ends: a reading within one clause is
         marked before its text (so that punctuation ending the reading ends its clause),
         one that runs over several clauses after it -->
    <xsl:variable name="printed" select="tt:full-width(tt:reading-text(tei:rdg[tt:cites(., $reader)], $reader))"/>
    <xsl:variable name="within" select="not(matches(replace($printed, $trailing, ''), $clause-end))"/>
    <xsl:if test="not($inside) and $within">
      <xsl:sequence select="tt:marks(., $wits)"/>
    </xsl:if>
    <xsl:apply-templates select="tei:rdg[tt:cites(., $reader)]/node()" mode="flat">
      <xsl:with-param name="reader" select="$reader" tunnel="yes"/>
    </xsl:apply-templates>
    <xsl:if test="not($inside) and not($within)">
      <xsl:sequence select="tt:marks(., $wits) ! tt:after(.)"/>
    </xsl:if>
  </xsl:template>
  <xsl:function name="tt:marks" as="element()*">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="class" select="tt:app-class($app, $wits)"/>
    <xsl:if test="$class = 'noted' or ($class = 'statement' and not(tt:opens-section($app, $wits)))">
      <tt:m app="{$app/@xml:id}" now="{$class = 'statement'}"/>
    </xsl:if>
  </xsl:function>
  <xsl:function name="tt:after" as="element()">
    <xsl:param name="m" as="element()"/>
    <tt:m after="true"><xsl:copy-of select="$m/@*"/></tt:m>
  </xsl:function>
  <xsl:template match="tei:choice" mode="flat">
    <xsl:param name="wits" tunnel="yes"/>
    <xsl:variable name="reader" select="tt:reader(., $wits)"/>
    <xsl:value-of select="(tei:orig[@source = '#' || $reader], tei:reg)[1]"/>
  </xsl:template>
  <xsl:template match="tei:label" mode="flat">
    <span class="label"><xsl:apply-templates mode="flat"><xsl:with-param name="inside" select="true()" tunnel="yes"/></xsl:apply-templates></span>
  </xsl:template>
  <!-- names: 專名線 / 書名線 by their class (print.css); a variant inside a name is noted
       after the name -->
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:roleName | tei:title | tei:date" mode="flat">
    <xsl:param name="wits" tunnel="yes"/>
    <xsl:param name="inside" select="false()" tunnel="yes"/>
    <span class="ent ent-{local-name()}" id="{root(.)/tei:TEI/@xml:id}-{tt:occ-id(.)}"><xsl:apply-templates mode="flat"><xsl:with-param name="inside" select="true()" tunnel="yes"/></xsl:apply-templates></span>
    <xsl:if test="not($inside)">
      <xsl:sequence select=".//tei:app ! tt:marks(., $wits)"/>
    </xsl:if>
  </xsl:template>
  <xsl:template match="*" mode="flat"><xsl:apply-templates mode="flat"/></xsl:template>

  <xsl:function name="tt:full-width" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="translate($s, ',;:!?', '，；：！？')"/>
  </xsl:function>

  <!-- ===== pass 2: the variants of a clause gathered into one note (tt:n), set at the
       clause's end before its punctuation, in a span that keeps the last character, the
       number and the punctuation on one line. $held is what was read last and not yet
       written (the last character of a text with the punctuation after it, or a name),
       so that the number can join it. A variant whose reading itself ends the clause is
       noted there. ===== -->
  <xsl:variable name="trailing" select="'[，。；：！？、」』）]+$'"/>

  <xsl:template name="tt:clauses">
    <xsl:param name="items" as="node()*"/>
    <xsl:iterate select="$items">
      <xsl:param name="pending" as="xs:string*" select="()"/>
      <xsl:param name="held" as="node()*" select="()"/>
      <xsl:on-completion>
        <xsl:choose>
          <xsl:when test="exists($pending)"><xsl:sequence select="tt:note-at($held, $pending, false())"/></xsl:when>
          <xsl:otherwise><xsl:sequence select="$held"/></xsl:otherwise>
        </xsl:choose>
      </xsl:on-completion>
      <xsl:choose>
        <xsl:when test="self::tt:m[@now = 'true' or @after = 'true'] and $held/self::*:span[@class = 'keep'][*:n]">
          <!-- a note just set at the end of a clause: this one joins it -->
          <xsl:apply-templates select="$held" mode="join"><xsl:with-param name="apps" select="string(@app)" tunnel="yes"/></xsl:apply-templates>
          <xsl:next-iteration>
            <xsl:with-param name="pending" select="()"/>
            <xsl:with-param name="held" select="()"/>
          </xsl:next-iteration>
        </xsl:when>
        <xsl:when test="self::tt:m[@now = 'true'] or self::tt:m[@after = 'true'][$held instance of text() and matches($held, '[，。；：！？][」』）]*$')]">
          <!-- held: a note at the same point joins it -->
          <xsl:next-iteration>
            <xsl:with-param name="pending" select="()"/>
            <xsl:with-param name="held" select="tt:note-at($held, ($pending, string(@app)), @now = 'true')"/>
          </xsl:next-iteration>
        </xsl:when>
        <xsl:when test="self::tt:m">
          <xsl:sequence select="$held[self::*:span[@class = 'keep'][*:n]]"/>
          <xsl:next-iteration>
            <xsl:with-param name="pending" select="$pending, string(@app)"/>
            <xsl:with-param name="held" select="$held[not(self::*:span[@class = 'keep'][*:n])]"/>
          </xsl:next-iteration>
        </xsl:when>
        <xsl:when test="self::text() and exists($pending) and matches(., $clause-end)">
          <xsl:variable name="before" select="tokenize(., $clause-end)[1]"/>
          <xsl:variable name="after" select="substring(., string-length($before) + 1)"/>
          <xsl:variable name="marks" select="replace($after, $punct-run || '.*$', '$1', 's')"/>
          <xsl:variable name="rest" select="substring($after, string-length($marks) + 1)"/>
          <xsl:variable name="note" as="element()">
            <xsl:choose>
              <xsl:when test="$before = ''">
                <span class="keep"><xsl:sequence select="$held"/><tt:n apps="{$pending}"/>{$marks}</span>
              </xsl:when>
              <xsl:otherwise>
                <span class="keep">{substring($before, string-length($before))}<tt:n apps="{$pending}"/>{$marks}</span>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <xsl:if test="$before != ''"><xsl:sequence select="$held"/>{substring($before, 1, string-length($before) - 1)}</xsl:if>
          <xsl:variable name="split" select="tt:split-held($rest)"/>
          <!-- with nothing after it in this text, the note is held: a note at this very
               point (a witness breaking off) joins it -->
          <xsl:if test="$rest != ''"><xsl:sequence select="$note"/><xsl:value-of select="$split[1]"/></xsl:if>
          <xsl:next-iteration>
            <xsl:with-param name="pending" select="()"/>
            <xsl:with-param name="held" select="if ($rest != '') then tt:text($split[2]) else $note"/>
          </xsl:next-iteration>
        </xsl:when>
        <xsl:when test="self::text()">
          <xsl:variable name="split" select="tt:split-held(.)"/>
          <xsl:sequence select="$held"/>
          <xsl:value-of select="$split[1]"/>
          <xsl:next-iteration><xsl:with-param name="held" select="tt:text($split[2])"/></xsl:next-iteration>
        </xsl:when>
        <xsl:otherwise>
          <xsl:sequence select="$held"/>
          <xsl:next-iteration><xsl:with-param name="held" select="."/></xsl:next-iteration>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:iterate>
  </xsl:template>

  <xsl:template match="tt:n" mode="join">
    <xsl:param name="apps" tunnel="yes"/>
    <tt:n apps="{@apps} {$apps}"/>
  </xsl:template>
  <xsl:template match="node()" mode="join">
    <xsl:copy><xsl:copy-of select="@*"/><xsl:apply-templates mode="join"/></xsl:copy>
  </xsl:template>

  <!-- a note's number after what was held: before the punctuation that ends it -->
  <!-- (a note at the point where a witness begins or breaks off, $at, may stand within
       a clause) -->
  <xsl:function name="tt:note-at" as="node()*">
    <xsl:param name="held" as="node()*"/>
    <xsl:param name="apps" as="xs:string*"/>
    <xsl:param name="at" as="xs:boolean"/>
    <xsl:variable name="n"><tt:n apps="{$apps}"><xsl:if test="$at"><xsl:attribute name="at">point</xsl:attribute></xsl:if></tt:n></xsl:variable>
    <xsl:choose>
      <xsl:when test="$held instance of text() and matches($held, $trailing)">
        <xsl:variable name="core" select="replace($held, $trailing, '')"/>
        <span class="keep">{$core}<xsl:sequence select="$n"/>{substring($held, string-length($core) + 1)}</span>
      </xsl:when>
      <xsl:otherwise><span class="keep"><xsl:sequence select="$held"/><xsl:sequence select="$n"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- a text as (what can be written now, what is held): the held part is its last
       character that is not punctuation, and the punctuation after it -->
  <xsl:function name="tt:split-held" as="xs:string+">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="core" select="replace($s, $trailing, '')"/>
    <xsl:sequence select="substring($core, 1, string-length($core) - 1), substring($s, max((string-length($core), 1)))"/>
  </xsl:function>

  <xsl:function name="tt:text" as="text()?">
    <xsl:param name="s" as="xs:string"/>
    <xsl:if test="$s != ''"><xsl:value-of select="$s"/></xsl:if>
  </xsl:function>

  <!-- ===== pass 3: notes numbered through the article, each number a link to its note ===== -->
  <xsl:template match="tt:n" mode="number">
    <xsl:param name="notes" tunnel="yes"/>
    <xsl:param name="key" tunnel="yes"/>
    <xsl:variable name="i" select="count($notes[. &lt;&lt; current()]) + 1"/>
    <a class="jk-ref{if (@at) then ' jk-at' else ''}" id="jkr-{$key}-{$i}" href="#jk-{$key}-{$i}">〔{tt:cn($i)}〕</a>
  </xsl:template>
  <xsl:template match="*" mode="number">
    <xsl:element name="{local-name()}">
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="number"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="text()" mode="number"><xsl:copy/></xsl:template>

  <!-- ===== the note: the formula of every app of the clause, joined by ；===== -->
  <xsl:template name="tt:note-text">
    <xsl:param name="apps" as="element()*"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="parts" as="xs:string*">
      <xsl:for-each select="$apps">
        <xsl:sequence select="if (@type = 'lacuna') then tt:statement(., $wits) else tt:formula(., $wits)"/>
      </xsl:for-each>
    </xsl:variable>
    <span>{string-join($parts, '；')}。</span>
  </xsl:template>

  <xsl:function name="tt:label" as="xs:string">
    <xsl:param name="wits" as="element()*"/>
    <xsl:param name="ids" as="xs:string*"/>
    <xsl:sequence select="if (count($wits) = 2) then '別本'
                          else string-join($wits[@xml:id = $ids] ! tt:sig(.), '、') || '本'"/>
  </xsl:function>

  <xsl:function name="tt:formula" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="r" select="tt:reader($app, $wits)"/>
    <xsl:variable name="base" select="tt:quote(tt:reading-text($app/tei:rdg[tt:cites(., $r)], $r))"/>
    <xsl:variable name="rdgs" select="tt:differing($app, $wits)"/>
    <xsl:variable name="others" as="map(*)*" select="for $d in $rdgs return
        let $ids := tokenize($d/@wit) ! substring(., 2) return
        map { 'label': tt:label($wits, $ids), 'text': tt:quote(tt:reading-text($d, $ids[1])) }"/>
    <xsl:sequence select="
      if ($base = '') then
        (let $before := tt:context($app, $r, 'before') return
         (if ($before != '' and not(tt:clause-start($app, $r))) then '「' || $before || '」下，'
          else '「' || tt:context($app, $r, 'after') || '」上，')
         || string-join($others ! (?label || '有「' || ?text || '」'), '，'))
      else if (every $o in $others satisfies $o?text = '') then
        tt:label($wits, $rdgs/@wit ! tokenize(.) ! substring(., 2)) || '無「' || $base || '」'
      else if ($app/@subtype = 'transposition' and string-length($base) = 2) then
        '「' || $base || '」二字，' || string-join($others ! (?label || '互乙'), '，')
      else
        '「' || $base || '」，' || string-join($others ! (if (?text = '') then ?label || '無' else ?label || '作「' || ?text || '」'), '，')"/>
  </xsl:function>

  <!-- a witness begins, breaks off or comes back; where it is the base text's witness,
       the note says which witness is printed from there -->
  <xsl:function name="tt:statement" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="rdg" select="$app/tei:rdg[tei:lacunaStart | tei:lacunaEnd | tei:witStart | tei:witEnd][1]"/>
    <xsl:variable name="ids" select="tokenize($rdg/@wit) ! substring(., 2)"/>
    <xsl:variable name="lab" select="string-join($wits[@xml:id = $ids] ! tt:sig(.), '、') || '本'"/>
    <xsl:variable name="is-base" select="$wits[1]/@xml:id = $ids"/>
    <xsl:variable name="next" select="($wits[not(@xml:id = $ids)][not(@xml:id = $app/accumulator-before('lacunose'))])[1]"/>
    <xsl:sequence select="
      if ($rdg/tei:lacunaStart and $is-base) then '自此以下，底本（' || tt:sig($wits[1]) || '本）錄文闕，據' || tt:sig($next) || '本錄文'
      else if ($rdg/tei:lacunaEnd and $is-base) then '自此以下，底本（' || tt:sig($wits[1]) || '本）錄文復見，仍據底本'
      else if ($rdg/tei:lacunaStart) then $lab || '自此以下闕'
      else if ($rdg/tei:lacunaEnd) then $lab || '自此復見'
      else if ($rdg/tei:witStart) then $lab || '自此始'
      else $lab || '至此止'"/>
  </xsl:function>

  <!-- an app at the start of a clause: what is printed before it ends with punctuation
       (an addition there is noted as 「甲」上, by the words it precedes) -->
  <xsl:function name="tt:clause-start" as="xs:boolean">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wit" as="xs:string"/>
    <xsl:variable name="prev" select="$app/preceding-sibling::node()[not(self::tei:app and tt:reading-text(tei:rdg[tt:cites(., $wit)][1], $wit) = '')][1]"/>
    <xsl:variable name="text" select="if ($prev/self::tei:app) then tt:reading-text($prev/tei:rdg[tt:cites(., $wit)][1], $wit) else string($prev)"/>
    <xsl:sequence select="empty($prev) or $prev/self::tei:label or matches($text, '[，,。；;：:！？!?]\s*$')"/>
  </xsl:function>

  <!-- a reading as quoted in a note: no punctuation at either end, full-width within -->
  <xsl:function name="tt:quote" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="tt:full-width(replace(replace($s, '^[\p{P}\s]+', ''), '[\p{P}\s]+$', ''))"/>
  </xsl:function>

  <!-- the printed text of the clause next to an app, up to four characters, for the
       「甲」下 / 「甲」上 formulae -->
  <xsl:function name="tt:context" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wit" as="xs:string"/>
    <xsl:param name="side" as="xs:string"/>
    <xsl:variable name="nodes" select="if ($side = 'before') then $app/preceding-sibling::node() else $app/following-sibling::node()"/>
    <xsl:variable name="text" select="string-join(for $n in $nodes return
        if ($n/self::tei:app) then tt:reading-text($n/tei:rdg[tt:cites(., $wit)][1], $wit)
        else if ($n/self::tei:choice) then string(($n/tei:orig[@source = '#' || $wit], $n/tei:reg)[1])
        else if ($n/self::tei:label) then ''
        else if ($n/self::text()) then string($n)
        else tt:reading-text($n, $wit), '')"/>
    <xsl:variable name="p" select="'[，,。；;：:、！？!?\s]'"/>
    <xsl:sequence select="tt:full-width(
      if ($side = 'before')
      then (let $t := replace($text, $p || '+$', '') return
            if ($t = '') then '' else replace($t, '^.*?([^，,。；;：:、！？!?\s]{1,4})$', '$1', 's'))
      else (let $t := replace($text, '^' || $p || '+', '') return
            if ($t = '') then '' else replace($t, '^([^，,。；;：:、！？!?\s]{1,4}).*$', '$1', 's')))"/>
  </xsl:function>
</xsl:stylesheet>
