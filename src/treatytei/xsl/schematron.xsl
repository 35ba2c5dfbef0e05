<?xml version="1.0" encoding="UTF-8"?>
<!--
  A small ISO Schematron compiler, written for treatytei: turns a Schematron schema
  (queryBinding xslt3) into an XSLT 3.0 stylesheet that reports in SVRL.

  Supported: sch:ns, sch:let (schema level: an overridable xsl:param; pattern and rule
  level: variables), sch:pattern, sch:rule
  (@context; within a pattern the first matching rule wins), sch:assert and
  sch:report (@test, @id, @role, @flag), sch:value-of, sch:name, sch:emph.
  Not supported (not used here): phases, abstract patterns and rules, includes,
  diagnostics. Each failed assert / successful report carries @location, an XPath
  (fn:path) to the node, which the caller maps back to a line and column.

  The document is walked once for all patterns (one template dispatch for a node no
  rule matches, instead of one per pattern): every rule is a template of the one walk
  mode, its priority ranking first its pattern, then its place in the pattern; a rule
  that fires passes on (xsl:next-match) with its pattern marked as done, so a later
  rule of the same pattern is skipped and the next pattern's rules get their turn.
  The reports are then written pattern by pattern, each in document order, as a
  pattern-at-a-time walk would.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:out="urn:treatytei:xsl-alias"
    xmlns:sch="http://purl.oclc.org/dsdl/schematron"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    exclude-result-prefixes="sch">

  <xsl:namespace-alias stylesheet-prefix="out" result-prefix="xsl"/>
  <xsl:output method="xml" indent="yes"/>

  <xsl:template match="/sch:schema">
    <out:stylesheet version="3.0">
      <xsl:for-each select="sch:ns">
        <xsl:namespace name="{@prefix}" select="@uri"/>
      </xsl:for-each>
      <xsl:namespace name="svrl" select="'http://purl.oclc.org/dsdl/svrl'"/>
      <xsl:apply-templates select="sch:let" mode="schema"/>
      <out:template match="/">
        <out:variable name="tt-reports" as="element()*">
          <out:apply-templates select="." mode="tt-walk"/>
        </out:variable>
        <svrl:schematron-output title="{normalize-space(sch:title)}">
          <xsl:for-each select="sch:pattern">
            <svrl:active-pattern id="{(@id, concat('pattern-', position()))[1]}"/>
            <out:for-each select="$tt-reports[@tt-pattern = {position()}]">
              <out:copy>
                <out:copy-of select="@* except @tt-pattern, node()"/>
              </out:copy>
            </out:for-each>
          </xsl:for-each>
        </svrl:schematron-output>
      </out:template>
      <xsl:for-each select="sch:pattern">
        <xsl:variable name="pattern" select="position()"/>
        <xsl:apply-templates select="sch:let" mode="global"/>
        <xsl:for-each select="sch:rule">
          <out:template match="{@context}" mode="tt-walk" priority="{100000 - 1000 * $pattern - position()}">
            <out:param name="tt-done" tunnel="yes" select="()"/>
            <out:choose>
              <out:when test="{$pattern} = $tt-done">
                <out:next-match/>
              </out:when>
              <out:otherwise>
                <xsl:apply-templates select="sch:let" mode="local"/>
                <xsl:apply-templates select="sch:assert | sch:report">
                  <xsl:with-param name="pattern" select="$pattern"/>
                </xsl:apply-templates>
                <out:next-match>
                  <out:with-param name="tt-done" tunnel="yes" select="($tt-done, {$pattern})"/>
                </out:next-match>
              </out:otherwise>
            </out:choose>
          </out:template>
        </xsl:for-each>
      </xsl:for-each>
      <!-- after every pattern has had its turn: on to the attributes and children -->
      <out:template match="document-node() | @* | node()" mode="tt-walk" priority="-10">
        <out:apply-templates select="@* | node()" mode="tt-walk">
          <out:with-param name="tt-done" tunnel="yes" select="()"/>
        </out:apply-templates>
      </out:template>
    </out:stylesheet>
  </xsl:template>

  <!-- schema-level lets become stylesheet parameters with the let's value as their
       default, so that a caller may supply a value computed once for many documents -->
  <xsl:template match="sch:let" mode="schema">
    <out:param name="{@name}" select="{@value}"/>
  </xsl:template>
  <xsl:template match="sch:let" mode="global">
    <out:variable name="{@name}" select="{@value}"/>
  </xsl:template>
  <xsl:template match="sch:let" mode="local">
    <out:variable name="{@name}" select="{@value}"/>
  </xsl:template>

  <xsl:template match="sch:assert">
    <xsl:param name="pattern"/>
    <out:if test="not({@test})">
      <svrl:failed-assert tt-pattern="{$pattern}" id="{@id}" role="{(@role, 'error')[1]}" location="{{path(.)}}">
        <svrl:text><xsl:apply-templates mode="message"/></svrl:text>
      </svrl:failed-assert>
    </out:if>
  </xsl:template>

  <xsl:template match="sch:report">
    <xsl:param name="pattern"/>
    <out:if test="{@test}">
      <svrl:successful-report tt-pattern="{$pattern}" id="{@id}" role="{(@role, 'error')[1]}" location="{{path(.)}}">
        <svrl:text><xsl:apply-templates mode="message"/></svrl:text>
      </svrl:successful-report>
    </out:if>
  </xsl:template>

  <xsl:template match="sch:value-of" mode="message">
    <out:value-of select="{@select}"/>
  </xsl:template>
  <xsl:template match="sch:name" mode="message">
    <out:value-of select="name({(@path, '.')[1]})"/>
  </xsl:template>
  <xsl:template match="sch:emph" mode="message">
    <xsl:apply-templates mode="message"/>
  </xsl:template>
  <xsl:template match="text()" mode="message">
    <xsl:value-of select="replace(., '\s+', ' ')"/>
  </xsl:template>
</xsl:stylesheet>
