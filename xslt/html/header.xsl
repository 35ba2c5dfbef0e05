<?xml version="1.0" encoding="UTF-8"?>
<!-- header: the index page, built from the TEI headers: what each source is, where
     it comes from, its licence, how to cite it, and the TEI files to download. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tt:index-page">
    <xsl:call-template name="tt:shell">
      <xsl:with-param name="title" select="tt:ui('sources-title')"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:index-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = 'index']" mode="tt:content">
        <h1>{tt:ui('index-h1')}</h1>
        <p class="lede">{tt:ui('index-lede-1')}
          <span lang="zh-Hant">恰克圖界約</span> {tt:ui('index-lede-2')}
          <span lang="zh-Hans">喀尔喀会议通商定约</span> {tt:ui('index-lede-3')}</p>
        <h2>{tt:ui('the-sources')}</h2>
        <xsl:for-each select="tt:docs-by-siglum()">
          <xsl:apply-templates select="tei:TEI/tei:teiHeader" mode="source-card"/>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <section class="source-card">
            <xsl:if test="position() = 1"><xsl:attribute name="id" select="'collations'"/></xsl:if>
            <h3><a href="{tt:collation-file(.)}">{tt:ui('collated-title')}</a></h3>
            <p>{normalize-space(//tei:titleStmt/tei:title[@type = 'sub'])}: witnesses
              <xsl:for-each select="//tei:listWit/tei:witness">
                <xsl:if test="position() gt 1">, </xsl:if>
                <b>{@xml:id}</b> (<span lang="{@xml:lang}">{tei:bibl/tei:title}</span>)
              </xsl:for-each>.
              {tt:ui('collated-card')}</p>
          </section>
        </xsl:for-each>
        <h2 id="cite">{tt:ui('how-to-cite')}</h2>
        <p>{tt:ui('cite-intro')}{if ($base-url = '') then tt:ui('cite-relative') else ''}:</p>
        <xsl:for-each select="tt:docs-by-siglum()">
          <xsl:call-template name="tt:citation"/>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <p class="citation">{tt:ui('collated-cite', string-join(.//tei:listWit/tei:witness ! string((@n, @xml:id)[1]), ', '))}
            {tt:ui('cite-in')} <i>{tt:ui('edition-name')}</i>, {tt:ui('release', tt:release(.))}
            <code class="url">{tt:cite-url(tt:collation-file(.))}</code></p>
        </xsl:for-each>
        <xsl:if test="$has-print = 'yes'">
        <h2 id="print">{tt:ui('print-edition')}</h2>
        <p><a href="{$up}treatytei-edition.pdf">treatytei-edition.pdf</a>{tt:ui('print-desc')}</p>
        </xsl:if>
        <h2 id="downloads">{tt:ui('tei-files')}</h2>
        <p>{tt:ui('tei-intro')}</p>
        <ul class="downloads">
          <xsl:for-each select="tt:text-docs(), tt:app-docs(), $register">
            <xsl:variable name="file" select="tokenize(base-uri(.), '/')[last()]"/>
            <li><a href="{$up}tei/{$file}" download="">{$file}</a> — <span lang="{tt:lang(tei:TEI)}">{tt:title(.)}</span></li>
          </xsl:for-each>
        </ul>
        <p id="dts">{tt:ui('dts-intro')} <a href="{$up}dts/index.json"><code>dts/index.json</code></a>.</p>
  </xsl:template>

  <!-- the citation of a text: title, witness, edition, release, address, and an article's
       address by its real anchor -->
  <xsl:template name="tt:citation">
    <xsl:variable name="sig" select="tt:siglum(.)"/>
    <xsl:variable name="first" select="(.//tei:body//tei:div[@type = 'article'], .//tei:body//tei:div[@type = ('section', 'preamble')])[1]"/>
    <p class="citation"><span lang="{tt:lang(tei:TEI)}">{tt:title(.)}</span><xsl:if test="$sig"> {tt:ui('witness-of', $sig)}</xsl:if>.
      {tt:ui('cite-in')} <i>{tt:ui('edition-name')}</i>, {tt:ui('release', tt:release(.))}
      <code class="url">{tt:cite-url(tt:doc-page(.))}</code><xsl:if test="$first">; {tt:place-label($first)}:
      <code class="url">{tt:cite-url(tt:doc-page(.))}#{tt:anchor($first)}</code></xsl:if></p>
  </xsl:template>

  <xsl:template match="tei:teiHeader" mode="source-card">
    <xsl:variable name="bibl" select="tei:fileDesc/tei:sourceDesc/tei:bibl[1]"/>
    <xsl:variable name="sig" select="tt:siglum(.)"/>
    <section class="source-card">
      <h3>
        <a href="{tt:doc-page(.)}" lang="{tt:lang(tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'])}">{tei:fileDesc/tei:titleStmt/tei:title[@type = 'main']}</a>
        <xsl:if test="$sig"> <span class="siglum">{tt:ui('witness-badge', $sig)}</span></xsl:if>
      </h3>
      <dl class="meta">
        <xsl:if test="$bibl/tei:date">
          <dt>{tt:ui('f-date')}</dt><dd><span lang="{tt:lang($bibl/tei:date)}">{$bibl/tei:date}</span> (<time datetime="{$bibl/tei:date/@when}">{$bibl/tei:date/@when}</time>)</dd>
        </xsl:if>
        <xsl:if test="$bibl/tei:note[@type = 'parties']">
          <dt>{tt:ui('f-parties')}</dt><dd lang="{tt:lang($bibl/tei:note[@type = 'parties'])}">{$bibl/tei:note[@type = 'parties']}</dd>
        </xsl:if>
        <xsl:if test="$bibl/tei:note[@type = 'category']">
          <dt>{tt:ui('f-category')}</dt><dd><span lang="{tt:lang($bibl/tei:note[@type = 'category'])}">{$bibl/tei:note[@type = 'category']}</span>, <span lang="{tt:lang($bibl/tei:note[@type = 'period'])}">{$bibl/tei:note[@type = 'period']}</span></dd>
        </xsl:if>
        <xsl:for-each select="$bibl/tei:relatedItem[@type = 'collection']">
          <dt>{tt:ui('f-collection')}</dt><dd lang="{tt:lang(.)}">{string-join(tei:bibl/(text() | tei:title), '')}<xsl:for-each select=".//tei:note"> <span class="ed-note" lang="en">({.})</span></xsl:for-each></dd>
        </xsl:for-each>
        <dt>{tt:ui('f-source')}</dt>
        <dd><xsl:for-each select="$bibl/tei:ref">
          <xsl:variable name="href" select="tt:safe-href(@target)"/>
          <xsl:choose>
            <xsl:when test="$href"><a href="{$href}">{.}</a></xsl:when>
            <xsl:otherwise><span class="inert">{.}</span></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each></dd>
        <xsl:for-each select="$bibl/tei:note[@type = 'provenance']">
          <dt>{tt:ui('f-provenance')}</dt><dd lang="{tt:lang(.)}"><xsl:apply-templates mode="plain"/></dd>
        </xsl:for-each>
        <dt>{tt:ui('f-extent')}</dt><dd>{$bibl/tei:extent}</dd>
        <dt>{tt:ui('f-licence')}</dt><dd>{string-join((tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence, $bibl/tei:availability/tei:licence), ' ')}</dd>
        <xsl:for-each select="tei:fileDesc/tei:notesStmt/tei:note[@type = 'manifest']">
          <dt>{tt:ui('f-about')}</dt><dd>{.}</dd>
        </xsl:for-each>
        <xsl:if test="tei:profileDesc/tei:textClass/tei:keywords">
          <dt>{tt:ui('f-categories')}</dt>
          <dd class="keywords"><xsl:for-each select="tei:profileDesc/tei:textClass/tei:keywords/tei:term">
            <xsl:if test="position() gt 1"> · </xsl:if><span lang="{tt:lang(.)}">{.}</span>
          </xsl:for-each></dd>
        </xsl:if>
        <dt>{tt:ui('f-encoding')}</dt><dd>{string-join(tei:fileDesc/tei:titleStmt/tei:respStmt/(tei:resp || ': ' || tei:name), '; ')}</dd>
      </dl>
    </section>
  </xsl:template>

  <!-- text of header notes: links made safe, everything else as text -->
  <xsl:template match="tei:ref" mode="plain">
    <xsl:variable name="href" select="tt:safe-href(@target)"/>
    <xsl:choose>
      <xsl:when test="$href"><a href="{$href}"><xsl:apply-templates mode="plain"/></a></xsl:when>
      <xsl:otherwise><span class="inert"><xsl:apply-templates mode="plain"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
