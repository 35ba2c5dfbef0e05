<?xml version="1.0" encoding="UTF-8"?>
<!-- print-text: each source in full, quietly: names set in a distinct tone, dates with
     their ISO value in the margin notes, editorial interventions in brackets. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tt:print-text">
    <xsl:variable name="tei" select="tei:TEI"/>
    <section class="part text" id="text-{$tei/@xml:id}" lang="{$tei/@xml:lang}">
      <h1 class="chapter">{tt:title(.)}</h1>
      <p class="source-meta" lang="en">
        <xsl:if test="tt:siglum(.)">Witness {tt:siglum(.)}. </xsl:if>
        {$tei//tei:sourceDesc/tei:bibl[1]/tei:extent}.
        Source: {$tei//tei:sourceDesc/tei:bibl[1]/tei:ref[1]}. {$tei//tei:publicationStmt/tei:availability/tei:licence[1]}
      </p>
      <!-- the source's own header lines (parties, dates, collection, notes; its title is the
           chapter's), as the site shows them -->
      <xsl:variable name="hdr" select="$tei/tei:text/tei:front//tei:ab[not(@type = ('title', 'category-line'))]"/>
      <xsl:if test="$hdr">
        <div class="source-note"><p class="note-label" lang="en">Header of the source</p>
          <xsl:for-each select="$hdr"><p><xsl:apply-templates mode="print"/></p></xsl:for-each></div>
      </xsl:if>
      <xsl:apply-templates select="$tei/tei:text/tei:body/node()" mode="print"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:div" mode="print">
    <section class="div div-{@type}">
      <xsl:if test="@type = ('article', 'preamble')">
        <xsl:variable name="t" select="if (starts-with(tt:lang(.), 'zh-Hans')) then '条' else '條'"/>
        <xsl:variable name="zh" select="if (@type = 'preamble') then '序' else (if (@n castable as xs:integer) then '第' || tt:cn(xs:integer(@n)) || $t else string(@n))"/>
        <xsl:variable name="en" select="if (@type = 'preamble') then 'Preamble' else 'Article ' || @n"/>
        <h2 data-bm="{$zh} · {$en}" data-run="{$zh}"><span lang="{tt:lang(.)}">{$zh}</span> <span class="h-en" lang="en">{$en}</span></h2>
      </xsl:if>
      <xsl:apply-templates mode="print"/>
    </section>
  </xsl:template>
  <xsl:template match="tei:head" mode="print">
    <xsl:element name="h{count(ancestor::tei:div) + 1}"><xsl:apply-templates mode="print"/></xsl:element>
  </xsl:template>
  <xsl:template match="tei:p" mode="print">
    <!-- a paragraph of nothing but a wiki template the dump left ({{-}}) is not printed -->
    <xsl:if test="not(tt:template-only(.))"><p><xsl:apply-templates mode="print"/></p></xsl:if>
  </xsl:template>
  <xsl:template match="tei:label" mode="print"><span class="label"><xsl:apply-templates mode="print"/></span></xsl:template>
  <xsl:template match="tei:hi[@rend = 'bold']" mode="print"><b><xsl:apply-templates mode="print"/></b></xsl:template>
  <xsl:template match="tei:hi[@rend = 'italic']" mode="print"><i><xsl:apply-templates mode="print"/></i></xsl:template>
  <xsl:template match="tei:seg[@xml:lang] | tei:ref[@xml:lang]" mode="print">
    <span lang="{@xml:lang}"><xsl:apply-templates mode="print"/></span>
  </xsl:template>
  <xsl:template match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:roleName[@ref] | tei:title[@ref]" mode="print">
    <span class="ent ent-{local-name()}" id="{root(.)/tei:TEI/@xml:id}-{tt:occ-id(.)}"><xsl:apply-templates mode="print"/></span>
  </xsl:template>
  <xsl:template match="tei:date[@when or @notBefore]" mode="print">
    <span class="ent ent-date" id="{root(.)/tei:TEI/@xml:id}-{tt:occ-id(.)}"><xsl:apply-templates mode="print"/></span>
  </xsl:template>
  <xsl:template match="tei:gap[@reason = 'untranscribed']" mode="print">
    <span class="gap" lang="en">〔the transcription of this witness stops here; the text goes on〕</span>
  </xsl:template>
  <xsl:template match="tei:gap" mode="print">
    <span class="gap" lang="en">〔{replace(@reason, '-', ' ')}〕</span>
  </xsl:template>
  <xsl:template match="tei:note[@type = 'revision']" mode="print">
    <p class="ed-note" lang="en">{.}</p>
  </xsl:template>
  <xsl:template match="tei:note" mode="print">
    <span class="ed-note-inline">〔按：<xsl:apply-templates mode="print"/>〕</span>
  </xsl:template>
  <xsl:template match="tei:list" mode="print">
    <ul><xsl:for-each select="tei:item"><li><xsl:apply-templates mode="print"/></li></xsl:for-each></ul>
  </xsl:template>
  <xsl:template match="tei:table" mode="print">
    <table><xsl:for-each select="tei:row"><tr><xsl:for-each select="tei:cell"><td>
      <!-- a short cell (a label, a name, a span of years) keeps to one line -->
      <xsl:if test="string-length(normalize-space(.)) le 12"><xsl:attribute name="class">short</xsl:attribute></xsl:if>
      <xsl:apply-templates mode="print"/></td></xsl:for-each></tr></xsl:for-each></table>
  </xsl:template>
  <xsl:template match="tei:div[@type = 'notes']" mode="print">
    <ol class="footnotes"><xsl:for-each select="tei:note"><li><xsl:apply-templates select="if (tei:p) then tei:p/node() else node()" mode="print"/></li></xsl:for-each></ol>
  </xsl:template>
  <xsl:template match="tei:choice" mode="print"><xsl:apply-templates select="tei:reg" mode="print"/></xsl:template>
  <xsl:template match="tei:fw" mode="print"/>
  <xsl:template match="tei:lb" mode="print"><br/></xsl:template>
  <xsl:template match="tei:code" mode="print"><code>{.}</code></xsl:template>
  <xsl:template match="tei:ab" mode="print"><p class="ab ab-{@type}"><xsl:apply-templates mode="print"/></p></xsl:template>
  <xsl:template match="tei:figure" mode="print"><span class="figure">[{tokenize(tei:graphic/@url, '[/:]')[last()]}<xsl:if test="tei:head"><xsl:text> …</xsl:text><xsl:apply-templates select="tei:head/node()" mode="print"/></xsl:if>]</span></xsl:template>
  <!-- a wiki template the dump's conversion left ({{-}}): markup, not printed -->
  <xsl:template match="tei:seg[@type = 'template']" mode="print"/>
  <xsl:template match="*" mode="print"><xsl:apply-templates mode="print"/></xsl:template>

  <!-- ASCII , ; : ! ? after a Chinese character are printed full-width (，；：！？), as a
       Chinese edition prints them (the 凡例 says so; the TEI keeps the source's marks) -->
  <xsl:template match="text()[starts-with(tt:lang(..), 'zh')]" mode="print">
    <xsl:variable name="before" select="string((preceding::text()[1])[ancestor::tei:text])"/>
    <xsl:variable name="last" select="substring($before, string-length($before))"/>
    <xsl:value-of select="substring(tt:cjk-punctuation($last || .), string-length($last) + 1)"/>
  </xsl:template>

  <xsl:function name="tt:cjk-punctuation" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <!-- the CJK Unified Ideographs, CJK Symbols and Punctuation and Extension A blocks as
         ranges (Unicode's Blocks.txt): a \p{Is…} block makes SaxonC print a line per block it loads -->
    <xsl:variable name="han" select="'([&#x4E00;-&#x9FFF;&#x3000;-&#x303F;&#x3400;-&#x4DBF;])'"/>
    <xsl:sequence select="replace(replace(replace(replace(replace($s,
        $han || ',', '$1，'), $han || ';', '$1；'), $han || ':', '$1：'), $han || '!', '$1！'), $han || '\?', '$1？')"/>
  </xsl:function>
</xsl:stylesheet>
