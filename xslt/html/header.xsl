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
      <xsl:with-param name="title" select="'Sources'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:index-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = 'index']" mode="tt:content">
        <h1>Qing–Russian treaty texts: a TEI edition</h1>
        <p class="lede">Two Chinese texts of the 1727 Treaty of Kyakhta — the received text
          <span lang="zh-Hant">恰克圖界約</span> (witness A) and the variant text
          <span lang="zh-Hans">喀尔喀会议通商定约</span> (witness B) — with their collation, and the
          Chinese Wikipedia article on the 1864 Protocol of Chuguchak. Names of persons, places,
          organisations, offices and treaties are linked to a shared register; dates are given in
          the proleptic Gregorian calendar beside the calendar the source uses.</p>
        <h2>The sources</h2>
        <xsl:for-each select="tt:docs-by-siglum()">
          <xsl:apply-templates select="tei:TEI/tei:teiHeader" mode="source-card"/>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <section class="source-card">
            <xsl:if test="position() = 1"><xsl:attribute name="id" select="'collations'"/></xsl:if>
            <h3><a href="{tt:collation-file(.)}">The collated treaty</a></h3>
            <p>{normalize-space(//tei:titleStmt/tei:title[@type = 'sub'])}: witnesses
              <xsl:for-each select="//tei:listWit/tei:witness">
                <xsl:if test="position() gt 1">, </xsl:if>
                <b>{@xml:id}</b> (<span lang="{@xml:lang}">{tei:bibl/tei:title}</span>)
              </xsl:for-each>.
              Read either witness, or both side by side, with every variant marked.</p>
          </section>
        </xsl:for-each>
        <h2 id="cite">How to cite</h2>
        <p>Cite a text by its title (and witness), the edition and the date of this release, and its
          address; an article or section by the address with its anchor; a variant of the collated
          treaty by the address its readings open at (each variant's box gives it). Addresses are of
          the sources' own characters{if ($base-url = '') then ', relative to the address this edition is published at' else ''}:</p>
        <xsl:for-each select="tt:docs-by-siglum()">
          <xsl:call-template name="tt:citation"/>
        </xsl:for-each>
        <xsl:for-each select="tt:app-docs()">
          <p class="citation">The collated treaty ({string-join(.//tei:listWit/tei:witness ! string((@n, @xml:id)[1]), ', ')}).
            In: <i>Qing–Russian Treaty Texts: a TEI Edition</i>, treatytei project, release {tt:release(.)}.
            <code class="url">{tt:cite-url(tt:collation-file(.))}</code></p>
        </xsl:for-each>
        <xsl:if test="$has-print = 'yes'">
        <h2 id="print">Print edition</h2>
        <p><a href="{$up}treatytei-edition.pdf">treatytei-edition.pdf</a>: every text, the collated treaty with its
          collation notes (校勘記) after each article, the 凡例 and the registers, with page numbers (A4; PDF/A-3a,
          the TEI files attached).</p>
        </xsl:if>
        <h2 id="downloads">TEI files</h2>
        <p>The master files of the edition, TEI P5 XML, valid against the project's schema and TEI All:</p>
        <ul class="downloads">
          <xsl:for-each select="tt:text-docs(), tt:app-docs(), $register">
            <xsl:variable name="file" select="tokenize(base-uri(.), '/')[last()]"/>
            <li><a href="{$up}tei/{$file}" download="">{$file}</a> — <span lang="{tt:lang(tei:TEI)}">{tt:title(.)}</span></li>
          </xsl:for-each>
        </ul>
  </xsl:template>

  <!-- the citation of a text: title, witness, edition, release, address, and an article's
       address by its real anchor -->
  <xsl:template name="tt:citation">
    <xsl:variable name="sig" select="tt:siglum(.)"/>
    <xsl:variable name="first" select="(.//tei:body//tei:div[@type = 'article'], .//tei:body//tei:div[@type = ('section', 'preamble')])[1]"/>
    <p class="citation"><span lang="{tt:lang(tei:TEI)}">{tt:title(.)}</span><xsl:if test="$sig"> (witness {$sig})</xsl:if>.
      In: <i>Qing–Russian Treaty Texts: a TEI Edition</i>, treatytei project, release {tt:release(.)}.
      <code class="url">{tt:cite-url(tt:doc-page(.))}</code><xsl:if test="$first">; {tt:place-label($first)}:
      <code class="url">{tt:cite-url(tt:doc-page(.))}#{tt:anchor($first)}</code></xsl:if></p>
  </xsl:template>

  <xsl:template match="tei:teiHeader" mode="source-card">
    <xsl:variable name="bibl" select="tei:fileDesc/tei:sourceDesc/tei:bibl[1]"/>
    <xsl:variable name="sig" select="tt:siglum(.)"/>
    <section class="source-card">
      <h3>
        <a href="{tt:doc-page(.)}" lang="{tt:lang(tei:fileDesc/tei:titleStmt/tei:title[@type = 'main'])}">{tei:fileDesc/tei:titleStmt/tei:title[@type = 'main']}</a>
        <xsl:if test="$sig"> <span class="siglum">witness {$sig}</span></xsl:if>
      </h3>
      <dl class="meta">
        <xsl:if test="$bibl/tei:date">
          <dt>Date</dt><dd><span lang="{tt:lang($bibl/tei:date)}">{$bibl/tei:date}</span> (<time datetime="{$bibl/tei:date/@when}">{$bibl/tei:date/@when}</time>)</dd>
        </xsl:if>
        <xsl:if test="$bibl/tei:note[@type = 'parties']">
          <dt>Parties</dt><dd lang="{tt:lang($bibl/tei:note[@type = 'parties'])}">{$bibl/tei:note[@type = 'parties']}</dd>
        </xsl:if>
        <xsl:if test="$bibl/tei:note[@type = 'category']">
          <dt>Category</dt><dd><span lang="{tt:lang($bibl/tei:note[@type = 'category'])}">{$bibl/tei:note[@type = 'category']}</span>, <span lang="{tt:lang($bibl/tei:note[@type = 'period'])}">{$bibl/tei:note[@type = 'period']}</span></dd>
        </xsl:if>
        <xsl:for-each select="$bibl/tei:relatedItem[@type = 'collection']">
          <dt>Collection</dt><dd lang="{tt:lang(.)}">{string-join(tei:bibl/(text() | tei:title), '')}<xsl:for-each select=".//tei:note"> <span class="ed-note" lang="en">({.})</span></xsl:for-each></dd>
        </xsl:for-each>
        <dt>Source</dt>
        <dd><xsl:for-each select="$bibl/tei:ref">
          <xsl:variable name="href" select="tt:safe-href(@target)"/>
          <xsl:choose>
            <xsl:when test="$href"><a href="{$href}">{.}</a></xsl:when>
            <xsl:otherwise><span class="inert">{.}</span></xsl:otherwise>
          </xsl:choose>
        </xsl:for-each></dd>
        <xsl:for-each select="$bibl/tei:note[@type = 'provenance']">
          <dt>Provenance</dt><dd lang="{tt:lang(.)}"><xsl:apply-templates mode="plain"/></dd>
        </xsl:for-each>
        <dt>Extent</dt><dd>{$bibl/tei:extent}</dd>
        <dt>Licence</dt><dd>{string-join((tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence, $bibl/tei:availability/tei:licence), ' ')}</dd>
        <xsl:for-each select="tei:fileDesc/tei:notesStmt/tei:note[@type = 'manifest']">
          <dt>About</dt><dd>{.}</dd>
        </xsl:for-each>
        <xsl:if test="tei:profileDesc/tei:textClass/tei:keywords">
          <dt>Categories</dt>
          <dd class="keywords"><xsl:for-each select="tei:profileDesc/tei:textClass/tei:keywords/tei:term">
            <xsl:if test="position() gt 1"> · </xsl:if><span lang="{tt:lang(.)}">{.}</span>
          </xsl:for-each></dd>
        </xsl:if>
        <dt>Encoding</dt><dd>{string-join(tei:fileDesc/tei:titleStmt/tei:respStmt/(tei:resp || ': ' || tei:name), '; ')}</dd>
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
