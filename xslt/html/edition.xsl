<?xml version="1.0" encoding="UTF-8"?>
<!--
  treatytei: the HTML edition. Entry stylesheet; one call renders the whole site (or one page).
  Run by `treatytei publish html` (Saxon through saxonche) for the pages whose inputs
  changed, in batches (page=some), once for the three script trees (mode=neutral: the
  placeholders of tt:mode-token are filled in and the Chinese text converted with OpenCC
  by publish_html.for_mode).
  Parameters:
    page       all (default: every page), some (the pages listed in target) or one of
               index | text | collation | persons | places | organisations | dates | search |
               register-data (register.js: the register entries for the pages' popovers);
               pages are written with xsl:result-document (file names as on the site)
    target     the TEI id of the text (page=text) or the work (page=collation);
               with page=some, the pages to write as 'page:target' tokens (text:kyakhta-treaty-1727 …)
    mode       neutral (what the build renders) | orig | hans | hant (one tree's page as it
               is linked there; the text is not converted)
    tei-dir    URI of the folder holding the TEI files (ending in /)
    texts      file names of the texts, in the manifest's order
    apparatus  file names of the apparatus files
    witnesses  'file|apparatus|siglum' tokens, the witnesses of every apparatus (optional:
               read from the apparatus files when empty)
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <!-- later imports take precedence: the entity layer overrides the text layer's
       generic rules for names and dates -->
  <xsl:import href="common.xsl"/>
  <xsl:import href="header.xsl"/>
  <xsl:import href="text.xsl"/>
  <xsl:import href="apparatus.xsl"/>
  <xsl:import href="entities.xsl"/>
  <xsl:import href="registers.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no"/>

  <xsl:template name="xsl:initial-template">
    <xsl:choose>
      <xsl:when test="$page = 'all'">
        <!-- the whole site in one transformation: the documents are read and indexed once -->
        <xsl:for-each select="tt:pages()">
          <xsl:call-template name="tt:write-page"><xsl:with-param name="page" select="?page"/><xsl:with-param name="target" select="?target"/></xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="$page = 'some'">
        <!-- the pages a build found changed: each reads only what it shows (a filter on
             tt:pages() would not do: Saxon hoists the reading of every document out of it) -->
        <xsl:for-each select="tokenize($target)">
          <xsl:call-template name="tt:write-page"><xsl:with-param name="page" select="substring-before(., ':')"/><xsl:with-param name="target" select="substring-after(., ':')"/></xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <!-- one page, written like the others: it reads only the documents it shows -->
        <xsl:call-template name="tt:write-page"><xsl:with-param name="page" select="$page"/><xsl:with-param name="target" select="$target"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- one page into its file (register.js as text, every other page as HTML5) -->
  <xsl:template name="tt:write-page">
    <xsl:param name="page" as="xs:string"/>
    <xsl:param name="target" as="xs:string"/>
    <xsl:variable name="file" select="tt:page-file($page, $target)"/>
    <xsl:result-document href="{$file}" method="{if ($page = 'register-data') then 'text' else 'html'}" html-version="5" include-content-type="no" indent="no" encoding="UTF-8">
      <xsl:call-template name="tt:page">
        <xsl:with-param name="page" select="$page" tunnel="yes"/>
        <xsl:with-param name="target" select="$target" tunnel="yes"/>
        <xsl:with-param name="this-page" select="$file" tunnel="yes"/>
      </xsl:call-template>
    </xsl:result-document>
  </xsl:template>

  <xsl:template name="tt:page">
    <xsl:param name="page" as="xs:string" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$page = 'index'"><xsl:call-template name="tt:index-page"/></xsl:when>
      <xsl:when test="$page = 'text'"><xsl:call-template name="tt:text-page"/></xsl:when>
      <xsl:when test="$page = 'collation'"><xsl:call-template name="tt:collation-page"/></xsl:when>
      <xsl:when test="$page = ('persons', 'places', 'organisations', 'dates')"><xsl:call-template name="tt:register-page"/></xsl:when>
      <xsl:when test="$page = 'search'"><xsl:call-template name="tt:search-page"/></xsl:when>
      <xsl:when test="$page = 'register-data'"><xsl:call-template name="tt:register-data"/></xsl:when>
      <xsl:otherwise><xsl:message terminate="yes">unknown page '{$page}'</xsl:message></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
