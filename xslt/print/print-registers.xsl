<?xml version="1.0" encoding="UTF-8"?>
<!-- print-registers: the registers and the index of dates, each entry with the pages
     where it is named (the pages of the typeset parts), grouped by text and section. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:key name="print-by-ref" match="tei:*[@ref]" use="tokenize(@ref) ! substring-after(., '#')"/>

  <xsl:template name="tt:print-registers">
    <section class="part register" id="reg-persons" lang="en">
      <h1 class="chapter">Register of persons</h1>
      <xsl:call-template name="tt:print-entries"><xsl:with-param name="entries" select="$register//tei:person"/></xsl:call-template>
    </section>
    <section class="part register" id="reg-places" lang="en">
      <h1 class="chapter">Register of places</h1>
      <xsl:call-template name="tt:print-entries"><xsl:with-param name="entries" select="$register//tei:place"/></xsl:call-template>
    </section>
    <section class="part register" id="reg-orgs" lang="en">
      <h1 class="chapter">Register of organisations, offices and treaties</h1>
      <xsl:call-template name="tt:print-entries"><xsl:with-param name="entries" select="$register//tei:org, $register//tei:taxonomy[@xml:id = 'offices']/tei:category, $register//tei:listBibl/tei:bibl"/></xsl:call-template>
    </section>
    <section class="part register" id="reg-dates" lang="en">
      <h1 class="chapter">Index of dates</h1>
      <table class="dates">
        <thead><tr><th>ISO 8601</th><th>In the source</th><th>Calendar</th><th>Where</th></tr></thead>
        <tbody>
          <xsl:for-each select="tt:text-docs()//tei:date[@when or @notBefore][ancestor::tei:text or ancestor::tei:notesStmt]">
            <xsl:sort select="(if (@when) then string(@when) else @notBefore || '/' || @notAfter)"/>
            <tr>
              <td>{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}</td>
              <td lang="{tt:lang(.)}">{tt:plain(.)}</td>
              <td>{if (@datingMethod = '#julian') then 'Julian ' || @when-custom else if (@datingMethod = '#chinese-qing') then 'Qing ' || @when-custom else if (@datingMethod = '#chinese') then 'Chinese ' || @when-custom else 'Gregorian'}</td>
              <td><span lang="{tt:lang(root(.)/tei:TEI)}">{tt:title(.)}</span>, {tt:place-label(.)}, p. <xsl:call-template name="tt:xref"><xsl:with-param name="anchor" select="root(.)/tei:TEI/@xml:id || '-' || tt:occ-id(.)"/><xsl:with-param name="class" select="'pref'"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

  <!-- A register: entries in the order of their Hanyu Pinyin (tone marks and spaces
       set aside, then the marked form), each with its romanisation, its other names and
       the pages where it is named: in each text, and in the collated treaty (only the
       names printed there: the base text's). A page is listed once, linked to the first
       mention on it. -->
  <xsl:template name="tt:print-entries">
    <xsl:param name="entries" as="element()*"/>
    <div class="entries">
      <xsl:for-each-group select="tt:in-pinyin-order($entries)" group-adjacent="tt:initial(.)">
        <p class="letter" lang="en">{(current-grouping-key()[. != ''], '—')[1]}</p>
        <xsl:for-each select="current-group()">
        <xsl:variable name="id" select="string(@xml:id)"/>
        <xsl:variable name="main" select="tt:entry-name(.)"/>
        <xsl:variable name="py" select="tt:pinyin(.)"/>
        <xsl:variable name="occ" select="(tt:text-docs(), tt:app-docs()) ! key('print-by-ref', $id, .)[ancestor::tei:text or ancestor::tei:notesStmt]
                                         [map:contains($page-of, tt:occ-anchor(.))]"/>
        <div class="entry">
          <span class="e-main" lang="{$main/@xml:lang}">{$main}</span>
          <xsl:if test="$py"><xsl:text> </xsl:text><span class="e-py" lang="zh-Latn-pinyin">{$py}</span></xsl:if>
          <xsl:text> </xsl:text>
          <span class="e-names">
            <xsl:for-each select="(tei:persName | tei:placeName | tei:orgName | tei:title | tei:catDesc/tei:term)[. != $main][not(@xml:lang = 'zh-Latn-pinyin')]">
              <xsl:if test="position() gt 1">, </xsl:if><span lang="{@xml:lang}">{.}</span>
            </xsl:for-each>
          </span>
          <span class="e-type" lang="en"> — {tt:entry-type(.)}<xsl:for-each select="tei:location/tei:geo">, {tokenize(.)[1]}° N {tokenize(.)[2]}° E</xsl:for-each>.</span>
          <xsl:for-each select="tei:note | tei:catDesc[@xml:lang = 'en']"><span class="e-note" lang="en"> {.}</span></xsl:for-each>
          <xsl:if test="$occ">
            <span class="e-occ" lang="en"> Named:
              <xsl:for-each-group select="$occ" group-by="root(.)/tei:TEI/@xml:id">
                <xsl:if test="position() gt 1">; </xsl:if>
                <span lang="{tt:lang(root(.)/tei:TEI)}">{if (root(.)//tei:listWit) then '校勘' else tt:title(.)}</span>
                <xsl:variable name="pages" as="map(*)*">
                  <xsl:for-each-group select="current-group()" group-by="$page-of(tt:occ-anchor(.))">
                    <xsl:sort select="current-grouping-key()"/>
                    <xsl:sequence select="map { 'page': current-grouping-key(), 'anchor': tt:occ-anchor(current-group()[1]) }"/>
                  </xsl:for-each-group>
                </xsl:variable>
                <xsl:text> {if (count($pages) = 1) then 'p.' else 'pp.'} </xsl:text>
                <xsl:for-each select="$pages">
                  <xsl:if test="position() gt 1">, </xsl:if>
                  <xsl:call-template name="tt:xref"><xsl:with-param name="anchor" select="?anchor"/><xsl:with-param name="class" select="'pref'"/></xsl:call-template>
                </xsl:for-each>
              </xsl:for-each-group>.
            </span>
          </xsl:if>
        </div>
        </xsl:for-each>
      </xsl:for-each-group>
    </div>
  </xsl:template>

  <xsl:function name="tt:occ-anchor" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="root($el)/tei:TEI/@xml:id || '-' || tt:occ-id($el)"/>
  </xsl:function>

</xsl:stylesheet>
