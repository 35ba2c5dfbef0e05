<?xml version="1.0" encoding="UTF-8"?>
<!-- text: one page per source: the editorial note, then the preamble, articles or
     sections with stable anchors (#preamble, #art-3, #sec-2), editorial interventions
     visible, names and dates highlighted. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tt:text-page">
    <xsl:param name="target" as="xs:string" tunnel="yes"/>
    <!-- only this text is read: a page can be rendered alone -->
    <xsl:variable name="doc" select="if (doc-available($tei-dir || $target || '.xml')) then doc($tei-dir || $target || '.xml') else ()"/>
    <xsl:if test="empty($doc)"><xsl:message terminate="yes">no text '{$target}'</xsl:message></xsl:if>
    <xsl:variable name="tei" select="$doc/tei:TEI"/>
    <xsl:variable name="sig" select="tt:siglum($doc)"/>
    <xsl:call-template name="tt:shell">
      <xsl:with-param name="title" select="tt:title($doc)"/>
      <xsl:with-param name="body-class" select="'text-page'"/>
      <xsl:with-param name="content-doc" select="$doc" tunnel="yes"/>
      <xsl:with-param name="content-tei" select="$tei" tunnel="yes"/>
      <xsl:with-param name="content-sig" select="$sig" tunnel="yes"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:text-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = 'text']" mode="tt:content">
    <xsl:param name="content-doc" tunnel="yes"/>
    <xsl:param name="content-tei" tunnel="yes"/>
    <xsl:param name="content-sig" tunnel="yes"/>
    <xsl:param name="target" as="xs:string" tunnel="yes"/>
    <xsl:variable name="doc" select="$content-doc"/>
    <xsl:variable name="tei" select="$content-tei"/>
    <xsl:variable name="sig" select="$content-sig"/>
        <article class="text" lang="{$tei/@xml:lang}">
          <header class="text-head">
            <h1>{tt:title($doc)}</h1>
            <p class="meta" lang="{$ui-lang}">
              <xsl:if test="$sig">{tt:ui('witness-head', $sig)} · </xsl:if>
              <xsl:value-of select="$tei//tei:sourceDesc/tei:bibl[1]/tei:extent"/>
              <xsl:for-each select="$tei//tei:sourceDesc/tei:bibl[1]/tei:date[@when]"> · {tt:ui('dated')} <time datetime="{@when}">{@when}</time></xsl:for-each>
              · <a href="{$up}tei/{$target}.xml">TEI</a>
              <xsl:for-each select="$app-of($target || '.xml')">
                · <a href="{tt:collation-file(.)}">{tt:ui('collated-with')}</a>
              </xsl:for-each>
            </p>
            <div class="cite-this" lang="{$ui-lang}"><xsl:for-each select="$doc"><xsl:call-template name="tt:citation"/></xsl:for-each></div>
            <nav class="toc" aria-label="{tt:ui('contents')}" lang="{$ui-lang}">
              <ul>
                <xsl:if test="$tei/tei:text/tei:front"><li><a href="#note">{tt:ui('place-header')}</a></li></xsl:if>
                <xsl:for-each select="$tei/tei:text/tei:body//tei:div[@type = ('preamble', 'article', 'section')]">
                  <li><a href="#{tt:anchor(.)}">{tt:place-label((tei:head, tei:p, tei:list, tei:table)[1])}</a></li>
                </xsl:for-each>
              </ul>
            </nav>
          </header>
          <xsl:if test="$tei/tei:text/tei:front">
            <!-- the source's own header lines (title, parties, dates, editorial notes) and
                 its page furniture, in the order of the source -->
            <section id="note" class="source-note">
              <h2 lang="{$ui-lang}">{tt:ui('place-header')}</h2>
              <xsl:for-each select="$tei/tei:text/tei:front//(tei:ab | tei:fw)">
                <p class="hdr-{local-name()} hdr-{@type}"><xsl:apply-templates mode="text"/></p>
              </xsl:for-each>
            </section>
          </xsl:if>
          <xsl:apply-templates select="$tei/tei:text/tei:body/node()" mode="text"/>
        </article>
        <xsl:call-template name="tt:popovers">
          <xsl:with-param name="scope" select="$tei/tei:text | $tei//tei:notesStmt"/>
        </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:div" mode="text">
    <section id="{tt:anchor(.)}" class="div div-{@type}">
      <xsl:call-template name="tt:lang-attr"/>
      <xsl:if test="@type = ('article', 'preamble')">
        <h2 lang="{$ui-lang}">{if (@type = 'preamble') then tt:ui('place-preamble') else tt:ui('place-article', @n)}
          <a class="anchor" href="#{tt:anchor(.)}" aria-label="{tt:ui('link-section')}">#</a></h2>
      </xsl:if>
      <xsl:apply-templates mode="text"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:head" mode="text">
    <xsl:element name="h{count(ancestor::tei:div) + 1}">
      <xsl:call-template name="tt:lang-attr"/>
      <xsl:apply-templates mode="text"/>
      <a class="anchor" href="#{tt:anchor(..)}" aria-label="{tt:ui('link-section')}">#</a>
    </xsl:element>
  </xsl:template>

  <!-- a template of the wiki the dump's conversion left ({{-}}, a layout break): markup,
       not words; kept in the TEI, not shown, and a paragraph of nothing else not either -->
  <xsl:template match="tei:p" mode="text">
    <xsl:if test="not(tt:template-only(.))">
      <p><xsl:call-template name="tt:lang-attr"/><xsl:apply-templates mode="text"/></p>
    </xsl:if>
  </xsl:template>
  <xsl:template match="tei:seg[@type = 'template']" mode="text"/>

  <xsl:template match="tei:label" mode="text">
    <span class="label"><xsl:apply-templates mode="text"/></span>
  </xsl:template>

  <xsl:template match="tei:hi[@rend = 'bold']" mode="text"><b><xsl:apply-templates mode="text"/></b></xsl:template>
  <xsl:template match="tei:hi[@rend = 'italic']" mode="text"><i><xsl:apply-templates mode="text"/></i></xsl:template>
  <xsl:template match="tei:hi[@rend = ('sup', 'sub')]" mode="text"><xsl:element name="{@rend}"><xsl:apply-templates mode="text"/></xsl:element></xsl:template>
  <xsl:template match="tei:hi[@rend = 'underline']" mode="text"><u><xsl:apply-templates mode="text"/></u></xsl:template>
  <xsl:template match="tei:hi[@rend = 'strikethrough']" mode="text"><s><xsl:apply-templates mode="text"/></s></xsl:template>
  <xsl:template match="tei:hi" mode="text"><span class="hi-{@rend}"><xsl:apply-templates mode="text"/></span></xsl:template>
  <xsl:template match="tei:lb" mode="text"><br/></xsl:template>
  <xsl:template match="tei:code" mode="text"><code>{.}</code></xsl:template>
  <xsl:template match="tei:milestone" mode="text"><hr/></xsl:template>
  <!-- page furniture of the source: shown small, marked as not part of the text -->
  <xsl:template match="tei:fw" mode="text">
    <span class="fw fw-{@type}" title="{tt:ui('fw-title', @type)}" lang="{(ancestor-or-self::*/@xml:lang)[last()]}"><xsl:apply-templates mode="text"/></span>
  </xsl:template>
  <xsl:template match="tei:div/tei:fw | tei:body/tei:fw" mode="text" priority="2">
    <p class="fw fw-{@type}" title="{tt:ui('fw-title', @type)}"><xsl:apply-templates mode="text"/></p>
  </xsl:template>
  <xsl:template match="tei:ab" mode="text"><p class="ab ab-{@type}"><xsl:apply-templates mode="text"/></p></xsl:template>
  <xsl:template match="tei:ab[@type = 'code']" mode="text"><pre><code>{.}</code></pre></xsl:template>
  <!-- an image of the source: named and linked, not fetched (the site is offline) -->
  <xsl:template match="tei:figure" mode="text">
    <span class="figure" lang="{$ui-lang}">[{tt:ui('image')}: <xsl:variable name="href" select="tt:safe-href(tei:graphic/@url)"/><xsl:choose>
      <xsl:when test="$href"><a href="{$href}">{tokenize(tei:graphic/@url, '[/:]')[last()]}</a></xsl:when>
      <xsl:otherwise>{tokenize(tei:graphic/@url, '[/:]')[last()]}</xsl:otherwise></xsl:choose>]<xsl:if test="tei:figDesc and normalize-space(tei:figDesc) != tokenize(tei:graphic/@url, '[/:]')[last()]"><span class="figdesc"><xsl:text> </xsl:text><xsl:apply-templates select="tei:figDesc/node()" mode="text"/></span></xsl:if><xsl:for-each select="tei:head"><span class="figdesc caption"><xsl:call-template name="tt:lang-attr"/><xsl:text> …</xsl:text><xsl:apply-templates mode="text"/></span></xsl:for-each></span>
  </xsl:template>
  <xsl:template match="tei:seg" mode="text">
    <span><xsl:call-template name="tt:lang-attr"/><xsl:apply-templates mode="text"/></span>
  </xsl:template>

  <!-- a link of the source: its text stays text (names inside it keep their popovers);
       a small arrow after it is the link, and only to http(s) -->
  <xsl:template match="tei:ref" mode="text">
    <xsl:variable name="href" select="tt:safe-href(@target)"/>
    <span class="ref ref-{@type}"><xsl:call-template name="tt:lang-attr"/><xsl:apply-templates mode="text"/><xsl:choose>
      <xsl:when test="@type = 'noteref' and $href"><a class="noteref" href="{$href}">↓</a></xsl:when>
      <xsl:when test="@type = 'noteref'"/>   <!-- its note is not in the source: the mark alone -->
      <xsl:when test="$href"><a class="extlink" href="{$href}" aria-label="{tt:ui('link', tt:plain(.))}">↗</a></xsl:when>
      <xsl:otherwise><span class="inert" title="{tt:ui('link-not-shown')}">⊘</span></xsl:otherwise>
    </xsl:choose></span>
  </xsl:template>

  <xsl:template match="tei:gap[@reason = 'untranscribed']" mode="text">
    <span class="gap gap-untranscribed" role="note" lang="{$ui-lang}">{tt:ui('gap-untranscribed')}<xsl:if test="tei:desc"><span class="gap-desc">{tei:desc}</span></xsl:if></span>
  </xsl:template>
  <xsl:template match="tei:gap" mode="text">
    <span class="gap gap-{@reason}" role="note" lang="{$ui-lang}" title="{if (@reason = 'lost-in-conversion') then tt:ui('gap-lost') else replace(@reason, '-', ' ')}">[{replace(@reason, '-', ' ')}]</span>
  </xsl:template>

  <xsl:template match="tei:note[@type = 'revision']" mode="text">
    <p class="ed-note" lang="en" role="note">{.}</p>
  </xsl:template>
  <!-- notes the toolkit writes are shown where they belong (revision, footnotes) or in
       the header; any other note in the text is an editor's, published where it stands -->
  <xsl:template match="tei:note" mode="text">
    <span class="ed-note-inline" role="note"><span class="note-label" lang="{$ui-lang}">{tt:ui('editor-note')}</span><xsl:apply-templates mode="text"/></span>
  </xsl:template>

  <xsl:template match="tei:div[@type = 'notes']" mode="text">
    <section class="footnotes" id="notes"><h2 lang="{$ui-lang}">{tt:ui('notes')}</h2>
      <ol><xsl:for-each select="tei:note"><li id="{@xml:id}" value="{@n}"><xsl:apply-templates select="if (tei:p) then tei:p/node() else node()" mode="text"/></li></xsl:for-each></ol>
    </section>
  </xsl:template>

  <xsl:template match="tei:list" mode="text">
    <xsl:element name="{if (@rend = 'numbered') then 'ol' else 'ul'}">
      <xsl:for-each select="tei:item"><li><xsl:apply-templates mode="text"/></li></xsl:for-each>
    </xsl:element>
  </xsl:template>

  <!-- a short cell (a label, a name, a span of years) keeps to one line: a table of
       succession's first column is not folded to two characters a line -->
  <xsl:template match="tei:table" mode="text">
    <table class="text-table">
      <xsl:for-each select="tei:row">
        <tr><xsl:for-each select="tei:cell">
          <xsl:element name="{if (../@role = 'label') then 'th' else 'td'}">
            <xsl:if test="string-length(normalize-space(.)) le 12"><xsl:attribute name="class">short</xsl:attribute></xsl:if>
            <xsl:apply-templates mode="text"/>
          </xsl:element>
        </xsl:for-each></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="tei:quote" mode="text">
    <blockquote><xsl:apply-templates mode="text"/></blockquote>
  </xsl:template>

  <xsl:template match="tei:choice" mode="text">
    <xsl:param name="wit" tunnel="yes" as="xs:string?" select="()"/>
    <xsl:variable name="own" select="tei:orig[@source = '#' || $wit]"/>
    <xsl:choose>
      <xsl:when test="exists($wit) and $own"><span lang="{$own/@xml:lang}"><xsl:apply-templates select="$own/node()" mode="text"/></span></xsl:when>
      <xsl:otherwise><xsl:apply-templates select="tei:reg" mode="text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*" mode="text">
    <xsl:apply-templates mode="text"/>
  </xsl:template>
</xsl:stylesheet>
