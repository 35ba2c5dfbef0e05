<?xml version="1.0" encoding="UTF-8"?>
<!-- apparatus: the collated treaty. Each witness's reading text, side by side
     (synoptic) or one at a time; every variant marked in the text, a click shows all
     readings with their witnesses and the kind of variant; lacunae shown as such. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <!-- the witnesses in lacuna at each point of the apparatus; a witness that begins later
       (its <witStart/>) has nothing to show before it -->
  <xsl:accumulator name="lacunose" as="xs:string*" initial-value="()">
    <xsl:accumulator-rule match="tei:TEI" select="distinct-values(.//tei:witStart/../@wit ! tokenize(.) ! substring(., 2))"/>
    <xsl:accumulator-rule match="tei:witStart" select="$value[not(. = (tokenize(current()/../@wit) ! substring(., 2)))]"/>
    <xsl:accumulator-rule match="tei:lacunaStart" select="($value, tokenize(../@wit) ! substring(., 2))"/>
    <xsl:accumulator-rule match="tei:lacunaEnd" phase="end" select="$value[not(. = (tokenize(current()/../@wit) ! substring(., 2)))]"/>
  </xsl:accumulator>

  <xsl:function name="tt:cites" as="xs:boolean">
    <xsl:param name="rdg" as="element()"/>
    <xsl:param name="wit" as="xs:string"/>
    <xsl:sequence select="('#' || $wit) = tokenize($rdg/@wit)"/>
  </xsl:function>

  <xsl:template name="tt:collation-page">
    <xsl:param name="target" as="xs:string" tunnel="yes"/>
    <xsl:variable name="doc" select="if (doc-available($tei-dir || $target || '.apparatus.xml')) then doc($tei-dir || $target || '.apparatus.xml') else ()"/>
    <xsl:if test="empty($doc)"><xsl:message terminate="yes">no apparatus for '{$target}'</xsl:message></xsl:if>
    <xsl:variable name="wits" select="$doc//tei:listWit/tei:witness"/>
    <xsl:call-template name="tt:shell">
      <xsl:with-param name="title" select="tt:ui('collated-title')"/>
      <xsl:with-param name="body-class" select="'collation-page'"/>
      <xsl:with-param name="content-doc" select="$doc" tunnel="yes"/>
      <xsl:with-param name="content-wits" select="$wits" tunnel="yes"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:collation-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = 'collation']" mode="tt:content">
    <xsl:param name="content-doc" tunnel="yes"/>
    <xsl:param name="content-wits" tunnel="yes"/>
    <xsl:variable name="doc" select="$content-doc"/>
    <xsl:variable name="wits" select="$content-wits"/>
        <h1>{tt:ui('collated-h1', string-join($wits/tei:bibl/tei:title, ' / '))}</h1>
        <ul class="witnesses">
          <xsl:for-each select="$wits">
            <li><b class="siglum">{(@n, @xml:id)[1]}</b> <a href="{substring-before(@corresp, '.xml')}.html" lang="{@xml:lang}">{tei:bibl/tei:title}</a> — {tei:bibl/tei:note}</li>
          </xsl:for-each>
        </ul>
        <div class="controls">
          <fieldset class="view-switch">
            <legend>{tt:ui('side-by-side')}</legend>
            <xsl:for-each select="$wits">
              <label><input type="checkbox" name="wit" value="{@xml:id}" checked=""/> {tt:ui('witness-n', (@n, @xml:id)[1])}</label>
            </xsl:for-each>
          </fieldset>
          <fieldset class="kind-filter">
            <legend>{tt:ui('mark')}</legend>
            <xsl:for-each select="'substantive', 'orthographic', 'numbering'">
              <xsl:variable name="k" select="."/>
              <label><input type="checkbox" name="kind" value="{$k}" checked=""/> <span class="var var-{$k}">{tt:ui('kind-' || $k)}</span> ({count($doc//tei:body//tei:app[@type = $k])})</label>
            </xsl:for-each>
          </fieldset>
          <p class="legend"><span class="lacuna-mark">{tt:ui('lacuna')}</span>{tt:ui('coll-legend')}</p>
        </div>
        <xsl:call-template name="tt:heat-map"><xsl:with-param name="doc" select="$doc"/></xsl:call-template>
        <div class="collation" data-view="synoptic" style="--wits: {count($wits)}">
          <xsl:for-each select="$doc//tei:body/tei:div">
            <xsl:variable name="div" select="."/>
            <section id="{tt:anchor(.)}" class="csect">
              <h2>{if (@type = 'preamble') then tt:ui('place-preamble') else tt:ui('place-article', @n)} <a class="anchor" href="#{tt:anchor(.)}" aria-label="{tt:ui('link-section')}">#</a></h2>
              <xsl:for-each select="tei:note[@type = 'revision']"><p class="ed-note" role="note" lang="en">{.}</p></xsl:for-each>
              <!-- the witnesses in columns, cut into rows at the ends of sentences (a
                   common or punctuation-variant 。；), so that the columns stay aligned; on
                   a phone held upright the cells stack row by row -->
              <xsl:variable name="rows" as="array(*)*">
                <xsl:for-each select="$div/tei:p">
                  <xsl:for-each-group select="node()" group-ending-with="node()[tt:ends-sentence(.)]">
                    <xsl:sequence select="[current-group()]"/>
                  </xsl:for-each-group>
                </xsl:for-each>
              </xsl:variable>
              <xsl:variable name="rows" select="if (exists($rows)) then $rows else [()]"/>
              <div class="wits">
                <xsl:for-each select="$wits">
                  <div class="wit wit-h" data-wit="{@xml:id}"><p class="wit-head" lang="{$ui-lang}">{tt:ui('witness-head', (@n, @xml:id)[1])}</p></div>
                </xsl:for-each>
                <xsl:for-each select="$rows">
                  <xsl:variable name="row" select="."/>
                  <xsl:variable name="r" select="position()"/>
                  <xsl:for-each select="$wits">
                    <xsl:variable name="w" select="string(@xml:id)"/>
                    <xsl:variable name="label" select="string((@n, @xml:id)[1])"/>
                    <xsl:choose>
                      <xsl:when test="not(tokenize($div/@corresp) ! substring-before(., '#') = string(@corresp))
                                      and $w = $div/tei:p[1]/accumulator-before('lacunose')">
                        <xsl:if test="$r = 1">
                          <div class="wit wit-lacuna" data-wit="{$w}" data-siglum="{$label}" style="grid-row: span {count($rows)}">
                            <p class="lacuna" lang="{$ui-lang}">{tt:ui('lacuna-section', $label)}</p>
                          </div>
                        </xsl:if>
                      </xsl:when>
                      <xsl:otherwise>
                        <div class="wit" data-wit="{$w}" data-siglum="{$label}" lang="{@xml:lang}">
                          <p><xsl:apply-templates select="$row?1" mode="wit"><xsl:with-param name="wit" select="$w" tunnel="yes"/></xsl:apply-templates></p>
                        </div>
                      </xsl:otherwise>
                    </xsl:choose>
                  </xsl:for-each>
                </xsl:for-each>
              </div>
              <xsl:call-template name="tt:app-list"><xsl:with-param name="div" select="$div"/><xsl:with-param name="wits" select="$wits"/></xsl:call-template>
            </section>
          </xsl:for-each>
        </div>
        <div class="popovers">
          <xsl:for-each select="$doc//tei:app[@type = ('orthographic', 'substantive', 'numbering')]">
            <xsl:call-template name="tt:app-popover">
              <xsl:with-param name="wits" select="$wits"/>
            </xsl:call-template>
          </xsl:for-each>
        </div>
        <xsl:call-template name="tt:popovers">
          <xsl:with-param name="scope" select="$doc/tei:TEI/tei:text"/>
          <xsl:with-param name="date-prefix" select="'pop-dx-'"/>
        </xsl:call-template>
  </xsl:template>

  <!-- where the witnesses differ most: a cell per section, darker the larger the share
       of its text that is in a variant (substantive or orthographic; a variant counts as
       long as its longest reading), each cell linked to its section -->
  <xsl:template name="tt:heat-map">
    <xsl:param name="doc" as="document-node()"/>
    <xsl:variable name="rows" as="map(*)*">
      <xsl:for-each select="$doc//tei:body/tei:div">
        <xsl:variable name="apps" select=".//tei:app[@type = ('substantive', 'orthographic')][not(ancestor::tei:app)]"/>
        <xsl:variable name="varied" select="sum($apps ! max((tei:rdg ! string-length(replace(tt:rdg-text(.), '\s', '')), 0)))"/>
        <xsl:variable name="common" select="string-length(replace(string-join(.//text()[not(ancestor::tei:app or ancestor::tei:orig
                                            or ancestor::tei:note or ancestor::tei:label)], ''), '\s', ''))"/>
        <xsl:sequence select="map{'div': ., 'n': count($apps), 'wits': if (exists($apps)) then 2 else count(tokenize(@corresp)),
                                  'share': if ($varied + $common gt 0) then 100 * $varied div ($varied + $common) else 0}"/>
      </xsl:for-each>
    </xsl:variable>
    <nav class="heat-map" aria-label="{tt:ui('heat-label')}">
      <p class="heat-head">{tt:ui('heat-head')}</p>
      <ol>
        <xsl:for-each select="$rows">
          <xsl:variable name="level" select="if (?wits lt 2) then 'none' else min((4, xs:integer(ceiling(?share div 20))))"/>
          <li class="heat-{$level}">
            <a href="#{tt:anchor(?div)}" title="{if (?wits lt 2) then tt:ui('heat-one') else tt:ui('heat-n', ?n)}">
              <span class="heat-sec">{if (?div/@type = 'preamble') then tt:ui('heat-pre') else tt:ui('heat-art', ?div/@n)}</span>
              <span class="heat-rate">{if (?wits lt 2) then '—' else format-number(?share, '0') || '%'}</span>
            </a>
          </li>
        </xsl:for-each>
      </ol>
    </nav>
  </xsl:template>

  <!-- where a row of the collation ends: after common text ending a sentence, or after
       a punctuation variant that has a stop or a semicolon -->
  <xsl:function name="tt:ends-sentence" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="exists($n/self::text()[matches(., '[。；;！？!?]\s*$')])
      or exists($n/self::tei:app[@type = 'punctuation'][matches(string-join(tei:rdg ! string(.)), '[。；;]')])"/>
  </xsl:function>

  <!-- one witness's text -->
  <xsl:template match="text()" mode="wit">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:if test="not($wit = accumulator-before('lacunose'))"><xsl:value-of select="."/></xsl:if>
  </xsl:template>

  <xsl:template match="tei:choice" mode="wit">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:if test="not($wit = accumulator-before('lacunose'))">
      <xsl:variable name="own" select="tei:orig[@source = '#' || $wit]"/>
      <xsl:choose>
        <xsl:when test="$own"><span lang="{$own/@xml:lang}" class="own">{$own}</span></xsl:when>
        <xsl:otherwise>{tei:reg}</xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:roleName | tei:title | tei:date" mode="wit">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:if test="not($wit = accumulator-before('lacunose'))">
      <xsl:apply-templates select="." mode="text"><xsl:with-param name="occ" select="false()" tunnel="yes"/></xsl:apply-templates>
    </xsl:if>
  </xsl:template>

  <xsl:template match="tei:label" mode="wit">
    <span class="label"><xsl:apply-templates mode="wit"/></span>
  </xsl:template>

  <xsl:template match="tei:app[@type = 'lacuna']" mode="wit">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:variable name="label" select="string((root(.)//tei:witness[@xml:id = $wit]/@n, $wit)[1])"/>
    <xsl:if test="tei:rdg[tt:cites(., $wit)]/tei:lacunaStart">
      <span class="lacuna-mark" role="note" lang="{$ui-lang}">{tt:ui('lacuna-start', $label)}</span>
    </xsl:if>
    <xsl:if test="tei:rdg[tt:cites(., $wit)]/tei:lacunaEnd">
      <span class="lacuna-mark" role="note" lang="{$ui-lang}">{tt:ui('lacuna-end', $label)}</span>
    </xsl:if>
  </xsl:template>

  <!-- a reading: its box holds the witness's words, names and dates as everywhere (each
       opens its entry); the small button at its start, or a click on its words, opens the
       variant's readings (a button cannot hold the names' buttons). A variant nested in a
       reading several witnesses share is marked inside the box (the popover and the
       apparatus list give its readings) -->
  <xsl:template match="tei:app" mode="wit">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:param name="in-reading" tunnel="yes" select="false()"/>
    <xsl:variable name="rdg" select="tei:rdg[tt:cites(., $wit)]"/>
    <xsl:variable name="empty" select="normalize-space(string($rdg)) = ''"/>
    <xsl:choose>
      <xsl:when test="not($rdg) or $wit = accumulator-before('lacunose')"/>
      <xsl:when test="$in-reading">
        <span class="var-in var-{@type}" data-app="{@xml:id}"><xsl:apply-templates select="$rdg/node()" mode="wit"/></span>
      </xsl:when>
      <xsl:otherwise>
        <span class="var var-{@type} var-{@subtype}{if ($empty) then ' var-empty' else ''}" data-app="app-{@xml:id}">
          <button type="button" class="var-open" popovertarget="app-{@xml:id}"
                  aria-label="{tt:ui(if ($empty) then 'var-open-omits' else 'var-open', tt:ui('kind-' || @type))}"><span aria-hidden="true">°</span></button>
          <xsl:choose>
            <xsl:when test="$empty"><span class="omits">⌀</span></xsl:when>
            <xsl:otherwise><xsl:apply-templates select="$rdg/node()" mode="wit"><xsl:with-param name="in-reading" select="true()" tunnel="yes"/></xsl:apply-templates></xsl:otherwise>
          </xsl:choose>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- punctuation that an unpunctuated witness does not have: not a variant to mark;
       each column shows its witness's text as it is -->
  <xsl:template match="tei:app[@type = 'punctuation']" mode="wit" priority="2">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:if test="not($wit = accumulator-before('lacunose'))">
      <xsl:apply-templates select="tei:rdg[tt:cites(., $wit)]/node()" mode="wit"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*" mode="wit">
    <xsl:apply-templates mode="wit"/>
  </xsl:template>

  <xsl:template match="tei:app" mode="text" priority="3">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:apply-templates select="tei:rdg[tt:cites(., $wit)]/node()" mode="text"/>
  </xsl:template>

  <!-- the apparatus of a section as a list: lemma (the first witness present) ] the other
       readings with their sigla; each entry opens the variant's readings beside the text
       (#app-ID), and the variant's box links back to its entry -->
  <xsl:template name="tt:app-list">
    <xsl:param name="div" as="element()"/>
    <xsl:param name="wits" as="element()*"/>
    <xsl:variable name="apps" select="$div//tei:app[@type = ('orthographic', 'substantive', 'numbering')]"/>
    <xsl:if test="$apps">
      <details class="app-list" lang="{$ui-lang}">
        <summary>{tt:ui('app-list', count($apps))}</summary>
        <ol>
          <xsl:for-each select="$apps">
            <xsl:variable name="present" select="tei:rdg[not(@type = ('lac', 'silent'))]"/>
            <xsl:variable name="lemma" select="$present[1]"/>
            <li id="al-{@xml:id}" class="al-{@type}">
              <a href="#app-{@xml:id}"><span lang="{($lemma/@xml:lang, tt:lang($lemma))[1]}">{tt:rdg-text($lemma)}</span></a>
              <xsl:text> ] </xsl:text>
              <xsl:for-each select="$present[position() gt 1]">
                <xsl:if test="position() gt 1">; </xsl:if>
                <span lang="{(@xml:lang, tt:lang(.))[1]}">{if (normalize-space(tt:rdg-text(.)) = '') then tt:ui('om') else tt:rdg-text(.)}</span>
                <xsl:text> </xsl:text><i>{string-join(for $s in tokenize(@wit) ! substring(., 2) return string(($wits[@xml:id = $s]/@n, $s)[1]), ' ')}</i>
              </xsl:for-each>
              <xsl:text> </xsl:text><span class="al-kind">({tt:ui('kind-' || (@type[. = ('substantive', 'orthographic', 'numbering')], 'substantive')[1])}{if (@subtype) then ', ' || replace(@subtype, '-', ' ') else ''})</span>
            </li>
          </xsl:for-each>
        </ol>
      </details>
    </xsl:if>
  </xsl:template>

  <!-- a reading's words as witness $wit writes them (its choice/orig where it has one; an
       article numeral is no word of the text). The site's apparatus list and the print's
       collation notes both quote through it. -->
  <xsl:function name="tt:reading-text" as="xs:string">
    <xsl:param name="rdg" as="element()?"/>
    <xsl:param name="wit" as="xs:string?"/>
    <xsl:sequence select="string-join($rdg//text()[not(ancestor::tei:orig[not(@source = '#' || $wit)])]
                          [not(parent::tei:reg[../tei:orig[@source = '#' || $wit]])][not(ancestor::tei:label)]
                          [not(ancestor::tei:rdg[exists(ancestor::tei:rdg intersect $rdg)][not(tt:cites(., $wit))])], '')"/>
  </xsl:function>
  <!-- ... in the characters of its first witness -->
  <xsl:function name="tt:rdg-text" as="xs:string">
    <xsl:param name="rdg" as="element()?"/>
    <xsl:sequence select="tt:reading-text($rdg, substring(tokenize($rdg/@wit)[1], 2))"/>
  </xsl:function>

  <xsl:template name="tt:app-popover">
    <xsl:param name="wits" as="element()*"/>
    <div popover="" id="app-{@xml:id}" class="pop pop-app" role="dialog" aria-label="{tt:ui('readings')}">
      <p class="pop-head">{tt:ui('pop-' || (@type[. = ('numbering', 'substantive', 'orthographic', 'punctuation', 'lacuna')], 'other')[1])}{if (@subtype) then ': ' || replace(@subtype, '-', ' ') else ''}
        <span class="etype">{tt:place-label(.)}</span></p>
      <table class="readings">
        <thead><tr><th scope="col">{tt:ui('witness')}</th><th scope="col">{tt:ui('reading')}</th></tr></thead>
        <tbody>
          <!-- a row for each witness: a reading several witnesses share is shown in each
               one's own characters -->
          <xsl:for-each select="tei:rdg">
            <xsl:variable name="r" select="."/>
            <xsl:for-each select="tokenize(@wit) ! substring(., 2)">
              <xsl:variable name="w" select="."/>
              <tr>
                <th scope="row"><abbr title="{$wits[@xml:id = $w]/tei:bibl/tei:title}">{($wits[@xml:id = $w]/@n, $w)[1]}</abbr></th>
                <td lang="{($r/@xml:lang, tt:lang($r))[1]}">
                  <xsl:choose>
                    <xsl:when test="normalize-space($r) = ''"><em lang="{$ui-lang}">{tt:ui('omits')}</em></xsl:when>
                    <xsl:otherwise><xsl:apply-templates select="$r/node()" mode="text"><xsl:with-param name="occ" select="false()" tunnel="yes"/><xsl:with-param name="wit" select="$w" tunnel="yes"/></xsl:apply-templates></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </xsl:for-each>
        </tbody>
      </table>
      <xsl:for-each select="tei:note">
        <p class="ed-note" role="note"><span class="note-label" lang="{$ui-lang}">{tt:ui('editor-note')}</span><xsl:apply-templates mode="text"/></p>
      </xsl:for-each>
      <p class="in-list" lang="{$ui-lang}"><a href="#al-{@xml:id}">{tt:ui('in-app-of', tt:place-label(.))}</a></p>
      <p class="cite-variant" lang="{$ui-lang}">{tt:ui('cite-variant', (tt:place-label(.), string-join(sort(distinct-values(for $s in tei:rdg[not(@type = ('lac', 'silent'))]/tokenize(@wit) ! substring(., 2) return string(($wits[@xml:id = $s]/@n, $s)[1]))), ', ')))}
        <code class="url">{tt:cite-url(tt:collation-file(.))}#app-{@xml:id}</code></p>
      <button type="button" class="pop-close" popovertarget="app-{@xml:id}" popovertargetaction="hide">{tt:ui('close')}</button>
    </div>
  </xsl:template>
</xsl:stylesheet>
