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
        <svrl:schematron-output title="{normalize-space(sch:title)}">
          <xsl:for-each select="sch:pattern">
            <svrl:active-pattern id="{(@id, concat('pattern-', position()))[1]}"/>
            <out:apply-templates select="." mode="{concat('p', position())}"/>
          </xsl:for-each>
        </svrl:schematron-output>
      </out:template>
      <xsl:for-each select="sch:pattern">
        <xsl:variable name="mode" select="concat('p', position())"/>
        <xsl:apply-templates select="sch:let" mode="global"/>
        <xsl:for-each select="sch:rule">
          <out:template match="{@context}" mode="{$mode}" priority="{1000 - position()}">
            <xsl:apply-templates select="sch:let" mode="local"/>
            <xsl:apply-templates select="sch:assert | sch:report"/>
            <out:apply-templates select="@* | node()" mode="{$mode}"/>
          </out:template>
        </xsl:for-each>
        <out:template match="@* | node()" mode="{$mode}" priority="-10">
          <out:apply-templates select="@* | node()" mode="{$mode}"/>
        </out:template>
      </xsl:for-each>
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
    <out:if test="not({@test})">
      <svrl:failed-assert id="{@id}" role="{(@role, 'error')[1]}" location="{{path(.)}}">
        <svrl:text><xsl:apply-templates mode="message"/></svrl:text>
      </svrl:failed-assert>
    </out:if>
  </xsl:template>

  <xsl:template match="sch:report">
    <out:if test="{@test}">
      <svrl:successful-report id="{@id}" role="{(@role, 'error')[1]}" location="{{path(.)}}">
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
