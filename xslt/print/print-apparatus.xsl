<?xml version="1.0" encoding="UTF-8"?>
<!-- print-apparatus: the collated treaty as a Chinese critical edition prints it. The
     base text (底本) is the first witness (A, the received text) wherever it is extant,
     the next witness where it is in lacuna; a collation number 〔一〕〔二〕… stands at the
     end of the clause holding the variant, and the collation notes (校勘記) follow each
     article, in the standard formulae: 「甲」，別本作「乙」 / 別本無「甲」 /
     「甲」下，別本有「乙」 / 「甲乙」二字，別本互乙. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../html/apparatus.xsl"/>

  <!-- a collation number goes at the end of the clause holding the variant: the next
       mark of punctuation (the sources punctuate clause by clause, partly with ASCII marks) -->
  <xsl:variable name="sentence-end" select="'[。；;!?！？，,]'"/>

  <xsl:template name="tt:print-collation">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:variable name="wits" select=".//tei:listWit/tei:witness"/>
    <!-- the witnesses without punctuation: their silence is recorded as rdg type="silent" -->
    <xsl:variable name="unpunctuated" select="distinct-values(.//tei:rdg[@type = 'silent']/@wit ! tokenize(.) ! substring(., 2))"/>
    <section class="part collation" id="collation-{$n}" lang="zh-Hant">
      <h1 class="chapter" lang="en">The collated treaty</h1>
      <div class="collation-intro" lang="en">
        <p>Base text (底本): witness <b>{($wits[1]/@n, $wits[1]/@xml:id)[1]}</b>, <span lang="{$wits[1]/@xml:lang}">{$wits[1]/tei:bibl/tei:title}</span>;
          collated with (校本) <xsl:for-each select="$wits[position() gt 1]"><xsl:if test="position() gt 1">, </xsl:if>witness <b>{(@n, @xml:id)[1]}</b>, <span lang="{@xml:lang}">{tei:bibl/tei:title}</span></xsl:for-each>.
          Where the base text breaks off, the next witness is printed and a note says so. Every difference other than
          of script is noted after its article, variant characters (異體字) and punctuation included; in the notes
          <span lang="zh-Hant">{tt:wit-label($wits, ($wits[2]/@n, $wits[2]/@xml:id)[1])}</span> is witness {($wits[2]/@n, $wits[2]/@xml:id)[1]}.
          The article numerals of the witnesses differ throughout (A: 一、二、三、; B: 一、 before every article) and are not noted.</p>
      </div>
      <xsl:for-each select=".//tei:body/tei:div">
        <xsl:variable name="div" select="."/>
        <xsl:variable name="noted" select=".//tei:app[tt:noted(., $wits)]"/>
        <section class="div cdiv">
          <h2><span lang="zh-Hant">{if (@type = 'preamble') then '序' else '第' || tt:cn(xs:integer(@n)) || '條'}</span>
            <span class="h-en" lang="en">{if (@type = 'preamble') then 'Preamble' else 'Article ' || @n}</span></h2>
          <xsl:for-each select="tei:note[@type = 'revision']"><p class="ed-note" lang="en">{.}</p></xsl:for-each>
          <xsl:for-each select="tei:p">
            <xsl:variable name="r" select="tt:reader(., $wits)"/>
            <p lang="{$wits[@xml:id = $r]/@xml:lang}">
              <xsl:iterate select="node()">
                <xsl:param name="pending" as="xs:integer*" select="()"/>
                <xsl:on-completion><xsl:sequence select="tt:markers($pending)"/></xsl:on-completion>
                <xsl:variable name="reader" select="tt:reader(., $wits)"/>
                <xsl:choose>
                  <xsl:when test="self::text() and exists($pending) and matches(., $sentence-end)">
                    <xsl:variable name="head" select="replace(., '^([^。；;!?！？，,]*[。；;!?！？，,]).*$', '$1', 's')"/>
                    <xsl:value-of select="$head"/>
                    <xsl:sequence select="tt:markers($pending)"/>
                    <xsl:value-of select="substring(., string-length($head) + 1)"/>
                    <xsl:next-iteration><xsl:with-param name="pending" select="()"/></xsl:next-iteration>
                  </xsl:when>
                  <xsl:when test="self::text()"><xsl:value-of select="."/></xsl:when>
                  <xsl:when test="self::tei:app">
                    <xsl:apply-templates select="tei:rdg[tt:cites(., $reader)]/node()" mode="base">
                      <xsl:with-param name="reader" select="$reader" tunnel="yes"/>
                    </xsl:apply-templates>
                    <xsl:if test="tt:noted(., $wits)">
                      <xsl:next-iteration>
                        <xsl:with-param name="pending" select="$pending, count($noted[. &lt;&lt; current()]) + 1"/>
                      </xsl:next-iteration>
                    </xsl:if>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:apply-templates select="." mode="base">
                      <xsl:with-param name="reader" select="$reader" tunnel="yes"/>
                    </xsl:apply-templates>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:iterate>
            </p>
          </xsl:for-each>
          <xsl:if test="$noted">
            <div class="jiaokan" lang="zh-Hant">
              <p class="jk-head">校勘記</p>
              <ol>
                <xsl:for-each select="$noted">
                  <li><span class="jk-no">〔{tt:cn(position())}〕</span><xsl:apply-templates select="." mode="jiaokan"><xsl:with-param name="wits" select="$wits"/><xsl:with-param name="unpunctuated" select="$unpunctuated"/></xsl:apply-templates></li>
                </xsl:for-each>
              </ol>
            </div>
          </xsl:if>
        </section>
      </xsl:for-each>
    </section>
  </xsl:template>

  <!-- the witness printed at a point: the first not in lacuna there -->
  <xsl:function name="tt:reader" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="out" select="$node/accumulator-before('lacunose')"/>
    <xsl:sequence select="($wits/@xml:id[not(. = $out)])[1] ! string(.)"/>
  </xsl:function>

  <!-- an app that gets a collation note: a variant where the printed witness reads,
       and the point where the base witness breaks off -->
  <xsl:function name="tt:noted" as="xs:boolean">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:sequence select="
      ($app/@type = ('orthographic', 'substantive') and exists($app/tei:rdg[tt:cites(., tt:reader($app, $wits))]))
      or ($app/@type = 'lacuna' and exists($app/tei:rdg[tt:cites(., string($wits[1]/@xml:id))]/tei:lacunaStart))"/>
  </xsl:function>

  <xsl:function name="tt:markers" as="element()*">
    <xsl:param name="nos" as="xs:integer*"/>
    <xsl:for-each select="$nos"><sup class="jk-ref">〔{tt:cn(.)}〕</sup></xsl:for-each>
  </xsl:function>

  <xsl:function name="tt:wit-label" as="xs:string">
    <xsl:param name="wits" as="element()*"/>
    <xsl:param name="sigla" as="xs:string*"/>
    <xsl:sequence select="if (count($wits) = 2) then '別本' else string-join($sigla, '、') || '本'"/>
  </xsl:function>

  <!-- the base text's own characters -->
  <xsl:template match="tei:choice" mode="base">
    <xsl:param name="reader" tunnel="yes"/>
    <xsl:value-of select="(tei:orig[@source = '#' || $reader], tei:reg)[1]"/>
  </xsl:template>
  <xsl:template match="tei:label" mode="base"><span class="label"><xsl:apply-templates mode="base"/></span></xsl:template>
  <xsl:template match="tei:app" mode="base">
    <xsl:param name="reader" tunnel="yes"/>
    <xsl:apply-templates select="tei:rdg[tt:cites(., $reader)]/node()" mode="base"/>
  </xsl:template>
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:roleName | tei:title | tei:date" mode="base">
    <span class="ent ent-{local-name()}"><xsl:apply-templates mode="base"/></span>
  </xsl:template>
  <xsl:template match="*" mode="base"><xsl:apply-templates mode="base"/></xsl:template>

  <!-- the note of one variant -->
  <xsl:template match="tei:app[@type = 'lacuna']" mode="jiaokan">
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="w" select="substring(tei:rdg[tei:lacunaStart]/@wit, 2)"/>
    <xsl:variable name="others" select="$wits[@xml:id != $w] ! string((@n, @xml:id)[1])"/>
    <xsl:text>自此以下，底本（{($wits[@xml:id = $w]/@n, $w)[1]}）錄文闕，據{tt:wit-label($wits, $others)}錄文。</xsl:text>
  </xsl:template>

  <xsl:template match="tei:app" mode="jiaokan">
    <xsl:param name="wits" as="element()*"/>
    <xsl:param name="unpunctuated" as="xs:string*"/>
    <xsl:variable name="r" select="tt:reader(., $wits)"/>
    <xsl:variable name="base" select="tt:reading-text(tei:rdg[tt:cites(., $r)], $r)"/>
    <xsl:variable name="app" select="."/>
    <!-- a witness without punctuation is not noted where its reading is the base's
         without punctuation -->
    <xsl:for-each select="tei:rdg[not(tt:cites(., $r))][not(@type = ('lac', 'silent'))]">
      <xsl:variable name="rdg" select="."/>
      <xsl:variable name="sig" select="(tokenize(@wit) ! substring(., 2))[not(. = $unpunctuated and
          replace(tt:reading-text($rdg, .), '\p{P}', '') = replace($base, '\p{P}', ''))]"/>
      <xsl:if test="exists($sig)">
      <xsl:variable name="lab" select="tt:wit-label($wits, for $s in $sig return string(($wits[@xml:id = $s]/@n, $s)[1]))"/>
      <xsl:variable name="other" select="tt:reading-text(., $sig[1])"/>
      <span lang="{(@xml:lang, 'zh-Hans')[1]}">
        <xsl:choose>
          <xsl:when test="$other = ''">{$lab}無「{$base}」。</xsl:when>
          <xsl:when test="$base = ''">
            <xsl:variable name="before" select="tt:context($app, $r, 'before')"/>
            <xsl:choose>
              <xsl:when test="$before != ''">「{$before}」下，{$lab}有「{$other}」。</xsl:when>
              <xsl:otherwise>「{tt:context($app, $r, 'after')}」上，{$lab}有「{$other}」。</xsl:otherwise>
            </xsl:choose>
          </xsl:when>
          <xsl:when test="$app/@subtype = 'transposition' and string-length($base) = 2">「{$base}」二字，{$lab}互乙。</xsl:when>
          <xsl:otherwise>「{$base}」，{$lab}作「{$other}」。</xsl:otherwise>
        </xsl:choose>
      </span>
      </xsl:if>
    </xsl:for-each>
    <!-- an editor's note on the variant: 按 (the editor's remark), as Chinese editions print it -->
    <xsl:for-each select="tei:note">
      <span class="jk-an">按：<xsl:apply-templates mode="print"/></span>
    </xsl:for-each>
  </xsl:template>

  <xsl:function name="tt:reading-text" as="xs:string">
    <xsl:param name="rdg" as="element()?"/>
    <xsl:param name="wit" as="xs:string?"/>
    <xsl:sequence select="string-join($rdg//text()[not(ancestor::tei:orig[not(@source = '#' || $wit)])][not(parent::tei:reg[../tei:orig[@source = '#' || $wit]])], '')"/>
  </xsl:function>

  <!-- up to four characters of the printed text next to an app, for the 「甲」下 formula -->
  <xsl:function name="tt:context" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:param name="wit" as="xs:string"/>
    <xsl:param name="side" as="xs:string"/>
    <xsl:variable name="nodes" select="if ($side = 'before') then $app/preceding-sibling::node() else $app/following-sibling::node()"/>
    <xsl:variable name="text" select="string-join(for $n in $nodes return
        if ($n/self::tei:app) then tt:reading-text($n/tei:rdg[tt:cites(., $wit)][1], $wit)
        else if ($n/self::tei:choice) then string(($n/tei:orig[@source = '#' || $wit], $n/tei:reg)[1])
        else if ($n/self::tei:label) then ''
        else string($n), '')"/>
    <xsl:variable name="p" select="'[，,。；;：:、！？!?\s]'"/>
    <xsl:sequence select="
      if ($side = 'before')
      then (let $t := replace($text, $p || '+$', '') return
            if ($t = '') then '' else replace($t, '^.*?([^，,。；;：:、！？!?\s]{1,4})$', '$1', 's'))
      else (let $t := replace($text, '^' || $p || '+', '') return
            if ($t = '') then '' else replace($t, '^([^，,。；;：:、！？!?\s]{1,4}).*$', '$1', 's'))"/>
  </xsl:function>
</xsl:stylesheet>
